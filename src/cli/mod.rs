//! Argument parsing and dispatch; each subcommand lives in its own file and holds no logic
//! beyond reading arguments and printing results.

use stance::model::kernels::KernelChoice;
use std::path::Path;

use anyhow::Context;
use clap::{Parser, Subcommand};
use stance::model::dense::Precision;

mod calibrate;
mod classify;
mod data;
mod discovery;
mod eval;
mod model;
mod ner;
mod predict;
mod progress;
mod report;
mod train;

/// Default location of the fine-tuned model that the README's quickstart produces.
pub const DEFAULT_MODEL: &str = "models/stance-default";

/// Actor-level stance detection for news: who is for or against a topic, and why.
#[derive(Debug, Parser)]
#[command(name = "stance", version, about, long_about = None)]
pub struct Cli {
    /// Arithmetic of the encoder's linear layers at inference: f32; bf16 (operands rounded to
    /// bfloat16, sums in f32; AVX-512 BF16, or AMX tiles); int8 (dynamic quantization, exact
    /// integer sums; AVX-512 VNNI, or AMX tiles; opt-in, it moves accuracy more,
    /// docs/results.md); or auto: bf16 where a timed linear layer ran at least 1.1x as fast as
    /// f32, else f32. The timing is done once per machine and recorded in ~/.cache/stance (or
    /// STANCE_CACHE_DIR), so every later run picks the same (`stance model info` shows it). A
    /// CPU without the instructions runs f32. Training is f32 (see `stance train
    /// --mixed-precision`).
    #[arg(
        long,
        global = true,
        value_name = "auto|bf16|f32|int8",
        default_value = "auto"
    )]
    precision: PrecisionChoice,
    /// Say on stderr which kernel runs the linear layers (and, with --precision auto, what the
    /// speed check measured).
    #[arg(long, short = 'v', global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Each actor's stance toward the topic in news articles, with evidence (batch or one article).
    Predict(Box<predict::PredictArgs>),
    /// A self-contained HTML report of predictions: actor × topic table, timelines, articles.
    Report(report::ReportArgs),
    /// Classify (topic, actor, text) pairs with a fine-tuned model.
    Classify(classify::ClassifyArgs),
    /// Fine-tune a base model on labelled files into a stance classifier.
    Train(Box<train::TrainArgs>),
    /// Score a model on a labelled file: accuracy, macro-F1, F_avg, per class and per topic.
    Eval(eval::EvalArgs),
    /// Fit a model's softmax temperature on dev data so that its probabilities are calibrated.
    Calibrate(calibrate::CalibrateArgs),
    /// Import public datasets and split files.
    #[command(subcommand)]
    Data(data::DataCommand),
    /// Inspect model folders and create classifiers from base encoders.
    #[command(subcommand)]
    Model(model::ModelCommand),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    // Resolved only by the commands that run a model: `auto` times a layer to decide.
    let precision = || {
        let precision = cli.precision.resolve();
        if cli.verbose {
            eprintln!("stance: {}", cli.precision.explain(precision));
        }
        precision
    };
    match cli.command {
        Command::Predict(args) => predict::run(*args, precision()),
        Command::Report(args) => report::run(args),
        Command::Classify(args) => classify::run(args, precision()),
        Command::Train(args) => train::run(*args),
        Command::Eval(args) => eval::run(args, precision()),
        Command::Calibrate(args) => calibrate::run(args, precision()),
        Command::Data(command) => data::run(command),
        Command::Model(command) => model::run(command, precision()),
    }
}

/// How a command loads its stance model's evidence scorer (shared by eval, predict, classify).
#[derive(Debug, Clone, clap::Args)]
pub struct EvidenceOptions {
    /// Decide NONE with this evidence scorer folder (labels EVIDENCE, OTHER) instead of the
    /// model's own (its `evidence/` folder, if any); needs --evidence-threshold.
    #[arg(long, value_name = "DIR", requires = "evidence_threshold")]
    evidence: Option<std::path::PathBuf>,
    /// NONE when no sentence of an actor's context scores at least this probability of carrying
    /// its stance (0 to 0.5; default: the model's).
    #[arg(long, value_name = "P")]
    evidence_threshold: Option<f64>,
}

/// What a model is trained for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
enum Task {
    /// Stance toward a topic (sequence-pair classification).
    #[default]
    Stance,
    /// Named entities (token classification, BIO over CoNLL-2003 files).
    Ner,
    /// Actor discovery (eval only): the labelled actors of article-level records found without
    /// being given, by the rules and/or a tagger (--tagger, --discovery).
    Discovery,
}

/// Consecutive CoNLL sentences read as one text by a named-entity tagger.
#[derive(Debug, Clone, Copy, clap::Args)]
struct NerContext {
    /// With --task ner: read this many consecutive sentences of the CoNLL file as one text, so
    /// that each is tagged with its neighbours as context (1: each sentence alone).
    #[arg(long, value_name = "N", default_value_t = 1)]
    context_sentences: usize,
}

/// `--precision` as given: a precision, or `auto` (the faster one on this CPU, measured).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PrecisionChoice {
    Auto,
    Fixed(Precision),
}

impl std::str::FromStr for PrecisionChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(PrecisionChoice::Auto);
        }
        s.parse::<Precision>()
            .map(PrecisionChoice::Fixed)
            .map_err(|_| format!("unknown precision `{s}` (expected auto, f32, bf16 or int8)"))
    }
}

impl PrecisionChoice {
    /// One line on the kernel that runs and why it was chosen.
    fn explain(self, resolved: Precision) -> String {
        let how = match self {
            PrecisionChoice::Fixed(asked) if asked.runs_here() => {
                format!("--precision {}", asked.name())
            }
            PrecisionChoice::Fixed(asked) => format!(
                "--precision {}, but this CPU has no {}",
                asked.name(),
                asked.instructions()
            ),
            PrecisionChoice::Auto => format!(
                "--precision auto: {}; {}",
                stance::model::speed_check::speedups().describe(),
                stance::model::speed_check::origin().describe()
            ),
        };
        format!("linear layers in {} ({how})", resolved.kernel_here())
    }

    fn resolve(self) -> Precision {
        match self {
            PrecisionChoice::Auto => stance::model::speed_check::auto_precision(),
            PrecisionChoice::Fixed(precision) => precision,
        }
    }
}

/// Parses `LABEL=X` (a shift of one label's logit).
fn parse_logit_shift(text: &str) -> Result<(String, f64), String> {
    let (label, amount) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not LABEL=X (e.g. FAVOR=0.5)"))?;
    let amount: f64 = amount
        .trim()
        .parse()
        .map_err(|_| format!("`{amount}` in `{text}` is not a number"))?;
    if label.trim().is_empty() || !amount.is_finite() {
        return Err(format!("`{text}` is not LABEL=X with a finite X"));
    }
    Ok((label.trim().to_string(), amount))
}

/// Loads the stance model `spec` for inference only: the evidence scorer `options` ask for, `logit_shifts` added
/// to its head, `precision` set, and the f32 copies of the layers packed for it freed.
fn load_model(
    spec: &str,
    options: &EvidenceOptions,
    logit_shifts: &[(String, f64)],
    precision: Precision,
) -> anyhow::Result<stance::model::StanceModel> {
    use stance::model::StanceModel;
    let mut model = StanceModel::load(spec).with_context(|| format!("loading model {spec}"))?;
    match (&options.evidence, options.evidence_threshold) {
        (Some(dir), Some(threshold)) => {
            let scorer = StanceModel::from_dir(dir)
                .with_context(|| format!("loading evidence scorer {}", dir.display()))?;
            model
                .set_evidence(scorer, threshold)
                .with_context(|| format!("using evidence scorer {}", dir.display()))?;
        }
        (None, Some(threshold)) => model
            .set_evidence_threshold(threshold)
            .with_context(|| format!("--evidence-threshold for model {spec}"))?,
        _ => {}
    }
    if !logit_shifts.is_empty() {
        model
            .shift_logits(logit_shifts)
            .with_context(|| format!("--logit-shift for model {spec}"))?;
    }
    model.set_precision(precision);
    model.keep_only_packed();
    Ok(model)
}

/// Reads a UTF-8 text file (`-` for standard input).
fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .context("reading standard input")?;
        bytes
    } else {
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))?
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not UTF-8 (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    // A byte-order mark some editors write at the start of a UTF-8 file is not text.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}
