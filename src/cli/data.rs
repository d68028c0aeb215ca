//! `stance data import`, `split`, `add-none`, `evidence` and `contexts`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use stance::data::contexts::write_context_file;
use stance::data::evidence::{write_evidence_file, EvidenceRecords};
use stance::data::import::{import, Format};
use stance::data::none_labels::add_none_labels;
use stance::data::split::split_file;
use stance::model::config::BertConfig;
use stance::text::context::ContextPolicy;

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Convert a public stance dataset to stance's JSONL (see datasets/README.md).
    Import(ImportArgs),
    /// Move a seeded random sample of a JSONL file's records to a dev file.
    Split(SplitArgs),
    /// Label NONE the actors an article-level file leaves unlabelled (found by discovery) whose
    /// context never touches the topic, e.g. for SEESAW, which labels only actors that take a side.
    AddNone(AddNoneArgs),
    /// Example-level records of an article-level file's labelled evidence (`evidence_text`, or
    /// the lines `evidence` points at): each actor's stance with only its evidence as text, or
    /// (--sentences) each sentence that mentions an actor labelled EVIDENCE or OTHER, the
    /// training data of an evidence scorer.
    Evidence(EvidenceArgs),
    /// What a model reads for each labelled actor of an article-level file: one example-level
    /// record per actor with its context as the text, as training and evaluation expand it.
    Contexts(ContextsArgs),
}

#[derive(Debug, Args)]
pub struct ContextsArgs {
    /// The article-level JSONL file.
    input: PathBuf,
    /// The JSONL file to write.
    #[arg(long, short)]
    output: PathBuf,
    /// Take the context settings from this stance model (its budget and actor marks) instead of
    /// the flags below.
    #[arg(long, short)]
    model: Option<PathBuf>,
    /// Characters of an actor's context.
    #[arg(long, default_value_t = 1200, conflicts_with = "model")]
    context_chars: usize,
    /// Wrap the actor's mentions in marks (« Erdogan »).
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set, conflicts_with = "model")]
    mark_actor: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// The article-level JSONL file.
    input: PathBuf,
    /// The JSONL file to write.
    #[arg(long, short)]
    output: PathBuf,
    /// Write sentence records labelled EVIDENCE/OTHER instead of the actors' stances.
    #[arg(long)]
    sentences: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
pub struct AddNoneArgs {
    /// The article-level JSONL file.
    input: PathBuf,
    /// The JSONL file to write (the input's articles with the added actors).
    #[arg(long, short)]
    output: PathBuf,
    /// Most actors added per article (the most mentioned first).
    #[arg(long, default_value_t = 1)]
    per_article: usize,
    /// Characters of an actor's context, as the model to train will read it.
    #[arg(long, default_value_t = 700)]
    context_chars: usize,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// SemEval-2016 Task 6 CSV (train.csv, test.csv); labels as given, `#SemST` removed.
    Semeval2016,
    /// VAST CSV; 1 → FAVOR, 0 → AGAINST, 2 → NONE, topic from `topic_str`.
    Vast,
    /// P-Stance CSV; FAVOR/AGAINST as given.
    Pstance,
    /// SEESAW JSONL (article level, FAVOR/AGAINST actors).
    Seesaw,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The dataset's format.
    #[arg(long)]
    format: FormatArg,
    /// The dataset file.
    input: PathBuf,
    /// The JSONL file to write.
    #[arg(long, short)]
    output: PathBuf,
    /// Leave out records of this topic (repeatable), e.g. "Donald Trump" for SemEval Task A.
    #[arg(long)]
    exclude_topic: Vec<String>,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
pub struct SplitArgs {
    /// The JSONL file to split.
    input: PathBuf,
    /// Records to move to the dev file.
    #[arg(long)]
    dev_size: usize,
    /// Seed of the random choice.
    #[arg(long, default_value_t = 13)]
    seed: u64,
    /// Where the remaining records go.
    #[arg(long)]
    train_out: PathBuf,
    /// Where the chosen records go.
    #[arg(long)]
    dev_out: PathBuf,
}

/// "FAVOR 3, AGAINST 2" for a summary's label counts.
fn label_counts(labels: &[(String, usize)]) -> String {
    labels
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn run(command: DataCommand) -> anyhow::Result<()> {
    match command {
        DataCommand::Import(args) => {
            let format = match args.format {
                FormatArg::Semeval2016 => Format::Semeval2016,
                FormatArg::Vast => Format::Vast,
                FormatArg::Pstance => Format::Pstance,
                FormatArg::Seesaw => Format::Seesaw,
            };
            let summary = import(format, &args.input, &args.output, &args.exclude_topic)
                .with_context(|| format!("importing {}", args.input.display()))?;
            if !args.quiet {
                let excluded = if summary.excluded > 0 {
                    format!(", {} excluded by topic", summary.excluded)
                } else {
                    String::new()
                };
                eprintln!(
                    "wrote {} records to {} ({}{excluded})",
                    summary.records,
                    args.output.display(),
                    label_counts(&summary.labels)
                );
            }
            Ok(())
        }
        DataCommand::AddNone(args) => {
            let policy = ContextPolicy {
                budget_chars: args.context_chars,
            };
            let summary = add_none_labels(&args.input, &args.output, policy, args.per_article)
                .with_context(|| format!("adding NONE actors to {}", args.input.display()))?;
            if !args.quiet {
                eprintln!(
                    "wrote {} articles to {} with {} NONE actors added",
                    summary.articles,
                    args.output.display(),
                    summary.added
                );
            }
            Ok(())
        }
        DataCommand::Evidence(args) => {
            let records = if args.sentences {
                EvidenceRecords::Sentences
            } else {
                EvidenceRecords::Stances
            };
            let summary = write_evidence_file(&args.input, &args.output, records)
                .with_context(|| format!("reading the evidence of {}", args.input.display()))?;
            if !args.quiet {
                let missing = if summary.missing > 0 {
                    format!("; {} actors without evidence left out", summary.missing)
                } else {
                    String::new()
                };
                eprintln!(
                    "wrote {} records from {} articles to {} ({}){missing}",
                    summary.labels.iter().map(|(_, n)| n).sum::<usize>(),
                    summary.articles,
                    args.output.display(),
                    label_counts(&summary.labels)
                );
            }
            Ok(())
        }
        DataCommand::Contexts(args) => {
            let (policy, mark_actor) = match &args.model {
                Some(dir) => {
                    let settings = BertConfig::from_file(&dir.join("config.json"))
                        .with_context(|| format!("reading the settings of {}", dir.display()))?
                        .settings();
                    (
                        ContextPolicy {
                            budget_chars: settings.context_chars,
                        },
                        settings.mark_actor,
                    )
                }
                None => (
                    ContextPolicy {
                        budget_chars: args.context_chars,
                    },
                    args.mark_actor,
                ),
            };
            let summary = write_context_file(&args.input, &args.output, policy, mark_actor)
                .with_context(|| format!("writing the contexts of {}", args.input.display()))?;
            if !args.quiet {
                eprintln!(
                    "wrote {} records from {} articles to {} ({})",
                    summary.labels.iter().map(|(_, n)| n).sum::<usize>(),
                    summary.articles,
                    args.output.display(),
                    label_counts(&summary.labels)
                );
            }
            Ok(())
        }
        DataCommand::Split(args) => {
            for out in [&args.train_out, &args.dev_out] {
                if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
            }
            let counts = split_file(
                &args.input,
                args.dev_size,
                args.seed,
                &args.train_out,
                &args.dev_out,
            )?;
            eprintln!(
                "wrote {} records to {} and {} to {}",
                counts.train,
                args.train_out.display(),
                counts.dev,
                args.dev_out.display()
            );
            Ok(())
        }
    }
}
