//! `stance predict`: each actor's stance toward the topic in news articles, with evidence; a
//! table for one article, JSONL for a corpus.

use stance::model::dense::Precision;
use std::io::Write;
use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, ValueEnum};
use stance::predict::{
    check_output, count_records, predict_articles, predict_stream, ArticleInput, ArticlePrediction,
    GivenActor, OutputFormat, PredictOptions, Shard, Sink, StreamOptions,
};

use super::{progress, read_text, DEFAULT_MODEL};

/// The corpus output's format.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// One JSON record per article, actors nested.
    Jsonl,
    /// One row per (article, actor) with a header.
    Csv,
    /// One row per (article, actor) in a Parquet file (needs --output; no --resume).
    Parquet,
}

impl From<FormatArg> for OutputFormat {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Jsonl => OutputFormat::Jsonl,
            FormatArg::Csv => OutputFormat::Csv,
            FormatArg::Parquet => OutputFormat::Parquet,
        }
    }
}

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// Model folder or Hugging Face model id (default: the model the README quickstart trains).
    #[arg(long, short, default_value = DEFAULT_MODEL)]
    model: String,
    /// JSONL of articles {"id", "text", "topic", "actors"?}; `-` for stdin.
    #[arg(long, short, conflicts_with_all = ["text", "topic", "actor"])]
    input: Option<PathBuf>,
    /// Where to write the records (default: stdout).
    #[arg(long, short, requires = "input")]
    output: Option<PathBuf>,
    /// Output format (default: from the --output extension .csv/.parquet, else jsonl).
    #[arg(long, value_enum, requires = "input")]
    format: Option<FormatArg>,
    /// One article as a text file (`-` for stdin); needs --topic. Prints a table.
    #[arg(long, requires = "topic")]
    text: Option<PathBuf>,
    /// The topic, with --text.
    #[arg(long)]
    topic: Option<String>,
    /// An actor to label, with --text (repeatable; default: find the actors).
    #[arg(long)]
    actor: Vec<String>,
    /// With --text, print the JSON record instead of a table.
    #[arg(long)]
    json: bool,
    /// Process only part I of N of the input (0-based, e.g. `--shard 2/8`).
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// Continue an interrupted run: keep the output, skip the ids already in it.
    #[arg(long, requires = "output")]
    resume: bool,
    /// Replace an existing output file.
    #[arg(long, conflicts_with = "resume")]
    force: bool,
    /// Write an {"id", "error"} record for an invalid line and go on, instead of stopping.
    #[arg(long)]
    skip_invalid: bool,
    /// Sequences per forward pass.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Articles processed together (memory grows with this, not with the corpus).
    #[arg(long, default_value_t = 64)]
    chunk: usize,
    /// Most actors reported per article when they are discovered (the most mentioned first; 20
    /// keeps 0.90 of wikinews-actors dev's labelled actors with the tagger, 12 keeps 0.77).
    #[arg(long, default_value_t = 20)]
    max_actors: usize,
    #[command(flatten)]
    evidence: super::EvidenceOptions,
    #[command(flatten)]
    discovery: super::discovery::DiscoveryOptions,
    /// No progress bar or summary.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: PredictArgs, precision: Precision) -> anyhow::Result<()> {
    let options = PredictOptions {
        batch_size: args.batch_size.max(1),
        max_discovered: args.max_actors,
    };
    if let Some(input) = &args.input {
        let format = args.format.map(OutputFormat::from).unwrap_or_else(|| {
            args.output
                .as_deref()
                .and_then(OutputFormat::from_extension)
                .unwrap_or_default()
        });
        let sink = match &args.output {
            Some(path) => Sink::File(path.clone()),
            None => Sink::Stdout,
        };
        // Before loading the models, so that a refused output fails at once.
        check_output(&sink, format, args.resume, args.force)?;
        let model = super::load_model(&args.model, &args.evidence, &[], precision)?;
        let finder = args.discovery.finder(
            super::discovery::model_tagger(&args.model).as_deref(),
            precision,
        )?;
        let stream = StreamOptions {
            predict: options,
            chunk_articles: args.chunk,
            shard: args.shard,
            resume: args.resume,
            overwrite: args.force,
            skip_invalid: args.skip_invalid,
            format,
        };
        let visible = progress::visible(args.quiet);
        let total = if visible {
            count_records(input, args.shard)
        } else {
            None
        };
        let bar = progress::bar(total.unwrap_or(0) as u64, "articles", visible);
        bar.set_prefix("predict");
        let summary = predict_stream(&model, &finder, input, &sink, &stream, &mut |n| {
            bar.inc(n as u64)
        })?;
        bar.finish_and_clear();
        if !args.quiet {
            let mut line = format!("{} articles, {} actors", summary.articles, summary.actors);
            if summary.already_done > 0 {
                line.push_str(&format!(", {} already in the output", summary.already_done));
            }
            if summary.invalid > 0 {
                line.push_str(&format!(
                    ", {} invalid lines written as error records",
                    summary.invalid
                ));
            }
            eprintln!("{line}");
        }
        return Ok(());
    }
    let (Some(path), Some(topic)) = (&args.text, &args.topic) else {
        bail!("give --input FILE.jsonl, or --text FILE with --topic \"...\"");
    };
    let text = read_text(path)?;
    if text.trim().is_empty() {
        bail!("{}: the text is empty", path.display());
    }
    // The same limit as an --input line's `text`.
    if text.len() > stance::data::schema::MAX_TEXT_BYTES {
        bail!(
            "{}: the text is {} bytes; the limit is {} bytes",
            path.display(),
            text.len(),
            stance::data::schema::MAX_TEXT_BYTES
        );
    }
    if topic.trim().is_empty() {
        bail!("--topic is empty");
    }
    let model = super::load_model(&args.model, &args.evidence, &[], precision)?;
    let finder = args.discovery.finder(
        super::discovery::model_tagger(&args.model).as_deref(),
        precision,
    )?;
    let article = ArticleInput {
        id: path.display().to_string(),
        topic: topic.trim().to_string(),
        text,
        actors: args
            .actor
            .iter()
            .map(|name| GivenActor {
                name: name.trim().to_string(),
                aliases: Vec::new(),
            })
            .collect(),
    };
    let predictions = predict_articles(&model, &finder, std::slice::from_ref(&article), &options)?;
    let mut out = std::io::stdout().lock();
    for prediction in &predictions {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(prediction)?)?;
        } else {
            print_table(&mut out, model.labels(), prediction)?;
        }
    }
    Ok(())
}

fn print_table(
    out: &mut impl Write,
    labels: &[String],
    prediction: &ArticlePrediction,
) -> anyhow::Result<()> {
    writeln!(out, "topic: {}", prediction.topic)?;
    if prediction.actors.is_empty() {
        writeln!(out, "no actors found; name them with --actor")?;
        return Ok(());
    }
    write!(out, "{:<34} {:<8}", "actor", "stance")?;
    for label in labels {
        write!(
            out,
            " {:>8}",
            format!("P({})", &label[..label.len().min(3)])
        )?;
    }
    writeln!(out, "  evidence (sentence numbers)")?;
    for actor in &prediction.actors {
        let name: String = actor.name.chars().take(34).collect();
        write!(out, "{name:<34} {:<8}", actor.stance)?;
        for label in labels {
            write!(
                out,
                " {:>8.3}",
                actor.probabilities.get(label).unwrap_or(&0.0)
            )?;
        }
        let sentences: Vec<String> = actor
            .evidence
            .iter()
            .map(|e| e.sentence.to_string())
            .collect();
        writeln!(out, "  {}", sentences.join(", "))?;
        if !actor.aliases.is_empty() {
            writeln!(out, "    aliases: {}", actor.aliases.join(", "))?;
        }
        for evidence in actor.evidence.iter().take(3) {
            let text: String = evidence.text.chars().take(150).collect();
            let more = if evidence.text.chars().count() > 150 {
                "…"
            } else {
                ""
            };
            writeln!(out, "    [{}] {text}{more}", evidence.sentence)?;
        }
    }
    Ok(())
}
