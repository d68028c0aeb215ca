//! `stance report`: one self-contained HTML page (works offline) from the records of
//! `stance predict`, for analysts.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use stance::report::{build_report, render_html, ReportOptions};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// JSONL written by `stance predict` (`-` for stdin); error records are counted, not shown.
    predictions: PathBuf,
    /// The articles predicted on (JSONL with "id", "text", "date"?), for the text and dates.
    #[arg(long)]
    articles: Option<PathBuf>,
    /// The HTML file to write.
    #[arg(long, short)]
    output: PathBuf,
    /// The page's title.
    #[arg(long, default_value = "Stance report")]
    title: String,
    /// Actors with a stance-over-time chart (those in the most dated articles).
    #[arg(long, default_value_t = 8)]
    top_actors: usize,
    /// Skip invalid lines of --articles (counted and the first shown) instead of stopping, as
    /// `stance predict --skip-invalid` does.
    #[arg(long)]
    skip_invalid: bool,
    /// No summary line and no warnings.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    let options = ReportOptions {
        title: args.title,
        top_actors: args.top_actors,
        skip_invalid: args.skip_invalid,
    };
    let data = build_report(&args.predictions, args.articles.as_deref(), &options)?;
    let page = render_html(&data)?;
    if let Some(parent) = args.output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    stance::model::folder::write_atomically(&args.output, page.as_bytes())?;
    if !args.quiet {
        let s = &data.summary;
        for problem in s.bad_dates.iter().take(5) {
            eprintln!("warning: {problem}");
        }
        if s.bad_dates.len() > 5 {
            eprintln!(
                "warning: {} more articles have a date that is not a YYYY-MM-DD date",
                s.bad_dates.len() - 5
            );
        }
        if let Some(first) = &s.first_article_skipped {
            eprintln!(
                "warning: {} invalid lines of the articles skipped; the first: {first}",
                s.articles_skipped
            );
        }
        let mut line = format!(
            "{}: {} articles, {} actor stances, {} actors, {} topics",
            args.output.display(),
            s.articles,
            s.stances,
            data.actors.len(),
            data.topics.len()
        );
        if args.articles.is_some() {
            line.push_str(&format!(", text for {}", s.with_text));
        }
        if s.errors > 0 {
            line.push_str(&format!(", {} error records skipped", s.errors));
        }
        eprintln!("{line}");
    }
    Ok(())
}
