//! A stance classifier ready to use: configuration, labels, tokenizer framing and weights of one
//! model folder, for inference or for training.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::VarBuilder;
use rand::SeedableRng;

use super::checkpoint::Tensors;
use super::classifier::{SequenceClassifier, TrainingForward};
use super::config::{BertConfig, Pooling, StanceSettings};
use super::dropout::DropoutRng;
use super::encoder::EncoderInput;
use super::folder::{self, ModelFiles};
use super::hub;
use super::input::{EncodedPair, PairInput, PairTokenizer};
use super::kernels::{KernelChoice, Kernels};
use super::params::{build_for_training, Parameters, TrainScope, TrainingBackend};
use crate::data::none_labels::NONE_LABEL;
use crate::error::{Error, Result};
use crate::evidence::{EvidenceGate, EVIDENCE_FOLDER};

/// What to change when turning a folder into a classifier for training; `None` keeps the
/// folder's value (or the default for a base model).
#[derive(Debug, Clone, Default)]
pub struct ClassifierSpec {
    /// Class labels in id order.
    pub labels: Option<Vec<String>>,
    /// Pooling before the head.
    pub pooling: Option<Pooling>,
    /// Longest input in tokens.
    pub max_length: Option<usize>,
    /// First-segment template (see [`StanceSettings::first_segment_template`]).
    pub first_segment_template: Option<String>,
    /// Characters of an actor's context (see [`StanceSettings::context_chars`]).
    pub context_chars: Option<usize>,
    /// Whether actor mentions are marked (see [`StanceSettings::mark_actor`]).
    pub mark_actor: Option<bool>,
}

/// The result of classifying one pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    /// The most probable label.
    pub label: String,
    /// Probability of each label, in label-id order.
    pub probabilities: Vec<f32>,
    /// Raw logits, in label-id order.
    pub logits: Vec<f32>,
    /// The encoder input the decision was made on.
    pub encoded: EncodedPair,
    /// With an evidence scorer: the highest probability that a sentence of the context carries
    /// the actor's stance on the topic ([`crate::evidence::EvidenceGate`]).
    pub evidence_score: Option<f32>,
}

/// A loaded stance classifier.
pub struct StanceModel {
    config: BertConfig,
    labels: Vec<String>,
    inputs: PairTokenizer,
    classifier: SequenceClassifier,
    parameters: Parameters,
    source_dir: PathBuf,
    evidence: Option<Box<EvidenceGate>>,
    kernels: Kernels,
}

fn weights_error(path: &Path, error: impl std::fmt::Display) -> Error {
    Error::InvalidWeights {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

/// The model's kernels and its evidence scorer's (see [`crate::model::kernels`]).
impl KernelChoice for StanceModel {
    fn kernels(&self) -> Kernels {
        self.kernels
    }

    fn set_kernels(&mut self, kernels: Kernels) {
        self.classifier.set_kernels(kernels);
        if let Some(gate) = &mut self.evidence {
            gate.set_kernels(kernels);
        }
        self.kernels = kernels;
    }
}

impl StanceModel {
    /// Loads a fine-tuned classifier for inference from a folder or a Hugging Face model id.
    pub fn load(spec: &str) -> Result<Self> {
        Self::from_dir(&hub::resolve(spec)?)
    }

    /// Loads a fine-tuned classifier for inference from a model folder.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let files = ModelFiles::locate(dir)?;
        let config = files.read_config()?;
        if crate::ner::model::is_token_classifier(&config) {
            return Err(Error::InvalidConfig {
                path: files.config.clone(),
                field: "architectures".to_string(),
                message: format!(
                    "this is a named-entity tagger ({}), not a stance model: use it with --task ner",
                    crate::ner::model::TOKEN_ARCHITECTURE
                ),
            });
        }
        let labels = config.labels(&files.config)?;
        let tensors = files.read_weights()?;
        if !tensors.contains_key("classifier.weight") {
            return Err(Error::InvalidWeights {
                path: files.weights.clone(),
                message: "no classification head (`classifier.weight`): this is a base encoder; \
                          fine-tune it with `stance train` or add a fresh head with `stance model init`"
                    .to_string(),
            });
        }
        let inputs = Self::pair_tokenizer(&files, &config)?;
        let vb = VarBuilder::from_tensors(tensors.clone(), DType::F32, &Device::Cpu);
        let classifier = SequenceClassifier::load(vb, &config, labels.len())
            .map_err(|e| weights_error(&files.weights, e))?;
        let evidence = Self::evidence_gate(&files.dir, &config, &labels)?;
        Ok(StanceModel {
            config,
            labels,
            inputs,
            classifier,
            parameters: Parameters::Frozen(tensors),
            source_dir: files.dir,
            evidence,
            kernels: Kernels::default(),
        })
    }

    /// Frees the f32 copies of the linear layers packed for the precision set now (bf16 or int8
    /// on a CPU with the kernel), here and in the evidence scorer: for a model that only runs
    /// inference, the linear layers' share of each encoder's f32 weights (half in
    /// all-MiniLM-L6-v2, whose embedding table is large for its size). Afterwards the model runs only at
    /// that precision and cannot be saved, shifted or trained (load it again for that). Returns
    /// how many layers were freed (none at f32).
    pub fn keep_only_packed(&mut self) -> usize {
        let mut freed = self.classifier.keep_only_packed();
        if freed > 0 {
            // The checkpoint's map would keep the freed weights alive.
            self.parameters = Parameters::PackedOnly;
        }
        if let Some(gate) = &mut self.evidence {
            freed += gate.keep_only_packed();
        }
        freed
    }

    /// Loads any BERT folder (a base encoder or a fine-tuned classifier) for training. The
    /// parameters in `scope` become variables; the others stay frozen tensors. Parameters the
    /// checkpoint lacks (a new head, a pooler) are initialised from `seed`; their names are
    /// returned.
    pub fn for_training(
        dir: &Path,
        spec: &ClassifierSpec,
        scope: TrainScope,
        seed: u64,
    ) -> Result<(Self, Vec<String>)> {
        let files = ModelFiles::locate(dir)?;
        let mut config = files.read_config()?;
        let old_labels = config.labels(&files.config)?;
        let labels = spec.labels.clone().unwrap_or(old_labels.clone());
        let mut tensors = files.read_weights()?;
        if labels != old_labels {
            // A head trained for other labels means nothing for these ones.
            tensors.retain(|name, _| !name.starts_with("classifier."));
        }
        let base = config.settings();
        let settings = StanceSettings {
            pooling: spec.pooling.unwrap_or(base.pooling),
            max_length: spec.max_length.unwrap_or(base.max_length),
            first_segment_template: spec
                .first_segment_template
                .clone()
                .unwrap_or(base.first_segment_template),
            context_chars: spec.context_chars.unwrap_or(base.context_chars),
            // Training changes the logits' scale: calibration must be fitted again.
            temperature: 1.0,
            mark_actor: spec.mark_actor.unwrap_or(base.mark_actor),
            actor_marks: base.actor_marks,
            speaker_aware: true,
            // A scorer belongs to the model it was chosen for, not to what is trained from it.
            evidence_threshold: None,
            // Training learns a new prior: a shift chosen for the old head means nothing.
            logit_shift: Default::default(),
        };
        config.make_classifier(&labels, settings);
        config.validate(&files.config)?;
        let inputs = Self::pair_tokenizer(&files, &config)?;

        let backend = TrainingBackend::new(
            tensors,
            scope,
            config.num_hidden_layers,
            config.initializer_range,
            rand::rngs::StdRng::seed_from_u64(seed),
        );
        let (classifier, collected) = build_for_training(backend, |vb| {
            SequenceClassifier::load(vb, &config, labels.len())
        })
        .map_err(|e| weights_error(&files.weights, e))?;
        Ok((
            StanceModel {
                config,
                labels,
                inputs,
                classifier,
                parameters: Parameters::Trainable {
                    vars: collected.trainable,
                    frozen: collected.frozen,
                },
                source_dir: files.dir,
                evidence: None,
                kernels: Kernels::default(),
            },
            collected.fresh,
        ))
    }

    /// The evidence gate of a folder whose config sets `stance.evidence_threshold`.
    fn evidence_gate(
        dir: &Path,
        config: &BertConfig,
        labels: &[String],
    ) -> Result<Option<Box<EvidenceGate>>> {
        let Some(threshold) = config.settings().evidence_threshold else {
            return Ok(None);
        };
        let invalid = |message: String| Error::InvalidConfig {
            path: dir.join(folder::CONFIG_FILE),
            field: "stance.evidence_threshold".to_string(),
            message,
        };
        let scorer_dir = dir.join(EVIDENCE_FOLDER);
        if !scorer_dir.is_dir() {
            return Err(invalid(format!(
                "is set but {} is missing (add a scorer with `stance model add-evidence`)",
                scorer_dir.display()
            )));
        }
        let scorer = StanceModel::from_dir(&scorer_dir)?;
        let gate = Self::gate(labels, scorer, threshold).map_err(|e| invalid(e.to_string()))?;
        Ok(Some(Box::new(gate)))
    }

    /// The gate of a model with `labels`, which must include the NONE it decides.
    fn gate(labels: &[String], scorer: StanceModel, threshold: f64) -> Result<EvidenceGate> {
        if !labels.iter().any(|l| l == NONE_LABEL) {
            return Err(Error::InvalidInput(format!(
                "an evidence scorer decides {NONE_LABEL}, which this model's labels ({}) lack",
                labels.join(", ")
            )));
        }
        EvidenceGate::new(scorer, threshold)
    }

    /// Gives the model the evidence scorer `scorer`, deciding NONE below `threshold` (see
    /// [`EvidenceGate`]); the config records the threshold, so [`StanceModel::save_evidence`]
    /// makes it part of the folder.
    pub fn set_evidence(&mut self, scorer: StanceModel, threshold: f64) -> Result<()> {
        self.evidence = Some(Box::new(Self::gate(&self.labels, scorer, threshold)?));
        self.record_evidence_threshold(Some(threshold));
        Ok(())
    }

    /// Changes the threshold of the model's evidence scorer, which it must have.
    pub fn set_evidence_threshold(&mut self, threshold: f64) -> Result<()> {
        let gate = self
            .evidence
            .as_deref_mut()
            .ok_or_else(|| Error::InvalidInput("this model has no evidence scorer".to_string()))?;
        gate.set_threshold(threshold)?;
        self.record_evidence_threshold(Some(threshold));
        Ok(())
    }

    fn record_evidence_threshold(&mut self, threshold: Option<f64>) {
        let mut settings = self.config.settings();
        settings.evidence_threshold = threshold;
        self.config.stance = Some(settings);
    }

    /// Writes the model's evidence scorer into `dir/evidence/` and its threshold into
    /// `dir/config.json`, making it part of the model folder `dir` (this model's).
    pub fn save_evidence(&self, dir: &Path) -> Result<()> {
        let gate = self
            .evidence
            .as_deref()
            .ok_or_else(|| Error::InvalidInput("this model has no evidence scorer".to_string()))?;
        gate.scorer().save(&dir.join(EVIDENCE_FOLDER))?;
        self.save_config(dir)
    }

    /// Whether NONE is decided by an evidence scorer.
    pub fn has_evidence_gate(&self) -> bool {
        self.evidence.is_some()
    }

    fn pair_tokenizer(files: &ModelFiles, config: &BertConfig) -> Result<PairTokenizer> {
        let tokenizer = files.read_tokenizer()?;
        let vocab = tokenizer.get_vocab_size(true);
        if vocab > config.vocab_size {
            return Err(Error::InvalidConfig {
                path: files.config.clone(),
                field: "vocab_size".to_string(),
                message: format!(
                    "{} is smaller than the tokenizer's vocabulary ({vocab}) in {}",
                    config.vocab_size,
                    files.tokenizer.display()
                ),
            });
        }
        PairTokenizer::new(tokenizer, config.settings(), config.pad_token_id)
    }

    /// Adds `amount` to the logit of each `(label, amount)` after the temperature, so that the
    /// probabilities become `softmax(logits / T + shift)`: a correction of the classifier's
    /// prior between labels, chosen on dev data. The shift goes into the head's bias (so a
    /// saved folder gives Python the same decisions) and is added to what the `stance` section
    /// records. Only an inference model (from [`StanceModel::from_dir`]) can be shifted.
    pub fn shift_logits(&mut self, shift: &[(String, f64)]) -> Result<()> {
        let tensors = match &mut self.parameters {
            Parameters::Frozen(tensors) => tensors,
            Parameters::Trainable { .. } => {
                return Err(Error::InvalidInput(
                    "a model being trained cannot be shifted; shift the saved folder".to_string(),
                ))
            }
            Parameters::PackedOnly => {
                return Err(Error::InvalidInput(
                    "a model packed for inference cannot be shifted; shift the saved folder"
                        .to_string(),
                ))
            }
        };
        let temperature = self.config.settings().temperature;
        let mut amounts = vec![0f32; self.labels.len()];
        for (label, amount) in shift {
            let index = self.labels.iter().position(|l| l == label).ok_or_else(|| {
                Error::InvalidInput(format!(
                    "no label {label} to shift (the model's labels: {})",
                    self.labels.join(", ")
                ))
            })?;
            if !amount.is_finite() {
                return Err(Error::InvalidInput(format!(
                    "shift {amount} of {label} is not a number"
                )));
            }
            amounts[index] += (amount * temperature) as f32;
        }
        let bias = tensors
            .get("classifier.bias")
            .ok_or_else(|| Error::InvalidWeights {
                path: self.source_dir.clone(),
                message: "the head has no bias (`classifier.bias`) to shift".to_string(),
            })?;
        let shifted = (bias + Tensor::new(amounts.as_slice(), bias.device())?)?;
        tensors.insert("classifier.bias".to_string(), shifted);
        let vb = VarBuilder::from_tensors(tensors.clone(), DType::F32, &Device::Cpu);
        self.classifier = SequenceClassifier::load(vb, &self.config, self.labels.len())
            .map_err(|e| weights_error(&self.source_dir, e))?;
        // The rebuilt layers run as the model did.
        self.classifier.set_kernels(self.kernels);
        let mut settings = self.config.settings();
        for (label, amount) in shift {
            *settings.logit_shift.entry(label.clone()).or_insert(0.0) += amount;
        }
        settings.logit_shift.retain(|_, amount| *amount != 0.0);
        self.config.stance = Some(settings.clone());
        self.inputs = PairTokenizer::new(
            self.inputs.tokenizer().clone(),
            settings,
            self.config.pad_token_id,
        )?;
        Ok(())
    }

    /// The model's configuration (with its `stance` section filled in).
    pub fn config(&self) -> &BertConfig {
        &self.config
    }

    /// Class labels in id order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The softmax temperature applied to probabilities (1 unless calibrated).
    pub fn temperature(&self) -> f64 {
        self.inputs.settings().temperature
    }

    /// Sets the softmax temperature (stored in config.json by [`StanceModel::save`]).
    pub fn set_temperature(&mut self, temperature: f64) -> Result<()> {
        if !(temperature > 0.0 && temperature.is_finite()) {
            return Err(Error::InvalidInput(format!(
                "temperature {temperature} is not a positive number"
            )));
        }
        if let Some(settings) = self.config.stance.as_mut() {
            settings.temperature = temperature;
        }
        self.inputs.set_temperature(temperature);
        Ok(())
    }

    /// How inputs are framed and tokenized.
    pub fn inputs(&self) -> &PairTokenizer {
        &self.inputs
    }

    /// The network.
    pub fn classifier(&self) -> &SequenceClassifier {
        &self.classifier
    }

    /// The trainable variables and their names (empty unless loaded with
    /// [`StanceModel::for_training`]).
    pub fn trainable(&self) -> &[(String, Var)] {
        self.parameters.trainable()
    }

    /// Number of scalar parameters.
    pub fn parameter_count(&self) -> Result<usize> {
        Ok(self.tensors()?.values().map(|t| t.elem_count()).sum())
    }

    /// The parameters under their checkpoint names.
    pub fn tensors(&self) -> Result<Tensors> {
        self.parameters.tensors()
    }

    /// Saves the model as a Hugging Face-compatible folder.
    pub fn save(&self, dir: &Path) -> Result<()> {
        folder::write_folder(
            dir,
            &self.config,
            self.inputs.tokenizer(),
            &self.tensors()?,
            Some(&self.source_dir),
        )
    }

    /// Rewrites only the config.json of the model folder `dir` (e.g. after calibration).
    pub fn save_config(&self, dir: &Path) -> Result<()> {
        folder::write_atomically(
            &dir.join(folder::CONFIG_FILE),
            self.config.to_json_string().as_bytes(),
        )
    }

    /// Logits `(batch, labels)` for an encoded batch; dropout is active when `rng` is given.
    pub fn logits(&self, batch: &EncoderInput, rng: Option<&mut DropoutRng>) -> Result<Tensor> {
        Ok(self.classifier.forward(batch, rng)?)
    }

    /// The forward pass of a training step (dropout from `rng`); its
    /// [`TrainingForward::backward`] gives the gradients of a loss on its logits, as
    /// `loss.backward()` would on [`StanceModel::logits`], faster (see [`super::tape`]).
    pub fn training_forward(
        &self,
        batch: &EncoderInput,
        rng: &mut DropoutRng,
    ) -> Result<TrainingForward<'_>> {
        Ok(self.classifier.forward_for_training(batch, rng)?)
    }

    /// Classifies `pairs`, `batch_size` at a time, grouping inputs of similar length so that
    /// little padding is computed. Results come back in input order.
    pub fn classify(&self, pairs: &[PairInput], batch_size: usize) -> Result<Vec<Classification>> {
        let encoded = pairs
            .iter()
            .map(|pair| self.inputs.encode(pair))
            .collect::<Result<Vec<_>>>()?;
        let mut order: Vec<usize> = (0..encoded.len()).collect();
        order.sort_by_key(|&i| encoded[i].input_ids.len());
        let mut results: Vec<Option<Classification>> = vec![None; encoded.len()];
        for chunk in order.chunks(batch_size.max(1)) {
            let rows: Vec<&EncodedPair> = chunk.iter().map(|&i| &encoded[i]).collect();
            let batch = self.inputs.batch(&rows, &Device::Cpu)?;
            let logits = self.logits(&batch, None)?;
            let scaled = (&logits / self.temperature())?;
            let probabilities = candle_nn::ops::softmax(&scaled, D::Minus1)?.to_vec2::<f32>()?;
            let logits = logits.to_vec2::<f32>()?;
            for ((&index, logits), probabilities) in chunk.iter().zip(logits).zip(probabilities) {
                let best = argmax(&probabilities);
                results[index] = Some(Classification {
                    label: self.labels[best].clone(),
                    probabilities,
                    logits,
                    encoded: encoded[index].clone(),
                    evidence_score: None,
                });
            }
        }
        let mut results: Vec<Classification> = results.into_iter().flatten().collect();
        if let Some(gate) = &self.evidence {
            // `evidence_gate` checked that the labels have NONE.
            let none = self
                .labels
                .iter()
                .position(|l| l == NONE_LABEL)
                .unwrap_or(0);
            let scores = gate.stance_scores(pairs, batch_size)?;
            for (result, score) in results.iter_mut().zip(scores) {
                gate.decide(result, score, none, &self.labels);
            }
        }
        Ok(results)
    }
}

/// Index of the largest value (the first one on ties).
fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |(bi, bv), (i, &v)| {
            if v > bv {
                (i, v)
            } else {
                (bi, bv)
            }
        })
        .0
}
