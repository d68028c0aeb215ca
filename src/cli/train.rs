//! `stance train`: fine-tune a base model into a stance classifier folder.

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use stance::model::hub;
use stance::train::{
    resume, train, ClassBalance, EpochRecord, SelectMetric, StepRecord, TrainObserver,
    TrainSettings, CURVES_FILE, LOG_FILE, SUMMARY_FILE,
};

use super::progress::Narrator;

/// Where scripts/fetch-model.sh puts all-MiniLM-L6-v2.
const DEFAULT_BASE: &str = "models/all-MiniLM-L6-v2";

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MetricArg {
    /// Macro-averaged F1.
    MacroF1,
    /// SemEval-2016 F_avg: (F1 FAVOR + F1 AGAINST) / 2.
    FAvg,
    /// Accuracy.
    Accuracy,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum BalanceArg {
    /// Inverse label frequency over the whole mix.
    Overall,
    /// Inverse label frequency within each training file.
    PerSource,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// What to train: a stance classifier, or a named-entity tagger (`ner`: --train and --dev
    /// are CoNLL files; --max-length defaults to 128).
    #[arg(long, value_enum, default_value = "stance")]
    task: super::Task,
    #[command(flatten)]
    ner_context: super::NerContext,
    /// With --task ner: read each word's capitalisation through the token types (the base
    /// tokenizer is uncased); the saved folder's callers pass casing types as token_type_ids.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    casing: bool,
    /// Base model: a folder or Hugging Face model id (an encoder, or a classifier to continue).
    #[arg(long, default_value = DEFAULT_BASE)]
    base: String,
    /// Labelled JSONL to train on, example- or article-level (repeat to mix several files).
    #[arg(long = "train", required_unless_present = "resume")]
    train_files: Vec<PathBuf>,
    /// Labelled JSONL evaluated after each epoch; the best epoch's model is kept.
    #[arg(long)]
    dev: Option<PathBuf>,
    /// Folder to write the model, its metrics log and checkpoints to.
    #[arg(long, short)]
    output: PathBuf,
    /// Continue the unfinished run in --output from its last checkpoint, with its settings.
    #[arg(long)]
    resume: bool,
    /// Replace a model or checkpoint already in --output.
    #[arg(long, conflicts_with = "resume")]
    force: bool,
    /// Comma-separated labels in id order (default: the base model's; FAVOR,AGAINST,NONE).
    #[arg(long, value_delimiter = ',')]
    labels: Option<Vec<String>>,
    /// Passes over the training data.
    #[arg(long, default_value_t = 4)]
    epochs: usize,
    /// Examples per forward/backward pass.
    #[arg(long, default_value_t = 16)]
    batch_size: usize,
    /// Batches accumulated per optimizer step.
    #[arg(long, default_value_t = 1)]
    grad_accum: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = 5e-5)]
    lr: f64,
    /// AdamW's decoupled weight decay (not applied to biases and LayerNorm).
    #[arg(long, default_value_t = 0.01)]
    weight_decay: f64,
    /// Fraction of steps for linear warmup (then linear decay to 0).
    #[arg(long, default_value_t = 0.1)]
    warmup: f64,
    /// Clip the gradient norm to this value (0: no clipping).
    #[arg(long, default_value_t = 1.0)]
    max_grad_norm: f64,
    /// Do not weigh the loss by inverse label frequency.
    #[arg(long, conflicts_with = "class_balance")]
    no_class_weights: bool,
    /// Balance the labels in the loss over all training files together (overall) or within
    /// each file (per-source: a file that leans towards one label does not teach that lean).
    #[arg(long, value_enum, default_value = "overall")]
    class_balance: BalanceArg,
    /// Loss weight of one --train file's examples (repeat once per --train, in the same order;
    /// default 1 each): weight 2 counts a file as if each example were seen twice.
    #[arg(long = "source-weight", value_name = "W")]
    source_weights: Vec<f64>,
    /// Train only the classification head.
    #[arg(long, conflicts_with = "train_layers")]
    freeze_encoder: bool,
    /// Train the head and only the top N encoder layers.
    #[arg(long, value_name = "N")]
    train_layers: Option<usize>,
    /// Stop after this many epochs without dev improvement (0: never).
    #[arg(long, default_value_t = 2)]
    patience: usize,
    /// Dev metric that picks the best epoch.
    #[arg(long, value_enum, default_value = "macro-f1")]
    select: MetricArg,
    /// Seed of head initialisation, data order and dropout: same seed and data, same model.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Mixed precision: the encoder's linear products in bf16 (f32 sums, f32 weights and
    /// optimizer) on CPUs with AMX or AVX-512 BF16, f32 elsewhere (stance classifier only; its speed and
    /// accuracy are in docs/results.md).
    #[arg(long)]
    mixed_precision: bool,
    /// Longest input in tokens (default: the base model's, 256 at most for a new head).
    #[arg(long)]
    max_length: Option<usize>,
    /// Characters of an actor's context when article-level records are expanded.
    #[arg(long, default_value_t = 1200)]
    context_chars: usize,
    /// Wrap the actor's mentions in its context in marks (« Erdogan »); default: on for a base
    /// encoder, the base model's choice for a stance model.
    #[arg(long, value_name = "BOOL")]
    mark_actor: Option<bool>,
    /// First segment of each input pair, with `{topic}` and `{actor}` slots (default: the base
    /// model's; "{topic} [SEP] {actor}" for a base encoder).
    #[arg(long, value_name = "TEMPLATE")]
    template: Option<String>,
    /// Replace this share (0 to 1) of the training examples by their topic-flipped twin: the
    /// topic turned around ("opposition to X") and FAVOR/AGAINST swapped, NONE kept.
    #[arg(long, value_name = "SHARE", default_value_t = 0.0)]
    topic_flips: f64,
    /// Save a checkpoint every N steps (0: only at epoch ends).
    #[arg(long, default_value_t = 200)]
    checkpoint_every: usize,
    /// Stop after N optimizer steps in total.
    #[arg(long)]
    max_steps: Option<usize>,
    /// Write the mean training loss to the log every N steps.
    #[arg(long, default_value_t = 10)]
    log_every: usize,
    /// Skip invalid lines (counted and reported) instead of stopping at the first.
    #[arg(long)]
    skip_invalid: bool,
    /// No progress bar and no per-epoch lines.
    #[arg(long, short)]
    quiet: bool,
}

impl TrainObserver for Narrator {
    fn started(&mut self, start_step: usize, total_steps: usize, summary: &str) {
        let bar = self.start(total_steps as u64, "steps", "train");
        bar.set_position(start_step as u64);
        bar.reset_eta();
        if start_step > 0 {
            self.say(&format!("resuming at step {start_step} of {total_steps}"));
        }
        self.say(summary);
    }

    fn step(&mut self, step: &StepRecord) {
        if let Some(bar) = &self.bar {
            bar.set_position(step.step as u64);
            bar.set_message(format!(
                "epoch {} loss {:.4} lr {:.2e}",
                step.epoch, step.loss, step.lr
            ));
        }
    }

    fn warning(&mut self, message: &str) {
        // Shown even with --quiet, as `stance eval` does: the data was not what was given.
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("warning: {message}")),
            None => eprintln!("warning: {message}"),
        }
    }

    fn evaluating(&mut self, epoch: usize) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("epoch {epoch}: evaluating on dev"));
        }
    }

    fn epoch(&mut self, epoch: &EpochRecord) {
        let dev = match &epoch.dev {
            Some(d) => {
                let f_avg = d
                    .f_avg
                    .map_or_else(String::new, |f| format!(", F_avg {f:.4}"));
                format!(
                    ", dev macro-F1 {:.4}, accuracy {:.4}{f_avg}{}",
                    d.macro_f1,
                    d.accuracy,
                    if epoch.best {
                        " (best so far, saved)"
                    } else {
                        ""
                    }
                )
            }
            None => String::new(),
        };
        self.say(&format!(
            "epoch {}: step {}, train loss {:.4}{dev}",
            epoch.epoch, epoch.step, epoch.train_loss
        ));
    }
}

pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    if args.task == super::Task::Discovery {
        bail!("--task discovery is measured, not trained: train its tagger with --task ner, then score it with `stance eval --task discovery --tagger DIR`");
    }
    if args.task == super::Task::Ner {
        if args.mixed_precision {
            bail!("--mixed-precision trains the stance classifier only; the tagger trains in f32");
        }
        return super::ner::train(&super::ner::NerTrainRequest {
            base: &args.base,
            train_files: &args.train_files,
            dev: args.dev.as_deref(),
            output: &args.output,
            force: args.force,
            epochs: args.epochs,
            batch_size: args.batch_size,
            lr: args.lr,
            weight_decay: args.weight_decay,
            warmup: args.warmup,
            max_grad_norm: args.max_grad_norm,
            seed: args.seed,
            max_length: args.max_length,
            max_steps: args.max_steps,
            context_sentences: args.ner_context.context_sentences,
            casing: args.casing,
            resume: args.resume,
            quiet: args.quiet,
        });
    }
    let mut reporter = Narrator::new(args.quiet);
    let summary = if args.resume {
        resume(&args.output, args.skip_invalid, &mut reporter)
            .with_context(|| format!("resuming the run in {}", args.output.display()))?
    } else {
        if args.train_files.is_empty() {
            bail!("give at least one --train FILE");
        }
        let base = hub::resolve(&args.base)
            .with_context(|| format!("loading base model {}", args.base))?;
        let mut settings = TrainSettings::new(base, args.train_files.clone());
        settings.dev_file = args.dev.clone();
        settings.labels = args.labels.clone();
        settings.epochs = args.epochs;
        settings.batch_size = args.batch_size;
        settings.grad_accum = args.grad_accum;
        settings.learning_rate = args.lr;
        settings.weight_decay = args.weight_decay;
        settings.warmup_ratio = args.warmup;
        settings.max_grad_norm = args.max_grad_norm;
        settings.class_weights = match (args.no_class_weights, args.class_balance) {
            (true, _) => ClassBalance::Off,
            (false, BalanceArg::Overall) => ClassBalance::Overall,
            (false, BalanceArg::PerSource) => ClassBalance::PerSource,
        };
        settings.source_weights = args.source_weights.clone();
        settings.freeze_encoder = args.freeze_encoder;
        settings.train_layers = args.train_layers;
        settings.patience = (args.patience > 0).then_some(args.patience);
        settings.select_metric = match args.select {
            MetricArg::MacroF1 => SelectMetric::MacroF1,
            MetricArg::FAvg => SelectMetric::FAvg,
            MetricArg::Accuracy => SelectMetric::Accuracy,
        };
        settings.seed = args.seed;
        settings.mixed_precision = args.mixed_precision;
        settings.max_length = args.max_length;
        settings.context_chars = args.context_chars;
        settings.mark_actor = args.mark_actor;
        settings.first_segment_template = args.template.clone();
        settings.topic_flips = args.topic_flips;
        settings.checkpoint_every = args.checkpoint_every;
        settings.max_steps = args.max_steps;
        settings.log_every = args.log_every;
        train(
            &settings,
            &args.output,
            args.force,
            args.skip_invalid,
            &mut reporter,
        )
        .context("training")?
    };
    reporter.finish();
    if !args.quiet {
        let dev = summary.saved_dev.as_ref().map_or_else(String::new, |d| {
            format!(" (dev macro-F1 {:.4})", d.macro_f1)
        });
        eprintln!(
            "saved the model of epoch {}{dev} to {} in {:.0} s; metrics in {} (curves in {}), \
             summary in {}",
            summary.saved_epoch,
            args.output.display(),
            summary.seconds,
            args.output.join(LOG_FILE).display(),
            args.output.join(CURVES_FILE).display(),
            args.output.join(SUMMARY_FILE).display()
        );
    }
    Ok(())
}
