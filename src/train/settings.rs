//! Everything that defines a training run, as plain serialisable data: it is stored with each
//! checkpoint so that `--resume` continues the same run.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::weights::ClassBalance;
use crate::model::TrainScope;

/// The dev metric that picks the best epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SelectMetric {
    /// Macro-averaged F1 over the labels present.
    #[default]
    MacroF1,
    /// SemEval-2016's (F1 FAVOR + F1 AGAINST) / 2.
    FAvg,
    /// Accuracy.
    Accuracy,
}

/// A training run's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSettings {
    /// Base model folder (an encoder or a classifier).
    pub base_model: PathBuf,
    /// Labelled training files (example- or article-level JSONL), mixed.
    pub train_files: Vec<PathBuf>,
    /// Labelled dev file, evaluated after each epoch.
    pub dev_file: Option<PathBuf>,
    /// Labels of the classifier; `None` keeps the base model's (FAVOR, AGAINST, NONE for an
    /// encoder).
    pub labels: Option<Vec<String>>,
    /// Passes over the training data.
    pub epochs: usize,
    /// Examples per forward/backward pass.
    pub batch_size: usize,
    /// Micro-batches per optimizer step (effective batch = batch_size × grad_accum).
    pub grad_accum: usize,
    /// Peak learning rate.
    pub learning_rate: f64,
    /// Decoupled weight decay.
    pub weight_decay: f64,
    /// Fraction of the steps spent warming up.
    pub warmup_ratio: f64,
    /// Gradient-norm clipping threshold (0: off).
    pub max_grad_norm: f64,
    /// How the loss balances the labels (inverse label frequency over the mix, within each
    /// file, or not at all).
    pub class_weights: ClassBalance,
    /// The loss weight of each training file's examples, in the order of `train_files`; empty
    /// weighs every file 1.
    #[serde(default)]
    pub source_weights: Vec<f64>,
    /// Train only the head.
    pub freeze_encoder: bool,
    /// Train the head and the top N encoder layers.
    pub train_layers: Option<usize>,
    /// Stop after this many epochs without dev improvement.
    pub patience: Option<usize>,
    /// The dev metric that picks the best epoch.
    pub select_metric: SelectMetric,
    /// Seed of the head's initialisation, the data order and dropout.
    pub seed: u64,
    /// Longest input in tokens; `None` keeps the base model's.
    pub max_length: Option<usize>,
    /// Characters of an actor's context when article-level records are expanded.
    pub context_chars: usize,
    /// Mark the actor's mentions in its context; `None` keeps the base model's choice (a base
    /// encoder gets marks).
    #[serde(default)]
    pub mark_actor: Option<bool>,
    /// First segment of the input pair (see
    /// [`crate::model::config::StanceSettings::first_segment_template`]); `None` keeps the base
    /// model's.
    #[serde(default)]
    pub first_segment_template: Option<String>,
    /// Share (0 to 1) of the training examples replaced by their topic-flipped twin (topic turned
    /// around, FAVOR and AGAINST swapped; see [`crate::data::augment`]); 0 turns it off. Dev data
    /// is never flipped.
    #[serde(default)]
    pub topic_flips: f64,
    /// Save a checkpoint every N optimizer steps (0: only at the end of each epoch).
    pub checkpoint_every: usize,
    /// Stop after this many optimizer steps in total (for quick trials).
    pub max_steps: Option<usize>,
    /// Record the training loss in the log every N steps.
    pub log_every: usize,
    /// Examples per forward pass when evaluating.
    pub eval_batch_size: usize,
    /// Mixed precision: the encoder's linear products in bf16 (summed in f32) on CPUs with
    /// AMX or AVX-512 BF16, weights, gradients and optimizer in f32 (see
    /// [`crate::model::kernels::Kernels::mixed_training`]); f32 elsewhere.
    #[serde(default)]
    pub mixed_precision: bool,
}

impl TrainSettings {
    /// The settings' defaults for `base_model` and `train_files`.
    pub fn new(base_model: PathBuf, train_files: Vec<PathBuf>) -> Self {
        TrainSettings {
            base_model,
            train_files,
            dev_file: None,
            labels: None,
            epochs: 4,
            batch_size: 16,
            grad_accum: 1,
            learning_rate: 5e-5,
            weight_decay: 0.01,
            warmup_ratio: 0.1,
            max_grad_norm: 1.0,
            class_weights: ClassBalance::Overall,
            source_weights: Vec::new(),
            freeze_encoder: false,
            train_layers: None,
            patience: Some(2),
            select_metric: SelectMetric::MacroF1,
            seed: 42,
            max_length: None,
            context_chars: 1200,
            mark_actor: None,
            first_segment_template: None,
            topic_flips: 0.0,
            checkpoint_every: 200,
            max_steps: None,
            log_every: 10,
            eval_batch_size: 64,
            mixed_precision: false,
        }
    }

    /// Which parameters are trained.
    pub fn scope(&self) -> TrainScope {
        match (self.freeze_encoder, self.train_layers) {
            (true, _) => TrainScope::Head,
            (false, Some(n)) => TrainScope::TopLayers(n),
            (false, None) => TrainScope::All,
        }
    }
}
