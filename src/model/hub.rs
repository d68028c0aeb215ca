//! Turning what the user passed as `--model` into a local folder: a path, or a Hugging Face model
//! id looked up in the HF cache and, when allowed, downloaded with hf-hub.

use std::path::{Path, PathBuf};

use hf_hub::api::sync::ApiBuilder;
use hf_hub::{Cache, Repo};

use super::folder::{CONFIG_FILE, PYTORCH_FILE, SAFETENSORS_FILE, TOKENIZER_FILE};
use crate::error::{Error, Result};

const OFFLINE_HINT: &str = "pass a local model folder instead (scripts/fetch-model.sh puts \
all-MiniLM-L6-v2 in models/all-MiniLM-L6-v2), or copy the model into the Hugging Face cache";

/// Whether `HF_HUB_OFFLINE` asks for the cache only, as the Python hub client reads it.
pub fn offline_requested() -> bool {
    std::env::var("HF_HUB_OFFLINE")
        .map(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            )
        })
        .unwrap_or(false)
}

/// The hub cache: `HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`.
fn cache() -> Cache {
    match std::env::var_os("HF_HUB_CACHE") {
        Some(dir) => Cache::new(PathBuf::from(dir)),
        None => Cache::from_env(),
    }
}

/// Whether `spec` reads as a file-system path rather than a hub id (`name` or `owner/name`).
fn looks_like_path(spec: &str) -> bool {
    spec.starts_with('.')
        || spec.starts_with('/')
        || spec.starts_with('~')
        || spec.contains('\\')
        || spec.matches('/').count() > 1
}

/// Resolves `spec` to a local model folder.
///
/// An existing directory is used as it is. Anything else that looks like a path is an error. A
/// hub id is looked up in the HF cache; if some files are missing there, they are downloaded
/// unless `HF_HUB_OFFLINE` is set.
pub fn resolve(spec: &str) -> Result<PathBuf> {
    let path = Path::new(spec);
    if path.is_dir() {
        return Ok(path.to_path_buf());
    }
    if looks_like_path(spec) || path.exists() {
        return Err(Error::Hub {
            model: spec.to_string(),
            message: format!("no model folder at this path; {OFFLINE_HINT}"),
        });
    }
    let hub_error = |message: String| Error::Hub {
        model: spec.to_string(),
        message,
    };
    let cache = cache();
    let cached = cache.model(spec.to_string());
    let weights_cached = [SAFETENSORS_FILE, PYTORCH_FILE]
        .iter()
        .find_map(|file| cached.get(file));
    if let (Some(config), Some(_), Some(_)) = (
        cached.get(CONFIG_FILE),
        cached.get(TOKENIZER_FILE),
        weights_cached,
    ) {
        return config
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| hub_error(format!("cache entry {} has no folder", config.display())));
    }
    if offline_requested() {
        return Err(hub_error(format!(
            "not in the Hugging Face cache ({}) and HF_HUB_OFFLINE is set; {OFFLINE_HINT}",
            cache.path().display()
        )));
    }
    let api = ApiBuilder::from_cache(cache)
        .with_progress(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .build()
        .map_err(|e| hub_error(format!("cannot start the hub client: {e}")))?;
    let repo = api.repo(Repo::model(spec.to_string()));
    let download = |file: &str| {
        repo.get(file).map_err(|e| {
            hub_error(format!(
                "cannot download {file} from the Hugging Face Hub ({e}); without network, {OFFLINE_HINT}"
            ))
        })
    };
    let config = download(CONFIG_FILE)?;
    download(TOKENIZER_FILE)?;
    download(SAFETENSORS_FILE).or_else(|_| download(PYTORCH_FILE))?;
    config
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| hub_error(format!("download {} has no folder", config.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_hub_ids_are_told_apart() {
        assert!(looks_like_path("./models/x"));
        assert!(looks_like_path("/abs/model"));
        assert!(looks_like_path("models/a/b"));
        assert!(!looks_like_path("sentence-transformers/all-MiniLM-L6-v2"));
        assert!(!looks_like_path("bert-base-uncased"));
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let err = resolve("./no/such/model/folder").unwrap_err().to_string();
        assert!(err.contains("./no/such/model/folder"), "{err}");
        assert!(err.contains("no model folder"), "{err}");
    }
}
