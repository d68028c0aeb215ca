//! `stance classify`: the stance of one actor (or of the text itself) toward a topic, for a
//! single text or a JSONL file of pairs.

use stance::model::dense::Precision;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use serde::{Deserialize, Serialize};
use stance::data::jsonl::JsonlReader;
use stance::model::{Classification, PairInput};
use stance::text::mentions::{actor_mention_forms, mark_actor_mentions};

use super::{read_text, DEFAULT_MODEL};

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Model folder or Hugging Face model id.
    #[arg(long, short, default_value = DEFAULT_MODEL)]
    model: String,
    /// JSONL of {"id"?, "topic", "actor"?, "text"}, one pair per line (`-` for stdin).
    #[arg(long, conflicts_with_all = ["text", "topic", "actor"])]
    input: Option<PathBuf>,
    /// A text file to classify (`-` for stdin); needs --topic.
    #[arg(long, requires = "topic")]
    text: Option<PathBuf>,
    /// The topic, e.g. "the Kurdish independence referendum".
    #[arg(long)]
    topic: Option<String>,
    /// The actor whose stance is wanted (default: the text's own stance).
    #[arg(long)]
    actor: Option<String>,
    /// Print JSONL (one object per input) instead of a table.
    #[arg(long)]
    json: bool,
    /// Include what the model saw (with --json): token ids, the text with the actor's mentions
    /// marked (`context`) and the marked forms (`mentions`).
    #[arg(long, requires = "json")]
    show_input: bool,
    /// Pairs per forward pass.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    #[command(flatten)]
    evidence: super::EvidenceOptions,
}

/// One line of `--input`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairRecord {
    #[serde(default)]
    id: Option<serde_json::Value>,
    topic: String,
    #[serde(default)]
    actor: Option<String>,
    text: String,
}

#[derive(Debug, Serialize)]
struct Output<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    topic: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    actor: Option<&'a str>,
    label: &'a str,
    probabilities: serde_json::Map<String, serde_json::Value>,
    logits: &'a [f32],
    truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    input_ids: Option<&'a [u32]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type_ids: Option<&'a [u32]>,
    /// The text as the model read it (the actor's mentions marked when the model marks them).
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a str>,
    /// The forms of the actor that were marked, as written in the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    mentions: Option<Vec<String>>,
}

fn read_pairs(args: &ClassifyArgs) -> anyhow::Result<Vec<PairRecord>> {
    if let Some(path) = &args.input {
        let mut records = Vec::new();
        for item in JsonlReader::<PairRecord>::open(path)? {
            let (line, record) = item?;
            if record.topic.trim().is_empty() {
                bail!("{}:{line}: field `topic` is empty", path.display());
            }
            if record.text.trim().is_empty() {
                bail!("{}:{line}: field `text` is empty", path.display());
            }
            records.push(record);
        }
        return Ok(records);
    }
    let (Some(path), Some(topic)) = (&args.text, &args.topic) else {
        bail!("give --input FILE.jsonl, or --text FILE with --topic \"...\"");
    };
    let text = read_text(path)?;
    if text.trim().is_empty() {
        bail!("{}: the text is empty", path.display());
    }
    Ok(vec![PairRecord {
        id: None,
        topic: topic.clone(),
        actor: args.actor.clone(),
        text,
    }])
}

pub fn run(args: ClassifyArgs, precision: Precision) -> anyhow::Result<()> {
    let records = read_pairs(&args)?;
    let model = super::load_model(&args.model, &args.evidence, &[], precision)?;
    let mark = model.inputs().settings().mark_actor;
    let contexts: Vec<String> = records
        .iter()
        .map(|r| match (&r.actor, mark) {
            (Some(actor), true) => mark_actor_mentions(actor, &r.text),
            _ => r.text.clone(),
        })
        .collect();
    let pairs: Vec<PairInput> = records
        .iter()
        .zip(&contexts)
        .map(|(r, context)| PairInput {
            topic: &r.topic,
            actor: r.actor.as_deref(),
            context,
        })
        .collect();
    let results = model.classify(&pairs, args.batch_size)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        for ((record, result), context) in records.iter().zip(&results).zip(&contexts) {
            let mut shown = output(&args, model.labels(), record, result);
            if args.show_input {
                shown.context = Some(context);
                shown.mentions = Some(match (&record.actor, mark) {
                    (Some(actor), true) => actor_mention_forms(actor, &record.text),
                    _ => Vec::new(),
                });
            }
            let line = serde_json::to_string(&shown)?;
            writeln!(out, "{line}")?;
        }
    } else {
        print_table(&mut out, model.labels(), &records, &results)?;
    }
    out.flush()?;
    if !args.json && results.iter().any(|r| r.encoded.truncated) && std::io::stderr().is_terminal()
    {
        eprintln!("note: some texts were cut to the model's max length");
    }
    Ok(())
}

fn output<'a>(
    args: &ClassifyArgs,
    labels: &[String],
    record: &'a PairRecord,
    result: &'a Classification,
) -> Output<'a> {
    Output {
        id: record.id.as_ref(),
        topic: &record.topic,
        actor: record.actor.as_deref(),
        label: &result.label,
        probabilities: labels
            .iter()
            .zip(&result.probabilities)
            .map(|(l, p)| (l.clone(), serde_json::json!(p)))
            .collect(),
        logits: &result.logits,
        truncated: result.encoded.truncated,
        input_ids: args.show_input.then_some(&result.encoded.input_ids[..]),
        token_type_ids: args
            .show_input
            .then_some(&result.encoded.token_type_ids[..]),
        context: None,
        mentions: None,
    }
}

fn print_table(
    out: &mut impl Write,
    labels: &[String],
    records: &[PairRecord],
    results: &[Classification],
) -> anyhow::Result<()> {
    write!(out, "{:<28} {:<10}", "actor", "stance")?;
    for label in labels {
        write!(out, " {:>9}", format!("P({label})"))?;
    }
    writeln!(out)?;
    for (record, result) in records.iter().zip(results) {
        let actor: String = record
            .actor
            .as_deref()
            .unwrap_or("(the text)")
            .chars()
            .take(28)
            .collect();
        write!(out, "{actor:<28} {:<10}", result.label)?;
        for p in &result.probabilities {
            write!(out, " {p:>9.3}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}
