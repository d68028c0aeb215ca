//! The training loop: data → batches → forward/backward → AdamW, dev evaluation each epoch,
//! the best model kept, checkpoints that let a killed run resume with the same result.

use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::batches::{derive_seed, epoch_plan};
use super::checkpoint::{self, TrainState};
use super::loss::weighted_cross_entropy;
use super::optimizer::{clip_grad_norm, AdamW, AdamWConfig};
use super::schedule::LinearSchedule;
use super::settings::{SelectMetric, TrainSettings};
use super::weights::example_weights;
use crate::data::dataset::{load_examples, LoadOptions};
use crate::data::schema::Example;
use crate::error::{Error, Result};
use crate::eval::calibrate::Calibration;
use crate::eval::{calibrate_on, evaluate, Metrics};
use crate::model::kernels::{KernelChoice, Kernels};
use crate::model::{ClassifierSpec, DropoutRng, EncodedPair, PairInput, StanceModel};

/// The metrics log, one JSON object per line, next to the model.
pub const LOG_FILE: &str = "train_log.jsonl";
/// The run's summary, written when training ends.
pub const SUMMARY_FILE: &str = "training.json";
/// The learning curves (training loss, dev scores per epoch) drawn from the metrics log, next
/// to it; redrawn after every epoch.
pub const CURVES_FILE: &str = "learning_curves.svg";

/// What a run reports as it goes; the CLI draws a progress bar from it.
pub trait TrainObserver {
    /// Training is about to start (or resume) at `start_step` of `total_steps`.
    fn started(&mut self, _start_step: usize, _total_steps: usize, _summary: &str) {}
    /// An optimizer step finished.
    fn step(&mut self, _step: &StepRecord) {}
    /// Dev evaluation starts for `epoch` (1-based).
    fn evaluating(&mut self, _epoch: usize) {}
    /// An epoch finished.
    fn epoch(&mut self, _epoch: &EpochRecord) {}
    /// Something the user must know even in a quiet run (invalid lines skipped).
    fn warning(&mut self, _message: &str) {}
}

/// Invalid lines of one data file that `skip_invalid` left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedLines {
    /// The file.
    pub file: PathBuf,
    /// Lines skipped.
    pub count: usize,
    /// The first one's problem (`FILE:LINE: …`).
    pub first: String,
}

/// An observer that reports nothing.
pub struct Silent;
impl TrainObserver for Silent {}

/// One optimizer step, as reported and logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// 1-based epoch.
    pub epoch: usize,
    /// 1-based global step.
    pub step: usize,
    /// Steps of the whole run.
    pub total_steps: usize,
    /// Training loss of this step.
    pub loss: f64,
    /// Learning rate used.
    pub lr: f64,
    /// Gradient norm before clipping.
    pub grad_norm: f64,
}

/// The dev scores of one epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DevScores {
    /// Accuracy.
    pub accuracy: f64,
    /// Macro-F1.
    pub macro_f1: f64,
    /// SemEval F_avg, when the labels have FAVOR and AGAINST.
    pub f_avg: Option<f64>,
}

impl DevScores {
    fn of(metrics: &Metrics) -> Self {
        DevScores {
            accuracy: metrics.accuracy,
            macro_f1: metrics.macro_f1,
            f_avg: metrics.f_avg,
        }
    }

    fn select(&self, metric: SelectMetric) -> f64 {
        match metric {
            SelectMetric::MacroF1 => self.macro_f1,
            SelectMetric::FAvg => self.f_avg.unwrap_or(self.macro_f1),
            SelectMetric::Accuracy => self.accuracy,
        }
    }
}

/// One finished epoch, as reported and logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based epoch.
    pub epoch: usize,
    /// Global step at its end.
    pub step: usize,
    /// Mean training loss over its steps.
    pub train_loss: f64,
    /// Dev scores, with a dev file.
    pub dev: Option<DevScores>,
    /// Whether this epoch's model is the best so far (and was saved).
    pub best: bool,
}

/// What a finished run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSummary {
    /// The run's settings.
    pub settings: TrainSettings,
    /// The classifier's labels.
    pub labels: Vec<String>,
    /// Training examples per label.
    pub label_counts: Vec<usize>,
    /// Mean loss weight of each label's examples (the balancing weight itself unless labels are
    /// balanced per file or files are weighted).
    pub class_weights: Vec<f32>,
    /// Training examples.
    pub train_examples: usize,
    /// Dev examples.
    pub dev_examples: usize,
    /// Parameters updated.
    pub trained_parameters: usize,
    /// Optimizer steps taken.
    pub steps: usize,
    /// Epochs run.
    pub epochs_run: usize,
    /// The epoch whose model was saved (the best on dev, or the last).
    pub saved_epoch: usize,
    /// That epoch's dev scores.
    pub saved_dev: Option<DevScores>,
    /// Whether patience ran out before the last epoch.
    pub stopped_early: bool,
    /// The softmax temperature fitted on dev for the saved model.
    pub calibration: Option<Calibration>,
    /// Wall time of this process's part of the run, in seconds.
    pub seconds: f64,
    /// Invalid lines left out of the training and dev files (with `skip_invalid`).
    #[serde(default)]
    pub skipped_lines: Vec<SkippedLines>,
}

struct Data {
    examples: Vec<Example>,
    encoded: Vec<EncodedPair>,
    targets: Vec<u32>,
    /// The index of each example's file in the paths it was loaded from.
    sources: Vec<usize>,
}

/// Loads and encodes `paths`; `topic_flips` replaces that seeded share of the examples by
/// their topic-flipped twin (training data only).
fn load_data(
    paths: &[PathBuf],
    model: &StanceModel,
    skip_invalid: bool,
    skipped: &mut Vec<SkippedLines>,
    topic_flips: Option<(f64, u64)>,
) -> Result<Data> {
    let labels = model.labels().to_vec();
    let options = LoadOptions::for_model(model, skip_invalid);
    let mut examples = Vec::new();
    let mut sources = Vec::new();
    for (source, path) in paths.iter().enumerate() {
        let loaded = load_examples(path, &options)?;
        if loaded.skipped > 0 {
            skipped.push(SkippedLines {
                file: path.clone(),
                count: loaded.skipped,
                first: loaded.first_skipped.unwrap_or_default(),
            });
        }
        if loaded.examples.is_empty() {
            return Err(Error::InvalidInput(format!(
                "{}: no labelled examples",
                path.display()
            )));
        }
        sources.extend(std::iter::repeat_n(source, loaded.examples.len()));
        examples.extend(loaded.examples);
    }
    if let Some((share, seed)) = topic_flips {
        crate::data::augment::flip_topics(&mut examples, share, seed);
    }
    let encoded = examples
        .iter()
        .map(|e| {
            model.inputs().encode(&PairInput {
                topic: &e.topic,
                actor: e.actor.as_deref(),
                context: &e.text,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let targets = examples
        .iter()
        .map(|e| labels.iter().position(|l| *l == e.label).unwrap_or(0) as u32)
        .collect();
    Ok(Data {
        examples,
        encoded,
        targets,
        sources,
    })
}

/// FNV-1a over the examples, to refuse resuming on different data.
fn fingerprint(sets: &[&Data]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes.iter().chain(&[0xff]) {
            hash ^= b as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for data in sets {
        for e in &data.examples {
            feed(e.id.as_bytes());
            feed(e.topic.as_bytes());
            feed(e.actor.as_deref().unwrap_or("").as_bytes());
            feed(e.text.as_bytes());
            feed(e.label.as_bytes());
        }
        feed(b"|");
    }
    format!("{hash:016x}")
}

fn classifier_spec(settings: &TrainSettings) -> ClassifierSpec {
    ClassifierSpec {
        labels: settings.labels.clone(),
        max_length: settings.max_length,
        context_chars: Some(settings.context_chars),
        mark_actor: settings.mark_actor,
        first_segment_template: settings.first_segment_template.clone(),
        ..Default::default()
    }
}

/// Where a run writes.
#[derive(Debug, Clone)]
pub struct RunPaths {
    /// The output model folder.
    pub out: PathBuf,
}

impl RunPaths {
    fn checkpoint(&self) -> PathBuf {
        self.out.join(checkpoint::CHECKPOINT_DIR)
    }
    fn log(&self) -> PathBuf {
        self.out.join(LOG_FILE)
    }
    fn curves(&self) -> PathBuf {
        self.out.join(CURVES_FILE)
    }
}

/// Draws the learning curves of the log's `history` into the run's folder.
fn write_curves(paths: &RunPaths, history: &[serde_json::Value]) -> Result<()> {
    let curve = crate::plot::LearningCurve::from_log(history);
    let title = format!("Learning curves: {}", paths.out.display());
    let svg = crate::plot::learning_curves_svg(&curve, &title)?;
    crate::model::folder::write_atomically(&paths.curves(), svg.as_bytes())
}

/// Trains a new run into `out`. Fails when `out` holds a model or a checkpoint, unless
/// `overwrite`.
pub fn train(
    settings: &TrainSettings,
    out: &Path,
    overwrite: bool,
    skip_invalid: bool,
    observer: &mut dyn TrainObserver,
) -> Result<TrainSummary> {
    validate(settings)?;
    let paths = RunPaths {
        out: out.to_path_buf(),
    };
    if !overwrite {
        if checkpoint::exists(&paths.checkpoint()) {
            return Err(Error::InvalidInput(format!(
                "{} holds the checkpoint of an unfinished run: continue it with --resume, or \
                 start over with --force",
                out.display()
            )));
        }
        if out.join("config.json").exists() {
            return Err(Error::InvalidInput(format!(
                "{} already holds a model; choose another --output or pass --force",
                out.display()
            )));
        }
    } else {
        checkpoint::remove(&paths.checkpoint())?;
    }
    let (model, _fresh) = StanceModel::for_training(
        &settings.base_model,
        &classifier_spec(settings),
        settings.scope(),
        settings.seed,
    )?;
    run(settings, &paths, model, None, skip_invalid, observer)
}

/// Continues the run whose checkpoint is in `out`, with the settings stored there.
pub fn resume(
    out: &Path,
    skip_invalid: bool,
    observer: &mut dyn TrainObserver,
) -> Result<TrainSummary> {
    let paths = RunPaths {
        out: out.to_path_buf(),
    };
    let (state, optimizer_tensors) = checkpoint::load(&paths.checkpoint())?;
    let settings = state.settings.clone();
    let mut spec = classifier_spec(&settings);
    spec.labels = Some(state.labels.clone());
    let (model, fresh) =
        StanceModel::for_training(&paths.checkpoint(), &spec, settings.scope(), settings.seed)?;
    if !fresh.is_empty() {
        return Err(Error::InvalidWeights {
            path: paths.checkpoint(),
            message: format!("checkpoint lacks {}", fresh.join(", ")),
        });
    }
    run(
        &settings,
        &paths,
        model,
        Some((state, optimizer_tensors)),
        skip_invalid,
        observer,
    )
}

fn validate(settings: &TrainSettings) -> Result<()> {
    let bad = |message: &str| Err(Error::InvalidInput(message.to_string()));
    if settings.train_files.is_empty() {
        return bad("no training file (--train)");
    }
    if settings.epochs == 0 || settings.batch_size == 0 || settings.grad_accum == 0 {
        return bad("--epochs, --batch-size and --grad-accum must be at least 1");
    }
    if !(settings.learning_rate > 0.0 && settings.learning_rate.is_finite()) {
        return bad("--lr must be a positive number");
    }
    if !(0.0..1.0).contains(&settings.warmup_ratio) {
        return bad("--warmup must be in [0, 1)");
    }
    if settings.weight_decay < 0.0 || settings.max_grad_norm < 0.0 {
        return bad("--weight-decay and --max-grad-norm cannot be negative");
    }
    if !(0.0..=1.0).contains(&settings.topic_flips) {
        return bad("--topic-flips must be between 0 and 1");
    }
    if !settings.source_weights.is_empty()
        && settings.source_weights.len() != settings.train_files.len()
    {
        return Err(Error::InvalidInput(format!(
            "{} source weights for {} training files: give one --source-weight per --train, in \
             the same order",
            settings.source_weights.len(),
            settings.train_files.len()
        )));
    }
    if let Some(w) = settings
        .source_weights
        .iter()
        .find(|w| !(**w > 0.0 && w.is_finite()))
    {
        return Err(Error::InvalidInput(format!(
            "source weight {w} is not a positive number"
        )));
    }
    if settings.patience == Some(0) {
        return bad("--patience must be at least 1");
    }
    Ok(())
}

#[allow(clippy::too_many_lines)]
fn run(
    settings: &TrainSettings,
    paths: &RunPaths,
    mut model: StanceModel,
    resumed: Option<(TrainState, std::collections::HashMap<String, Tensor>)>,
    skip_invalid: bool,
    observer: &mut dyn TrainObserver,
) -> Result<TrainSummary> {
    if settings.mixed_precision {
        let kernels = Kernels {
            mixed_training: true,
            ..model.kernels()
        };
        model.set_kernels(kernels);
    }
    let clock = Instant::now();
    let mut skipped = Vec::new();
    let flips = (settings.topic_flips > 0.0).then_some((settings.topic_flips, settings.seed));
    let train = load_data(
        &settings.train_files,
        &model,
        skip_invalid,
        &mut skipped,
        flips,
    )?;
    let dev = match &settings.dev_file {
        Some(path) => Some(load_data(
            std::slice::from_ref(path),
            &model,
            skip_invalid,
            &mut skipped,
            None,
        )?),
        None => None,
    };
    let labels = model.labels().to_vec();
    let mut label_counts = vec![0usize; labels.len()];
    for &t in &train.targets {
        label_counts[t as usize] += 1;
    }
    let weights = example_weights(
        &train.targets,
        &train.sources,
        labels.len(),
        settings.class_weights,
        &settings.source_weights,
    );
    let data_fingerprint = fingerprint(&[&train, dev.as_ref().unwrap_or(&train)]);
    let vars = model.trainable().to_vec();
    let trained_parameters: usize = vars.iter().map(|(_, v)| v.elem_count()).sum();
    let adamw = AdamWConfig {
        weight_decay: settings.weight_decay,
        ..Default::default()
    };

    let step_size = settings.batch_size * settings.grad_accum;
    let lengths: Vec<usize> = train.encoded.iter().map(|e| e.input_ids.len()).collect();
    let steps_per_epoch = train.examples.len().div_ceil(step_size);
    let mut total_steps = steps_per_epoch * settings.epochs;
    if let Some(max) = settings.max_steps {
        total_steps = total_steps.min(max);
    }
    let schedule = LinearSchedule::new(settings.learning_rate, settings.warmup_ratio, total_steps);

    let (mut state, mut optimizer) = match resumed {
        Some((state, tensors)) => {
            if state.data_fingerprint != data_fingerprint {
                return Err(Error::InvalidInput(format!(
                    "the training or dev data changed since the checkpoint in {} was written; \
                     resume needs the same files",
                    paths.checkpoint().display()
                )));
            }
            let optimizer = AdamW::restore(adamw, &vars, state.global_step as u64, &tensors);
            (state, optimizer)
        }
        None => (
            TrainState::new(settings.clone(), labels.clone(), data_fingerprint),
            AdamW::new(adamw, vars.len()),
        ),
    };
    std::fs::create_dir_all(&paths.out).map_err(|e| Error::io(&paths.out, e))?;
    // The log holds exactly the checkpoint's history: lines written after it by a killed run
    // are dropped, so a resumed run's log equals an uninterrupted one's.
    checkpoint::rewrite_log(&paths.log(), &state.history)?;

    let summary_line = format!(
        "{} training examples, {} dev, {} labels ({}), {} parameters trained, {} steps",
        train.examples.len(),
        dev.as_ref().map_or(0, |d| d.examples.len()),
        labels.len(),
        labels
            .iter()
            .zip(&label_counts)
            .map(|(l, c)| format!("{l} {c}"))
            .collect::<Vec<_>>()
            .join(", "),
        trained_parameters,
        total_steps
    );
    observer.started(state.global_step, total_steps, &summary_line);
    for lines in &skipped {
        observer.warning(&format!(
            "skipped {} invalid lines of {} (first: {})",
            lines.count,
            lines.file.display(),
            lines.first
        ));
    }

    let mut stopped_early = false;
    'epochs: while state.epoch < settings.epochs && state.global_step < total_steps {
        let plan = epoch_plan(&lengths, step_size, settings.seed, state.epoch);
        while state.step_in_epoch < plan.len() {
            if state.global_step >= total_steps {
                break;
            }
            let rows = &plan[state.step_in_epoch];
            let lr = schedule.at(state.global_step);
            let denominator: f32 = rows.iter().map(|&i| weights.per_example[i]).sum();
            let mut grads: Vec<Option<Tensor>> = vec![None; vars.len()];
            let mut loss_value = 0f64;
            for (micro, chunk) in rows.chunks(settings.batch_size).enumerate() {
                let pairs: Vec<&EncodedPair> = chunk.iter().map(|&i| &train.encoded[i]).collect();
                let batch = model.inputs().batch(&pairs, &Device::Cpu)?;
                let mut rng = DropoutRng::new(derive_seed(
                    settings.seed,
                    &[2, state.global_step as u64, micro as u64],
                ));
                let pass = model.training_forward(&batch, &mut rng)?;
                let targets: Vec<u32> = chunk.iter().map(|&i| train.targets[i]).collect();
                let chunk_weights: Vec<f32> =
                    chunk.iter().map(|&i| weights.per_example[i]).collect();
                let loss =
                    weighted_cross_entropy(pass.logits(), &targets, &chunk_weights, denominator)?;
                loss_value += loss.to_scalar::<f32>()? as f64;
                let step_grads = pass.backward(&loss)?;
                for ((_, var), slot) in vars.iter().zip(grads.iter_mut()) {
                    if let Some(g) = step_grads.get(var) {
                        *slot = Some(match slot.take() {
                            Some(sum) => (sum + g)?,
                            None => g.clone(),
                        });
                    }
                }
            }
            if !loss_value.is_finite() {
                return Err(Error::InvalidInput(format!(
                    "the training loss became {loss_value} at step {}; lower --lr",
                    state.global_step + 1
                )));
            }
            let grad_norm = clip_grad_norm(&mut grads, settings.max_grad_norm)?;
            optimizer.step(&vars, &grads, lr)?;
            state.global_step += 1;
            state.step_in_epoch += 1;
            state.epoch_loss_sum += loss_value;
            state.epoch_steps += 1;
            state.window_loss_sum += loss_value;
            state.window_steps += 1;
            let record = StepRecord {
                epoch: state.epoch + 1,
                step: state.global_step,
                total_steps,
                loss: loss_value,
                lr,
                grad_norm,
            };
            observer.step(&record);
            if state.global_step % settings.log_every.max(1) == 0 {
                let line = json!({
                    "type": "step",
                    "epoch": record.epoch,
                    "step": record.step,
                    "loss": state.window_loss_sum / state.window_steps as f64,
                    "lr": lr,
                    "grad_norm": grad_norm,
                });
                state.window_loss_sum = 0.0;
                state.window_steps = 0;
                checkpoint::append_log(&paths.log(), &line)?;
                state.history.push(line);
            }
            let epoch_done = state.step_in_epoch == plan.len();
            if settings.checkpoint_every > 0
                && state.global_step % settings.checkpoint_every == 0
                && !epoch_done
                && state.global_step < total_steps
            {
                checkpoint::save(&paths.checkpoint(), &model, &optimizer, &vars, &state)?;
            }
        }

        // End of an epoch (or of the step budget).
        let epoch = state.epoch + 1;
        let train_loss = state.epoch_loss_sum / state.epoch_steps.max(1) as f64;
        let dev_scores = match &dev {
            Some(dev) => {
                observer.evaluating(epoch);
                let (_, report) =
                    evaluate(&model, &dev.examples, settings.eval_batch_size, &mut |_| {})?;
                Some(DevScores::of(&report.overall))
            }
            None => None,
        };
        let score = dev_scores
            .as_ref()
            .map(|d| d.select(settings.select_metric));
        let best = match (score, state.best_score) {
            (Some(s), Some(b)) => s > b,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if best {
            state.best_score = score;
            state.best_epoch = epoch;
            state.best_dev = dev_scores.clone();
            state.epochs_without_improvement = 0;
            model.save(&paths.out)?;
        } else if dev_scores.is_some() {
            state.epochs_without_improvement += 1;
        }
        let record = EpochRecord {
            epoch,
            step: state.global_step,
            train_loss,
            dev: dev_scores,
            best,
        };
        let mut line =
            serde_json::to_value(&record).map_err(|e| Error::InvalidInput(e.to_string()))?;
        line["type"] = json!("epoch");
        checkpoint::append_log(&paths.log(), &line)?;
        state.history.push(line);
        observer.epoch(&record);
        state.epoch += 1;
        state.step_in_epoch = 0;
        state.epoch_loss_sum = 0.0;
        state.epoch_steps = 0;
        let out_of_patience = settings
            .patience
            .is_some_and(|p| dev.is_some() && state.epochs_without_improvement >= p);
        let finished = state.epoch >= settings.epochs || state.global_step >= total_steps;
        if out_of_patience && !finished {
            stopped_early = true;
            break 'epochs;
        }
        if !finished {
            checkpoint::save(&paths.checkpoint(), &model, &optimizer, &vars, &state)?;
        }
        // After the checkpoint: a plotting failure cannot cost the epoch.
        write_curves(paths, &state.history)?;
    }
    // Also when patience ran out (the loop was left before the drawing above).
    write_curves(paths, &state.history)?;

    let calibration = match &dev {
        None => {
            model.save(&paths.out)?;
            state.best_epoch = state.epoch;
            None
        }
        Some(dev) => {
            // Calibrate the saved (best) model, not the last epoch's.
            let mut saved = StanceModel::from_dir(&paths.out)?;
            let calibration = calibrate_on(&saved, &dev.examples, settings.eval_batch_size)?;
            saved.set_temperature(calibration.temperature)?;
            saved.save_config(&paths.out)?;
            Some(calibration)
        }
    };
    let summary = TrainSummary {
        settings: settings.clone(),
        labels,
        label_counts,
        class_weights: weights.mean_per_label,
        train_examples: train.examples.len(),
        dev_examples: dev.as_ref().map_or(0, |d| d.examples.len()),
        trained_parameters,
        steps: state.global_step,
        epochs_run: state.epoch,
        saved_epoch: state.best_epoch,
        saved_dev: state.best_dev.clone(),
        stopped_early,
        calibration,
        seconds: clock.elapsed().as_secs_f64(),
        skipped_lines: skipped,
    };
    let text =
        serde_json::to_string_pretty(&summary).map_err(|e| Error::InvalidInput(e.to_string()))?;
    crate::model::folder::write_atomically(&paths.out.join(SUMMARY_FILE), text.as_bytes())?;
    checkpoint::remove(&paths.checkpoint())?;
    Ok(summary)
}
