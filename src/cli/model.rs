//! `stance model info`, `stance model init`, `stance model add-evidence`, `stance model
//! add-tagger` and `stance model shift`.

use stance::model::dense::Precision;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use stance::model::folder::ModelFiles;
use stance::model::{hub, ClassifierSpec, Pooling, StanceModel, TrainScope};
use stance::ner::NerModel;

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Show a model folder's architecture, labels, input settings and size.
    Info {
        /// Model folder or Hugging Face model id.
        model: String,
    },
    /// Create a classifier folder from a base encoder, with a freshly initialised head.
    Init(InitArgs),
    /// Make an evidence scorer (labels EVIDENCE, OTHER; see `stance data evidence
    /// --sentences`) part of a stance model: NONE when no sentence of an actor's context scores
    /// at least THRESHOLD. The scorer is copied into MODEL/evidence/.
    AddEvidence(AddEvidenceArgs),
    /// Make a named-entity tagger (`stance train --task ner`) part of a stance model: `stance
    /// predict` then finds the actors of articles that name none with the rules and the tagger
    /// (`--discovery` chooses). The tagger is copied into MODEL/tagger/.
    AddTagger(AddTaggerArgs),
    /// Add amounts to labels' logits (after the temperature), in the head's bias: a correction
    /// of the classifier's prior between labels for news unlike its training mix. Choose the
    /// amount on dev data with `stance eval --logit-shift LABEL=X`; MODEL is rewritten.
    Shift(ShiftArgs),
}

#[derive(Debug, Args)]
pub struct ShiftArgs {
    /// The stance model folder, rewritten in place.
    model: PathBuf,
    /// LABEL=AMOUNT, e.g. FAVOR=0.5 (repeat for several labels; adds to any earlier shift).
    #[arg(long = "shift", value_name = "LABEL=X", required = true, value_parser = super::parse_logit_shift)]
    shifts: Vec<(String, f64)>,
}

#[derive(Debug, Args)]
pub struct AddTaggerArgs {
    /// The stance model folder.
    model: PathBuf,
    /// The tagger folder.
    #[arg(long)]
    tagger: PathBuf,
}

#[derive(Debug, Args)]
pub struct AddEvidenceArgs {
    /// The stance model folder (labels must include NONE).
    model: PathBuf,
    /// The evidence scorer folder.
    #[arg(long)]
    scorer: PathBuf,
    /// Probability of carrying the stance below which an actor is NONE (0 to 0.5); choose it on
    /// dev data with `stance eval --evidence SCORER --evidence-threshold P`.
    #[arg(long)]
    threshold: f64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PoolingArg {
    /// BERT's pooler over [CLS] (loads as BertForSequenceClassification in Python).
    Cls,
    /// Mean of the token states.
    Mean,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Base model folder or Hugging Face model id.
    #[arg(long)]
    base: String,
    /// Folder to write the classifier to.
    #[arg(long, short)]
    output: PathBuf,
    /// Comma-separated labels in id order.
    #[arg(long, value_delimiter = ',', default_value = "FAVOR,AGAINST,NONE")]
    labels: Vec<String>,
    /// Pooling before the head.
    #[arg(long, value_enum, default_value = "cls")]
    pooling: PoolingArg,
    /// Longest input in tokens; longer contexts are cut [default: 256, or the model's position
    /// limit if lower].
    #[arg(long)]
    max_length: Option<usize>,
    /// Seed of the head's initialisation.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Overwrite the output folder if it already holds a model.
    #[arg(long)]
    force: bool,
}

pub fn run(command: ModelCommand, precision: Precision) -> anyhow::Result<()> {
    match command {
        ModelCommand::Info { model } => info(&model, precision),
        ModelCommand::Init(args) => init(args),
        ModelCommand::AddEvidence(args) => add_evidence(&args),
        ModelCommand::AddTagger(args) => add_tagger(&args),
        ModelCommand::Shift(args) => shift(&args),
    }
}

fn shift(args: &ShiftArgs) -> anyhow::Result<()> {
    let mut model = StanceModel::from_dir(&args.model)
        .with_context(|| format!("loading model {}", args.model.display()))?;
    model
        .shift_logits(&args.shifts)
        .with_context(|| format!("shifting the logits of {}", args.model.display()))?;
    model
        .save(&args.model)
        .with_context(|| format!("writing {}", args.model.display()))?;
    let recorded = model.config().settings().logit_shift;
    let text: Vec<String> = recorded.iter().map(|(l, x)| format!("{l} {x:+}")).collect();
    eprintln!(
        "{}: logits shifted ({} in all)",
        args.model.display(),
        if text.is_empty() {
            "none".to_string()
        } else {
            text.join(", ")
        }
    );
    Ok(())
}

fn add_tagger(args: &AddTaggerArgs) -> anyhow::Result<()> {
    StanceModel::from_dir(&args.model)
        .with_context(|| format!("loading model {}", args.model.display()))?;
    let tagger = NerModel::from_dir(&args.tagger)
        .with_context(|| format!("loading tagger {}", args.tagger.display()))?;
    let target = args.model.join(super::discovery::TAGGER_FOLDER);
    tagger
        .save(&target)
        .with_context(|| format!("writing {}", target.display()))?;
    eprintln!(
        "{}: actors found by the rules and the tagger in {}",
        args.model.display(),
        target.display()
    );
    Ok(())
}

fn add_evidence(args: &AddEvidenceArgs) -> anyhow::Result<()> {
    let mut model = StanceModel::from_dir(&args.model)
        .with_context(|| format!("loading model {}", args.model.display()))?;
    let scorer = StanceModel::from_dir(&args.scorer)
        .with_context(|| format!("loading evidence scorer {}", args.scorer.display()))?;
    model
        .set_evidence(scorer, args.threshold)
        .with_context(|| format!("adding evidence scorer {}", args.scorer.display()))?;
    model
        .save_evidence(&args.model)
        .with_context(|| format!("writing into {}", args.model.display()))?;
    eprintln!(
        "{}: NONE below evidence score {} (scorer in {}/evidence)",
        args.model.display(),
        args.threshold,
        args.model.display()
    );
    Ok(())
}

fn info(spec: &str, precision: Precision) -> anyhow::Result<()> {
    let dir = hub::resolve(spec)?;
    let files = ModelFiles::locate(&dir)?;
    let config = files.read_config()?;
    let labels = config.labels(&files.config)?;
    let tensors = files.read_weights()?;
    let parameters: usize = tensors.values().map(|t| t.elem_count()).sum();
    let has_head = tensors.contains_key("classifier.weight");
    let settings = config.settings();
    println!("folder       {}", dir.display());
    println!("weights      {}", files.weights.display());
    println!(
        "encoder      BERT, {} layers, hidden {}, {} heads, vocab {}",
        config.num_hidden_layers, config.hidden_size, config.num_attention_heads, config.vocab_size
    );
    println!("parameters   {parameters}");
    if has_head {
        println!(
            "head         classifier over {} labels: {}",
            labels.len(),
            labels.join(", ")
        );
    } else {
        println!(
            "head         none (base encoder; `stance model init` or `stance train` adds one)"
        );
    }
    println!("pooling      {:?}", settings.pooling);
    println!("max length   {} tokens", settings.max_length);
    println!("first segment \"{}\"", settings.first_segment_template);
    let kernel = match (precision, precision.runs_here()) {
        (Precision::F32, _) => "f32 (--precision f32)".to_string(),
        (asked, true) => format!("{} (--precision {})", asked.kernel_here(), asked.name()),
        (asked, false) => format!(
            "f32 (--precision {}, but this CPU has no {})",
            asked.name(),
            asked.instructions()
        ),
    };
    println!("inference    linear layers in {kernel}");
    let speedups = stance::model::speed_check::speedups();
    println!(
        "speed check  {} (--precision auto picks bf16 from {:.2}x f32: {})",
        speedups.describe(),
        stance::model::speed_check::REQUIRED_SPEEDUP,
        speedups.auto_choice().name()
    );
    println!(
        "             {}",
        stance::model::speed_check::origin().describe()
    );
    Ok(())
}

fn init(args: InitArgs) -> anyhow::Result<()> {
    if args.output.join("config.json").exists() && !args.force {
        anyhow::bail!(
            "{} already holds a model; pass --force to overwrite it",
            args.output.display()
        );
    }
    let base = hub::resolve(&args.base)?;
    let spec = ClassifierSpec {
        context_chars: None,
        mark_actor: None,
        labels: Some(args.labels.iter().map(|l| l.trim().to_string()).collect()),
        pooling: Some(match args.pooling {
            PoolingArg::Cls => Pooling::Cls,
            PoolingArg::Mean => Pooling::Mean,
        }),
        max_length: args.max_length,
        first_segment_template: None,
    };
    let (model, fresh) = StanceModel::for_training(&base, &spec, TrainScope::All, args.seed)
        .with_context(|| format!("loading base model {}", base.display()))?;
    model
        .save(&args.output)
        .with_context(|| format!("writing {}", args.output.display()))?;
    eprintln!(
        "wrote {} ({} labels; newly initialised: {})",
        args.output.display(),
        model.labels().len(),
        if fresh.is_empty() {
            "nothing".to_string()
        } else {
            fresh.join(", ")
        }
    );
    Ok(())
}
