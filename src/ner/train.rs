//! Training a tagger: AdamW with warmup and linear decay, batches of similar length, the best
//! epoch by dev entity F1 kept.

use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::{Tensor, D};
use serde::{Deserialize, Serialize};

use super::conll::{join_sentences, read_conll, Sentence};
use super::metrics::{EntityCounter, NerReport};
use super::model::NerModel;
use super::windows::{windows, word_pieces, Window};
use crate::error::{Error, Result};
use crate::model::dropout::DropoutRng;
use crate::train::batches::{derive_seed, epoch_plan};
use crate::train::optimizer::{clip_grad_norm, AdamW, AdamWConfig};
use crate::train::schedule::LinearSchedule;

/// The summary a run writes next to the tagger.
pub const NER_SUMMARY_FILE: &str = "training.json";

/// A tagger training run's settings, as plain data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NerTrainSettings {
    /// Base model folder (an encoder, or a tagger to go on training).
    pub base_model: PathBuf,
    /// CoNLL training file.
    pub train_file: PathBuf,
    /// CoNLL dev file, scored after each epoch.
    pub dev_file: Option<PathBuf>,
    /// Passes over the training data.
    pub epochs: usize,
    /// Sentences (windows) per optimizer step.
    pub batch_size: usize,
    /// Peak learning rate.
    pub learning_rate: f64,
    /// Decoupled weight decay.
    pub weight_decay: f64,
    /// Fraction of the steps spent warming up.
    pub warmup_ratio: f64,
    /// Gradient-norm clipping threshold (0: off).
    pub max_grad_norm: f64,
    /// Seed of the head, the data order and dropout.
    pub seed: u64,
    /// Longest training window in tokens.
    pub max_length: usize,
    /// Stop after this many optimizer steps in total (for quick trials).
    pub max_steps: Option<usize>,
    /// Consecutive sentences read as one text (see [`join_sentences`]), in training and in the
    /// dev scores; 1 reads each sentence alone.
    #[serde(default = "one")]
    pub context_sentences: usize,
    /// Read each word's capitalisation through the token types (see [`super::casing`]); a base
    /// encoder gets one token-type row per casing type, each starting as its first row.
    #[serde(default)]
    pub casing: bool,
}

fn one() -> usize {
    1
}

impl NerTrainSettings {
    /// Defaults for fine-tuning `base_model` on `train_file`.
    pub fn new(base_model: PathBuf, train_file: PathBuf) -> Self {
        NerTrainSettings {
            base_model,
            train_file,
            dev_file: None,
            epochs: 3,
            batch_size: 32,
            learning_rate: 5e-5,
            weight_decay: 0.01,
            warmup_ratio: 0.1,
            max_grad_norm: 1.0,
            seed: 42,
            max_length: 128,
            max_steps: None,
            context_sentences: 1,
            casing: true,
        }
    }
}

/// One epoch of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NerEpoch {
    /// 1-based.
    pub epoch: usize,
    /// Mean training loss over the epoch's steps.
    pub train_loss: f64,
    /// Dev entity F1 (with a dev file).
    pub dev_f1: Option<f64>,
}

/// What a finished run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NerTrainSummary {
    /// The run's settings.
    pub settings: NerTrainSettings,
    /// The tags.
    pub labels: Vec<String>,
    /// Training sentences and the windows they became.
    pub train_sentences: usize,
    /// See `train_sentences`.
    pub train_windows: usize,
    /// Optimizer steps taken.
    pub steps: usize,
    /// Per epoch.
    pub epochs: Vec<NerEpoch>,
    /// The epoch whose tagger was saved (the best on dev, or the last).
    pub saved_epoch: usize,
    /// Its dev scores.
    pub saved_dev: Option<NerReport>,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// What a run reports as it goes.
pub trait NerObserver {
    /// Training starts: `total` steps.
    fn started(&mut self, total: usize, summary: &str);
    /// A step ended with this loss.
    fn step(&mut self, step: usize, loss: f64);
    /// A step a resumed run had already taken (for progress bars).
    fn skipped(&mut self) {}
    /// An epoch ended.
    fn epoch(&mut self, epoch: &NerEpoch);
}

/// A training window with the tag id of each word's first piece.
struct Example {
    window: Window,
    targets: Vec<Option<u32>>,
}

fn examples(model: &NerModel, sentences: &[Sentence], max_length: usize) -> Result<Vec<Example>> {
    let (cls, sep, _) = model.special_ids();
    let mut out = Vec::new();
    for sentence in sentences {
        let ids: Vec<u32> = sentence
            .tags
            .iter()
            .map(|t| {
                model
                    .labels()
                    .iter()
                    .position(|l| l == t)
                    .map(|i| i as u32)
                    .ok_or_else(|| {
                        Error::InvalidInput(format!(
                            "tag {t} is not one of the tagger's ({})",
                            model.labels().join(", ")
                        ))
                    })
            })
            .collect::<Result<_>>()?;
        let pieces = word_pieces(model.tokenizer(), &sentence.words)?;
        let (cut, _) = windows(&pieces, max_length, max_length / 2, cls, sep);
        for window in cut {
            let targets = window
                .first_piece_of
                .iter()
                .map(|w| w.map(|w| ids[w]))
                .collect();
            out.push(Example { window, targets });
        }
    }
    Ok(out)
}

/// Tags `sentences` with `model`, `context_sentences` consecutive ones read as one text, and
/// scores the tags sentence by sentence; returns the scores and each sentence's tags.
pub fn evaluate_ner(
    model: &NerModel,
    sentences: &[Sentence],
    batch_size: usize,
    context_sentences: usize,
) -> Result<(NerReport, Vec<Vec<String>>)> {
    let per_text = context_sentences.max(1);
    let texts: Vec<Vec<String>> = join_sentences(sentences, per_text)
        .into_iter()
        .map(|s| s.words)
        .collect();
    let mut predicted = Vec::with_capacity(sentences.len());
    for (group, tags) in sentences
        .chunks(per_text)
        .zip(model.tag(&texts, batch_size)?)
    {
        let mut rest = tags.as_slice();
        for sentence in group {
            let (own, after) = rest.split_at(sentence.words.len().min(rest.len()));
            predicted.push(own.to_vec());
            rest = after;
        }
    }
    let mut counter = EntityCounter::default();
    for (sentence, tags) in sentences.iter().zip(&predicted) {
        counter.add(&sentence.tags, tags);
    }
    Ok((counter.report(), predicted))
}

/// `Σ −log softmax(logits)[target]` over the positions that have a target, divided by
/// `denominator`.
fn token_loss(logits: &Tensor, targets: &[Vec<Option<u32>>], denominator: f32) -> Result<Tensor> {
    let (batch, seq, labels) = logits.dims3()?;
    let mut index = Vec::with_capacity(batch * seq);
    let mut weight = Vec::with_capacity(batch * seq);
    for row in targets {
        for position in 0..seq {
            let target = row.get(position).copied().flatten();
            index.push(target.unwrap_or(0));
            weight.push(if target.is_some() { 1f32 } else { 0.0 });
        }
    }
    let device = logits.device();
    let log_probs =
        candle_nn::ops::log_softmax(&logits.reshape((batch * seq, labels))?, D::Minus1)?;
    let index = Tensor::new(index.as_slice(), device)?.unsqueeze(1)?;
    let picked = log_probs.gather(&index, 1)?.squeeze(1)?;
    let weight = Tensor::new(weight.as_slice(), device)?;
    Ok((picked.mul(&weight)?.sum_all()?.neg()? / denominator as f64)?)
}

/// Where a run into `out` keeps its checkpoint: a sibling, so that `out` only ever holds a
/// finished tagger.
pub fn checkpoint_dir(out: &Path) -> PathBuf {
    crate::train::rotation::sibling(out, ".checkpoint")
}

/// Where the loop stands at an epoch's end, saved with the tagger and the optimizer's moments.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct NerState {
    settings: NerTrainSettings,
    /// Epochs completed.
    epochs_done: usize,
    /// Optimizer steps taken.
    step: usize,
    epochs: Vec<NerEpoch>,
    /// Dev score (or epoch number without a dev file), epoch and dev scores of the best epoch,
    /// whose tagger is in the `.partial` sibling of the output.
    best: Option<(f64, usize, Option<NerReport>)>,
    /// Training seconds before this part of the run.
    seconds: f64,
}

/// Trains a tagger into `out` (refused if `out` holds a model, unless `force`). After every
/// epoch the run is checkpointed beside `out` ([`checkpoint_dir`]); [`resume_ner`] goes on
/// from there after a kill.
pub fn train_ner(
    settings: &NerTrainSettings,
    out: &Path,
    force: bool,
    observer: &mut dyn NerObserver,
) -> Result<NerTrainSummary> {
    validate(settings)?;
    if out.join(crate::model::folder::CONFIG_FILE).exists() && !force {
        return Err(Error::InvalidInput(format!(
            "{} already holds a model; give --force to replace it",
            out.display()
        )));
    }
    let checkpoint = checkpoint_dir(out);
    if crate::train::checkpoint::exists(&checkpoint) {
        if !force {
            return Err(Error::InvalidInput(format!(
                "{} holds an unfinished run: give --resume to go on, or --force to start over",
                checkpoint.display()
            )));
        }
        crate::train::checkpoint::remove(&checkpoint)?;
    }
    let model = NerModel::for_training(&settings.base_model, None, settings.seed, settings.casing)?;
    let state = NerState {
        settings: settings.clone(),
        epochs_done: 0,
        step: 0,
        epochs: Vec::new(),
        best: None,
        seconds: 0.0,
    };
    let vars = model.trainable().to_vec();
    let optimizer = AdamW::new(adamw_config(settings), vars.len());
    run(model, optimizer, state, out, observer)
}

/// Goes on with the run into `out` from its last checkpoint (the end of the last finished
/// epoch); the tagger it saves is the one an uninterrupted run would have saved.
pub fn resume_ner(out: &Path, observer: &mut dyn NerObserver) -> Result<NerTrainSummary> {
    let checkpoint = checkpoint_dir(out);
    let (state, moments): (NerState, _) = crate::train::checkpoint::load_with(&checkpoint)?;
    let settings = &state.settings;
    validate(settings)?;
    let model = NerModel::for_training(&checkpoint, None, settings.seed, settings.casing)?;
    let vars = model.trainable().to_vec();
    let optimizer = AdamW::restore(adamw_config(settings), &vars, state.step as u64, &moments);
    run(model, optimizer, state, out, observer)
}

fn adamw_config(settings: &NerTrainSettings) -> AdamWConfig {
    AdamWConfig {
        weight_decay: settings.weight_decay,
        ..Default::default()
    }
}

fn validate(settings: &NerTrainSettings) -> Result<()> {
    if settings.epochs == 0 || settings.batch_size == 0 {
        return Err(Error::InvalidInput(
            "--epochs and --batch-size must be at least 1".to_string(),
        ));
    }
    if !(settings.learning_rate > 0.0 && settings.learning_rate.is_finite()) {
        return Err(Error::InvalidInput(
            "--lr must be a positive number".to_string(),
        ));
    }
    if settings.max_length < 8 {
        return Err(Error::InvalidInput(
            "--max-length must be at least 8".to_string(),
        ));
    }
    Ok(())
}

/// The training loop from `state` on; every epoch's end is checkpointed.
fn run(
    model: NerModel,
    mut optimizer: AdamW,
    mut state: NerState,
    out: &Path,
    observer: &mut dyn NerObserver,
) -> Result<NerTrainSummary> {
    let clock = Instant::now();
    let settings = state.settings.clone();
    let train_sentences = read_conll(&settings.train_file)?;
    if train_sentences.is_empty() {
        return Err(Error::InvalidInput(format!(
            "{}: no sentences",
            settings.train_file.display()
        )));
    }
    let dev_sentences = match &settings.dev_file {
        Some(path) => Some(read_conll(path)?),
        None => None,
    };
    let max_length = settings.max_length.min(model.max_positions());
    let train = examples(
        &model,
        &join_sentences(&train_sentences, settings.context_sentences),
        max_length,
    )?;
    let lengths: Vec<usize> = train.iter().map(|e| e.window.input_ids.len()).collect();
    let steps_per_epoch = train.len().div_ceil(settings.batch_size);
    let mut total = steps_per_epoch * settings.epochs;
    if let Some(max) = settings.max_steps {
        total = total.min(max);
    }
    let schedule = LinearSchedule::new(settings.learning_rate, settings.warmup_ratio, total);
    let vars = model.trainable().to_vec();
    let resumed = if state.epochs_done > 0 {
        format!(", resuming after epoch {}", state.epochs_done)
    } else {
        String::new()
    };
    observer.started(
        total,
        &format!(
            "{} training sentences ({} windows), {} dev, {} tags, {} steps{resumed}",
            train_sentences.len(),
            train.len(),
            dev_sentences.as_ref().map_or(0, Vec::len),
            model.labels().len(),
            total
        ),
    );
    // `out.with_extension` would turn `ner.v2` into `ner.partial`: the sibling keeps the name.
    let partial = crate::train::rotation::sibling(out, ".partial");
    let checkpoint = checkpoint_dir(out);
    let mut step = state.step;
    for _ in 0..step {
        observer.skipped();
    }
    'epochs: for epoch in state.epochs_done..settings.epochs {
        let plan = epoch_plan(&lengths, settings.batch_size, settings.seed, epoch);
        let mut loss_sum = 0f64;
        let mut loss_steps = 0usize;
        for rows in &plan {
            if step >= total {
                break 'epochs;
            }
            let windows: Vec<&Window> = rows.iter().map(|&i| &train[i].window).collect();
            let targets: Vec<Vec<Option<u32>>> =
                rows.iter().map(|&i| train[i].targets.clone()).collect();
            let labelled: usize = targets.iter().flatten().filter(|t| t.is_some()).count();
            let input = model.batch(&windows)?;
            let mut rng = DropoutRng::new(derive_seed(settings.seed, &[3, step as u64]));
            let pass = model.network().forward_for_training(&input, &mut rng)?;
            let loss = token_loss(pass.logits(), &targets, labelled.max(1) as f32)?;
            let value = loss.to_scalar::<f32>()? as f64;
            if !value.is_finite() {
                return Err(Error::InvalidInput(format!(
                    "the training loss became {value} at step {}; lower --lr",
                    step + 1
                )));
            }
            let store = pass.backward(&loss)?;
            let mut grads: Vec<Option<Tensor>> =
                vars.iter().map(|(_, v)| store.get(v).cloned()).collect();
            clip_grad_norm(&mut grads, settings.max_grad_norm)?;
            optimizer.step(&vars, &grads, schedule.at(step))?;
            step += 1;
            loss_sum += value;
            loss_steps += 1;
            observer.step(step, value);
        }
        let dev = match &dev_sentences {
            Some(sentences) => {
                Some(evaluate_ner(&model, sentences, 64, settings.context_sentences)?.0)
            }
            None => None,
        };
        let record = NerEpoch {
            epoch: epoch + 1,
            train_loss: loss_sum / loss_steps.max(1) as f64,
            dev_f1: dev.as_ref().map(|d| d.overall.f1),
        };
        observer.epoch(&record);
        state.epochs.push(record);
        let score = dev.as_ref().map_or(epoch as f64, |d| d.overall.f1);
        if state.best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            // The best epoch so far goes to a side folder; it replaces `out` at the end.
            model.save(&partial)?;
            state.best = Some((score, epoch + 1, dev));
        }
        state.epochs_done = epoch + 1;
        state.step = step;
        crate::train::checkpoint::save_with(
            &checkpoint,
            |dir| model.save(dir),
            &optimizer,
            &vars,
            &NerState {
                seconds: state.seconds + clock.elapsed().as_secs_f64(),
                ..state.clone()
            },
        )?;
    }
    let Some((_, saved_epoch, saved_dev)) = state.best.clone() else {
        return Err(Error::InvalidInput(
            "no training step was taken".to_string(),
        ));
    };
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| Error::io(out, e))?;
    }
    std::fs::rename(&partial, out).map_err(|e| Error::io(out, e))?;
    let summary = NerTrainSummary {
        settings: settings.clone(),
        labels: model.labels().to_vec(),
        train_sentences: train_sentences.len(),
        train_windows: train.len(),
        steps: step,
        epochs: state.epochs,
        saved_epoch,
        saved_dev,
        seconds: state.seconds + clock.elapsed().as_secs_f64(),
    };
    let text =
        serde_json::to_string_pretty(&summary).map_err(|e| Error::InvalidInput(e.to_string()))?;
    crate::model::folder::write_atomically(&out.join(NER_SUMMARY_FILE), text.as_bytes())?;
    crate::train::checkpoint::remove(&checkpoint)?;
    Ok(summary)
}
