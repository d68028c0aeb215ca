//! The on-disk layout of a model folder; the only module that knows file names.
//!
//! A folder holds `config.json` (transformers' BertConfig plus `id2label`/`label2id`, the label
//! map, and a `stance` section), `model.safetensors` (or `pytorch_model.bin` when read),
//! `tokenizer.json`, and the tokenizer side files transformers' `AutoTokenizer` reads.

use std::path::{Path, PathBuf};

use tokenizers::Tokenizer;

use super::checkpoint::{self, Tensors};
use super::config::BertConfig;
use crate::error::{Error, Result};

/// Name of the configuration file.
pub const CONFIG_FILE: &str = "config.json";
/// Name of the tokenizer file.
pub const TOKENIZER_FILE: &str = "tokenizer.json";
/// Name of the weights file `stance` writes.
pub const SAFETENSORS_FILE: &str = "model.safetensors";
/// Name of PyTorch weights, read when no safetensors file is present.
pub const PYTORCH_FILE: &str = "pytorch_model.bin";
/// Tokenizer side files copied along when present, so Python's `AutoTokenizer` loads the folder.
pub const TOKENIZER_SIDE_FILES: [&str; 3] = [
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
];

const FETCH_HINT: &str =
    "run scripts/fetch-model.sh for all-MiniLM-L6-v2, or pass a complete model folder";

/// The files of a model folder, checked to exist.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    /// The folder.
    pub dir: PathBuf,
    /// Its config.json.
    pub config: PathBuf,
    /// Its tokenizer.json.
    pub tokenizer: PathBuf,
    /// Its weights: model.safetensors, else pytorch_model.bin.
    pub weights: PathBuf,
}

impl ModelFiles {
    /// Finds the files of the model folder `dir`, failing with the first one missing.
    pub fn locate(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            return Err(Error::MissingModelFile {
                dir: dir.to_path_buf(),
                file: "the folder itself".to_string(),
                hint: FETCH_HINT.to_string(),
            });
        }
        let require = |file: &str| -> Result<PathBuf> {
            let path = dir.join(file);
            if path.is_file() {
                Ok(path)
            } else {
                Err(Error::MissingModelFile {
                    dir: dir.to_path_buf(),
                    file: file.to_string(),
                    hint: FETCH_HINT.to_string(),
                })
            }
        };
        let config = require(CONFIG_FILE)?;
        let tokenizer = require(TOKENIZER_FILE)?;
        let weights = require(SAFETENSORS_FILE)
            .or_else(|_| require(PYTORCH_FILE))
            .map_err(|_| Error::MissingModelFile {
                dir: dir.to_path_buf(),
                file: format!("{SAFETENSORS_FILE} (or {PYTORCH_FILE})"),
                hint: FETCH_HINT.to_string(),
            })?;
        Ok(ModelFiles {
            dir: dir.to_path_buf(),
            config,
            tokenizer,
            weights,
        })
    }

    /// Reads and validates config.json.
    pub fn read_config(&self) -> Result<BertConfig> {
        BertConfig::from_file(&self.config)
    }

    /// Reads tokenizer.json.
    pub fn read_tokenizer(&self) -> Result<Tokenizer> {
        Tokenizer::from_file(&self.tokenizer).map_err(|e| {
            // The tokenizers crate reports a damaged file by the serde type it failed on
            // ("untagged enum ModelUntagged"); say what it means.
            let message = e.to_string();
            let detail = if message.contains("untagged enum") || message.contains("expected") {
                format!(
                    "not a tokenizer the `tokenizers` library can read (damaged, or written by \
                     another tool?): {message}"
                )
            } else {
                message
            };
            Error::Tokenizer(format!("{}: {detail}", self.tokenizer.display()))
        })
    }

    /// Reads the weights under canonical names.
    pub fn read_weights(&self) -> Result<Tensors> {
        checkpoint::read_weights(&self.weights)
    }
}

/// Writes a complete model folder to `dir` (created if needed). Tokenizer side files are copied
/// from `side_files_from` when it has them.
///
/// config.json is written last: a folder with a config.json is complete.
pub fn write_folder(
    dir: &Path,
    config: &BertConfig,
    tokenizer: &Tokenizer,
    tensors: &Tensors,
    side_files_from: Option<&Path>,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let config_path = dir.join(CONFIG_FILE);
    if config_path.exists() {
        std::fs::remove_file(&config_path).map_err(|e| Error::io(&config_path, e))?;
    }
    checkpoint::write_weights(&dir.join(SAFETENSORS_FILE), tensors)?;
    // A stale pickle next to fresh safetensors would be ignored by stance but not by every tool.
    let stale = dir.join(PYTORCH_FILE);
    if stale.exists() {
        std::fs::remove_file(&stale).map_err(|e| Error::io(&stale, e))?;
    }
    let tokenizer_path = dir.join(TOKENIZER_FILE);
    tokenizer
        .save(&tokenizer_path, true)
        .map_err(|e| Error::Tokenizer(format!("{}: {e}", tokenizer_path.display())))?;
    if let Some(source) = side_files_from {
        for file in TOKENIZER_SIDE_FILES {
            let from = source.join(file);
            let to = dir.join(file);
            if from.is_file() && from != to {
                std::fs::copy(&from, &to).map_err(|e| Error::io(&to, e))?;
            }
        }
    }
    write_atomically(&config_path, config.to_json_string().as_bytes())
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}
