//! The named-entity tagger: the project's BERT encoder with a linear head over every token, saved
//! with the tensor names and config of transformers' `BertForTokenClassification`.

use std::path::{Path, PathBuf};

use candle_core::backprop::GradStore;
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::{Linear, Module, VarBuilder};
use rand::SeedableRng;
use tokenizers::Tokenizer;

use super::casing::CASING_TYPES;
use super::tags::CONLL_LABELS;
use super::windows::{windows, word_pieces, Window};
use crate::error::{Error, Result};
use crate::model::checkpoint::Tensors;
use crate::model::classifier::backward_through_encoder;
use crate::model::config::BertConfig;
use crate::model::dropout::{Dropout, DropoutRng};
use crate::model::encoder::{BertEncoder, EncoderInput, EncoderTape};
use crate::model::folder::{self, ModelFiles};
use crate::model::kernels::{KernelChoice, Kernels};
use crate::model::params::{build_for_training, Parameters, TrainScope, TrainingBackend};

/// transformers' class for a token classifier.
pub const TOKEN_ARCHITECTURE: &str = "BertForTokenClassification";

/// Longest window in tokens when tagging, and how far each window moves on.
pub const WINDOW_TOKENS: usize = 128;
/// See [`WINDOW_TOKENS`]: windows overlap by about half.
pub const WINDOW_STRIDE: usize = 64;

/// Encoder + dropout + a linear head on every token's hidden state.
#[derive(Debug, Clone)]
pub struct TokenClassifier {
    encoder: BertEncoder,
    dropout: Dropout,
    classifier: Linear,
}

impl TokenClassifier {
    /// Chooses the encoder's kernels (see [`crate::model::kernels`]).
    pub fn set_kernels(&self, kernels: Kernels) {
        self.encoder.set_kernels(kernels);
    }

    /// Frees the f32 copies of the encoder's linear layers packed for the precision set now
    /// (see [`crate::model::dense::Dense::keep_only_packed`]); returns how many were freed.
    pub fn keep_only_packed(&mut self) -> usize {
        self.encoder.keep_only_packed()
    }

    /// Loads the tagger from `vb` (the checkpoint's root) for `num_labels` tags.
    pub fn load(vb: VarBuilder, cfg: &BertConfig, num_labels: usize) -> candle_core::Result<Self> {
        Ok(TokenClassifier {
            encoder: BertEncoder::load(vb.pp("bert"), cfg)?,
            dropout: Dropout::new(cfg.head_dropout()),
            classifier: candle_nn::linear(cfg.hidden_size, num_labels, vb.pp("classifier"))?,
        })
    }

    /// Logits `(batch, seq, num_labels)`; dropout is active when `rng` is given.
    pub fn forward(
        &self,
        input: &EncoderInput,
        mut rng: Option<&mut DropoutRng>,
    ) -> candle_core::Result<Tensor> {
        let hidden = self.encoder.forward(input, rng.as_deref_mut())?;
        self.head(&hidden, rng)
    }

    fn head(&self, hidden: &Tensor, rng: Option<&mut DropoutRng>) -> candle_core::Result<Tensor> {
        let hidden = self.dropout.forward(hidden, rng)?;
        self.classifier.forward(&hidden)
    }

    /// A training pass: the encoder on its hand-written backward when it has one, the head on
    /// candle's autograd (as [`crate::model::SequenceClassifier::forward_for_training`]).
    pub fn forward_for_training(
        &self,
        input: &EncoderInput,
        rng: &mut DropoutRng,
    ) -> candle_core::Result<TokenTrainingPass<'_>> {
        if !self.encoder.supports_tape() || !self.encoder.is_trained() {
            return Ok(TokenTrainingPass {
                logits: self.forward(input, Some(rng))?,
                encoder: None,
                model: self,
            });
        }
        let (hidden, tape) = self.encoder.forward_taped(input, Some(&mut *rng))?;
        let hidden = Var::from_tensor(&hidden)?;
        let logits = self.head(hidden.as_tensor(), Some(rng))?;
        Ok(TokenTrainingPass {
            logits,
            encoder: Some((hidden, tape)),
            model: self,
        })
    }
}

/// The logits of a training pass and what its backward pass needs.
pub struct TokenTrainingPass<'m> {
    logits: Tensor,
    encoder: Option<(Var, EncoderTape)>,
    model: &'m TokenClassifier,
}

impl TokenTrainingPass<'_> {
    /// Logits `(batch, seq, num_labels)`, tracked by autograd.
    pub fn logits(&self) -> &Tensor {
        &self.logits
    }

    /// Gradients of `loss` for every trained parameter.
    pub fn backward(self, loss: &Tensor) -> candle_core::Result<GradStore> {
        backward_through_encoder(loss, &self.model.encoder, self.encoder)
    }
}

/// A loaded named-entity tagger: config, tags, tokenizer and network.
pub struct NerModel {
    config: BertConfig,
    labels: Vec<String>,
    tokenizer: Tokenizer,
    network: TokenClassifier,
    parameters: Parameters,
    source_dir: PathBuf,
    kernels: Kernels,
}

fn weights_error(path: &Path, error: impl std::fmt::Display) -> Error {
    Error::InvalidWeights {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

/// Whether the folder's config says it is a token classifier.
pub fn is_token_classifier(config: &BertConfig) -> bool {
    config
        .architectures
        .as_ref()
        .is_some_and(|a| a.iter().any(|name| name == TOKEN_ARCHITECTURE))
}

/// The tagger's kernels (see [`crate::model::kernels`]).
impl KernelChoice for NerModel {
    fn kernels(&self) -> Kernels {
        self.kernels
    }

    fn set_kernels(&mut self, kernels: Kernels) {
        self.network.set_kernels(kernels);
        self.kernels = kernels;
    }
}

impl NerModel {
    /// Loads a trained tagger (a `BertForTokenClassification` folder) for inference.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let files = ModelFiles::locate(dir)?;
        let config = files.read_config()?;
        if !is_token_classifier(&config) {
            return Err(Error::InvalidConfig {
                path: files.config.clone(),
                field: "architectures".to_string(),
                message: format!(
                    "not a {TOKEN_ARCHITECTURE}: train a tagger with `stance train --task ner`"
                ),
            });
        }
        let labels = config.labels(&files.config)?;
        let tensors = files.read_weights()?;
        let tokenizer = plain_tokenizer(files.read_tokenizer()?);
        let vb = VarBuilder::from_tensors(tensors.clone(), DType::F32, &Device::Cpu);
        let network = TokenClassifier::load(vb, &config, labels.len())
            .map_err(|e| weights_error(&files.weights, e))?;
        Ok(NerModel {
            config,
            labels,
            tokenizer,
            network,
            parameters: Parameters::Frozen(tensors),
            source_dir: files.dir,
            kernels: Kernels::default(),
        })
    }

    /// Builds a tagger for training from any BERT folder (a base encoder, or a tagger to go on
    /// training): a head for `labels` (CoNLL-2003's when `None`) seeded from `seed` unless the
    /// folder has one for the same tags. With `casing` (or a folder that already reads casing)
    /// the token types become the words' casing types.
    pub fn for_training(
        dir: &Path,
        labels: Option<&[String]>,
        seed: u64,
        casing: bool,
    ) -> Result<Self> {
        let files = ModelFiles::locate(dir)?;
        let mut config = files.read_config()?;
        let labels: Vec<String> = match labels {
            Some(l) => l.to_vec(),
            None => CONLL_LABELS.iter().map(|s| s.to_string()).collect(),
        };
        let mut tensors = files.read_weights()?;
        let same_head = is_token_classifier(&config)
            && config.labels(&files.config).is_ok_and(|old| old == labels);
        if !same_head {
            tensors.retain(|name, _| !name.starts_with("classifier."));
        }
        // A token classifier has no pooler (transformers builds it without one).
        tensors.retain(|name, _| !name.starts_with("bert.pooler."));
        if casing && !config.casing_token_types {
            widen_token_types(&mut tensors, &files.weights)?;
            config.type_vocab_size = CASING_TYPES;
            config.casing_token_types = true;
        }
        make_token_classifier(&mut config, &labels);
        let tokenizer = plain_tokenizer(files.read_tokenizer()?);
        let backend = TrainingBackend::new(
            tensors,
            TrainScope::All,
            config.num_hidden_layers,
            config.initializer_range,
            rand::rngs::StdRng::seed_from_u64(seed),
        );
        let (network, collected) = build_for_training(backend, |vb| {
            TokenClassifier::load(vb, &config, labels.len())
        })
        .map_err(|e| weights_error(&files.weights, e))?;
        Ok(NerModel {
            config,
            labels,
            tokenizer,
            network,
            parameters: Parameters::Trainable {
                vars: collected.trainable,
                frozen: collected.frozen,
            },
            source_dir: files.dir,
            kernels: Kernels::default(),
        })
    }

    /// The longest input the position embeddings cover.
    pub fn max_positions(&self) -> usize {
        self.config.max_position_embeddings
    }

    /// The tags, in id order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The network.
    pub fn network(&self) -> &TokenClassifier {
        &self.network
    }

    /// The tokenizer (without truncation or padding).
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The id of `[CLS]`, `[SEP]` and padding.
    pub fn special_ids(&self) -> (u32, u32, u32) {
        let id = |t: &str, default: u32| self.tokenizer.token_to_id(t).unwrap_or(default);
        (id("[CLS]", 101), id("[SEP]", 102), self.config.pad_token_id)
    }

    /// The trainable variables (empty for an inference model).
    pub fn trainable(&self) -> &[(String, Var)] {
        self.parameters.trainable()
    }

    /// Frees the f32 copies of the linear layers packed for the precision set now (bf16 or int8
    /// on a CPU with the kernel), for a tagger that only runs inference. Afterwards it runs
    /// only at that precision and cannot be saved or trained (load it again for that). Returns
    /// how many layers were freed (none at f32).
    pub fn keep_only_packed(&mut self) -> usize {
        let freed = self.network.keep_only_packed();
        if freed > 0 {
            // The checkpoint's map would keep the freed weights alive.
            self.parameters = Parameters::PackedOnly;
        }
        freed
    }

    /// The parameters under their checkpoint names.
    pub fn tensors(&self) -> Result<Tensors> {
        self.parameters.tensors()
    }

    /// Saves the tagger as a Hugging Face `BertForTokenClassification` folder.
    pub fn save(&self, dir: &Path) -> Result<()> {
        folder::write_folder(
            dir,
            &self.config,
            &self.tokenizer,
            &self.tensors()?,
            Some(&self.source_dir),
        )
    }

    /// Whether the token types carry the words' casing (see [`super::casing`]).
    pub fn reads_casing(&self) -> bool {
        self.config.casing_token_types
    }

    /// Pads windows into one encoder batch; the token types are the casing types when the
    /// tagger reads casing, all 0 otherwise.
    pub fn batch(&self, rows: &[&Window]) -> Result<EncoderInput> {
        let (_, _, pad) = self.special_ids();
        let longest = rows.iter().map(|w| w.input_ids.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(rows.len() * longest);
        let mut mask = Vec::with_capacity(rows.len() * longest);
        let mut types = Vec::with_capacity(rows.len() * longest);
        for w in rows {
            let padding = longest - w.input_ids.len();
            ids.extend_from_slice(&w.input_ids);
            ids.extend(std::iter::repeat_n(pad, padding));
            mask.extend(std::iter::repeat_n(1u32, w.input_ids.len()));
            mask.extend(std::iter::repeat_n(0u32, padding));
            if self.reads_casing() {
                types.extend_from_slice(&w.casing);
                types.extend(std::iter::repeat_n(0u32, padding));
            } else {
                types.extend(std::iter::repeat_n(0u32, longest));
            }
        }
        let shape = (rows.len(), longest);
        Ok(EncoderInput {
            input_ids: Tensor::from_vec(ids, shape, &Device::Cpu)?,
            token_type_ids: Tensor::from_vec(types, shape, &Device::Cpu)?,
            attention_mask: Tensor::from_vec(mask, shape, &Device::Cpu)?,
        })
    }

    /// Tags each text (its words), `batch_size` windows at a time. A long text is read in
    /// overlapping windows of [`WINDOW_TOKENS`], and each word's tag comes from the window where
    /// it has the most context on both sides.
    pub fn tag(&self, texts: &[Vec<String>], batch_size: usize) -> Result<Vec<Vec<String>>> {
        let (cls, sep, _) = self.special_ids();
        let max_length = WINDOW_TOKENS.min(self.config.max_position_embeddings);
        let mut all_windows = Vec::new();
        let mut plans = Vec::with_capacity(texts.len());
        for words in texts {
            let pieces = word_pieces(&self.tokenizer, words)?;
            let (cut, best) = windows(&pieces, max_length, WINDOW_STRIDE, cls, sep);
            plans.push((all_windows.len(), best));
            all_windows.extend(cut);
        }
        let mut order: Vec<usize> = (0..all_windows.len()).collect();
        order.sort_by_key(|&i| all_windows[i].input_ids.len());
        // For each window, the tag id argmax at each position.
        let mut argmax: Vec<Vec<u32>> = vec![Vec::new(); all_windows.len()];
        for chunk in order.chunks(batch_size.max(1)) {
            let rows: Vec<&Window> = chunk.iter().map(|&i| &all_windows[i]).collect();
            let input = self.batch(&rows)?;
            let best = self.network.forward(&input, None)?.argmax(D::Minus1)?;
            let best = best.to_vec2::<u32>()?;
            for (&i, row) in chunk.iter().zip(best) {
                argmax[i] = row;
            }
        }
        let mut tagged = Vec::with_capacity(texts.len());
        for (words, (first_window, best)) in texts.iter().zip(plans) {
            let mut tags = Vec::with_capacity(words.len());
            for (word, &w) in best.iter().enumerate() {
                let window = &all_windows[first_window + w];
                let position = window
                    .first_piece_of
                    .iter()
                    .position(|p| *p == Some(word))
                    .unwrap_or(0);
                let id = argmax[first_window + w].get(position).copied().unwrap_or(0);
                tags.push(self.labels.get(id as usize).cloned().unwrap_or_default());
            }
            tagged.push(tags);
        }
        Ok(tagged)
    }
}

/// Gives the token-type embedding [`CASING_TYPES`] rows, each a copy of its first row, so that
/// the widened encoder starts out reading every word as the base read a first segment.
fn widen_token_types(tensors: &mut Tensors, weights: &Path) -> Result<()> {
    let name = tensors
        .keys()
        .find(|n| n.ends_with("embeddings.token_type_embeddings.weight"))
        .cloned()
        .ok_or_else(|| weights_error(weights, "no token_type_embeddings to read casing with"))?;
    let table = &tensors[&name];
    let first = table
        .narrow(0, 0, 1)
        .map_err(|e| weights_error(weights, e))?;
    let widened = Tensor::cat(&[&first; CASING_TYPES], 0).map_err(|e| weights_error(weights, e))?;
    tensors.insert(name, widened);
    Ok(())
}

/// Sets the label map and architecture of a token classifier's config.
pub fn make_token_classifier(config: &mut BertConfig, labels: &[String]) {
    config.set_head(TOKEN_ARCHITECTURE, labels);
    config.stance = None;
}

/// The tokenizer without the truncation and padding a tokenizer.json may carry: windows do
/// their own cutting.
fn plain_tokenizer(mut tokenizer: Tokenizer) -> Tokenizer {
    tokenizer.with_padding(None);
    let _ = tokenizer.with_truncation(None);
    tokenizer
}
