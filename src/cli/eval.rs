//! `stance eval`: a model's accuracy, macro-F1 and SemEval F_avg on a labelled file.

use stance::model::dense::Precision;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use stance::data::dataset::{load_examples, LoadOptions};
use stance::eval::{evaluate, render_table};
use stance::model::folder::write_atomically;
use stance::plot;

use super::progress;
use super::DEFAULT_MODEL;

/// File names of `--plot DIR`.
const CONFUSION_FILE: &str = "confusion_matrix.svg";
const CLASSES_FILE: &str = "class_scores.svg";

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// What the model does: stance (labelled JSONL) or ner (a tagger scored on a CoNLL file with
    /// entity-level precision, recall and F1 as conlleval counts them).
    #[arg(long, value_enum, default_value = "stance")]
    task: super::Task,
    #[command(flatten)]
    ner_context: super::NerContext,
    #[command(flatten)]
    discovery: super::discovery::DiscoveryOptions,
    /// With --task discovery: also score the first N actors of each article, as `stance predict
    /// --max-actors N` reports them.
    #[arg(long, value_name = "N", default_value_t = 20)]
    max_actors: usize,
    /// With --task discovery: also label the labelled actors with --model, given and then
    /// discovered (a labelled actor not found counts as NONE), and compare the macro-F1.
    #[arg(long)]
    stances: bool,
    /// Model folder or Hugging Face model id.
    #[arg(long, short, default_value = DEFAULT_MODEL)]
    model: String,
    /// Labelled JSONL (example- or article-level; `-` for stdin).
    data: PathBuf,
    /// Also write the metrics as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write each example's prediction as JSONL to this file.
    #[arg(long)]
    predictions: Option<PathBuf>,
    /// Write the confusion matrix and per-class precision/recall/F1 as SVG into this folder.
    #[arg(long, value_name = "DIR")]
    plot: Option<PathBuf>,
    /// Skip invalid lines (counted and reported) instead of stopping at the first.
    #[arg(long)]
    skip_invalid: bool,
    /// Characters of an actor's context when article-level records are expanded (default: the
    /// model's, as in training).
    #[arg(long)]
    context_chars: Option<usize>,
    /// Examples per forward pass.
    #[arg(long, default_value_t = 64)]
    batch_size: usize,
    #[command(flatten)]
    evidence: super::EvidenceOptions,
    /// Evaluate as if the model's logits were shifted (`stance model shift`): LABEL=X, repeat
    /// for several labels; to choose the shift on dev data.
    #[arg(long = "logit-shift", value_name = "LABEL=X", value_parser = super::parse_logit_shift)]
    logit_shifts: Vec<(String, f64)>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: EvalArgs, precision: Precision) -> anyhow::Result<()> {
    if args.task == super::Task::Discovery {
        let model = match args.stances {
            true => Some(super::load_model(
                &args.model,
                &args.evidence,
                &[],
                precision,
            )?),
            false => None,
        };
        let finder = args.discovery.finder(
            super::discovery::model_tagger(&args.model).as_deref(),
            precision,
        )?;
        return super::discovery::eval(
            &args.data,
            &finder,
            args.max_actors,
            args.json.as_deref(),
            args.predictions.as_deref(),
            model.as_ref(),
        );
    }
    if args.task == super::Task::Ner {
        return super::ner::eval(
            &args.model,
            &args.data,
            args.json.as_deref(),
            args.predictions.as_deref(),
            args.batch_size,
            args.ner_context.context_sentences,
            precision,
        );
    }
    let model = super::load_model(&args.model, &args.evidence, &args.logit_shifts, precision)?;
    let mut options = LoadOptions::for_model(&model, args.skip_invalid);
    if let Some(chars) = args.context_chars {
        options.context_chars = chars;
    }
    let loaded = load_examples(&args.data, &options)?;
    if loaded.skipped > 0 {
        eprintln!(
            "warning: skipped {} invalid lines of {} (first: {})",
            loaded.skipped,
            args.data.display(),
            loaded.first_skipped.as_deref().unwrap_or_default()
        );
    }
    if loaded.examples.is_empty() {
        anyhow::bail!("{}: no labelled examples", args.data.display());
    }
    let bar = progress::bar(
        loaded.examples.len() as u64,
        "examples",
        progress::visible(args.quiet),
    );
    bar.set_prefix("eval");
    let (predictions, report) = evaluate(&model, &loaded.examples, args.batch_size, &mut |n| {
        bar.inc(n as u64)
    })?;
    bar.finish_and_clear();
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", render_table(&report))?;
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report)?;
        write_atomically(path, text.as_bytes())?;
    }
    if let Some(path) = &args.predictions {
        let mut text = String::new();
        for p in &predictions {
            text.push_str(&serde_json::to_string(p)?);
            text.push('\n');
        }
        write_atomically(path, text.as_bytes())?;
    }
    if let Some(dir) = &args.plot {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let name = args.data.display().to_string();
        let overall = &report.overall;
        let confusion = plot::confusion_svg(
            &report.labels,
            &overall.confusion,
            &format!("Confusion matrix: {name} ({} examples)", overall.total),
        )?;
        let classes = plot::class_scores_svg(
            &overall.classes,
            &format!(
                "Per class: {name} (accuracy {:.3}, macro-F1 {:.3})",
                overall.accuracy, overall.macro_f1
            ),
        )?;
        write_atomically(&dir.join(CONFUSION_FILE), confusion.as_bytes())?;
        write_atomically(&dir.join(CLASSES_FILE), classes.as_bytes())?;
    }
    Ok(())
}
