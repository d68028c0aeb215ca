//! Importers from public datasets to `stance`'s JSONL schema. Output order follows the input,
//! ids are derived from the input, so importing the same file twice gives identical output.
//!
//! Label mappings (documented in datasets/README.md):
//! - SemEval-2016 Task 6: FAVOR/AGAINST/NONE as given; the `#SemST` tag the organisers appended to
//!   every tweet is removed.
//! - VAST: 1 (pro) → FAVOR, 0 (con) → AGAINST, 2 (neutral) → NONE; the topic is `topic_str`.
//! - P-Stance: FAVOR/AGAINST as given (no NONE in the data).
//! - SEESAW: article level; FAVOR/AGAINST as given, evidence sentence ids kept.

mod csv_table;
mod seesaw;

use std::path::Path;

use crate::error::{Error, Result};

/// A public dataset format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// SemEval-2016 Task 6 CSV (`Tweet,Target,Stance,...`).
    Semeval2016,
    /// VAST CSV (full: `post,...,topic_str,...`; reduced: `Tweet,Target,Stance,seen?`).
    Vast,
    /// P-Stance CSV (`Tweet,Target,Stance`).
    Pstance,
    /// SEESAW JSONL (article level).
    Seesaw,
}

impl Format {
    /// The option that selects this format.
    fn option(self) -> &'static str {
        match self {
            Format::Semeval2016 => "--format semeval2016",
            Format::Vast => "--format vast",
            Format::Pstance => "--format pstance",
            Format::Seesaw => "--format seesaw",
        }
    }

    /// What a file of this format looks like, for messages.
    fn expects(self) -> &'static str {
        match self {
            Format::Semeval2016 | Format::Pstance => "a CSV with columns Tweet,Target,Stance",
            Format::Vast => "VAST's CSV (columns post,…,topic_str,…,label)",
            Format::Seesaw => "SEESAW's JSONL (one article per line)",
        }
    }
}

/// What the start of a file looks like.
struct Shape {
    /// For the message ("SemEval-2016's CSV (…)").
    looks_like: &'static str,
    /// The formats a file of this shape can be in (the error then has another cause).
    fits: &'static [Format],
    /// The format to suggest, when the shape says which.
    suggest: Option<Format>,
}

/// The shape of `input`'s first line, if it can be read.
fn sniff(input: &Path) -> Option<Shape> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(input)
        .ok()?
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    let text = String::from_utf8_lossy(&head);
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()?
        .to_string();
    let columns: Vec<String> = first
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let has = |name: &str| columns.iter().any(|c| c == name);
    let tweets = has("tweet") && has("target") && has("stance");
    let shape = |looks_like, fits, suggest| Shape {
        looks_like,
        fits,
        suggest,
    };
    Some(if first.trim_start().starts_with('{') {
        shape("JSONL", &[Format::Seesaw], Some(Format::Seesaw))
    } else if has("post") && has("topic_str") {
        shape(
            "VAST's CSV (columns post,…,topic_str)",
            &[Format::Vast],
            Some(Format::Vast),
        )
    } else if tweets && has("opinion towards") {
        shape(
            "SemEval-2016's CSV (columns Tweet,Target,Stance,Opinion Towards,…)",
            &[Format::Semeval2016, Format::Pstance],
            Some(Format::Semeval2016),
        )
    } else if tweets {
        shape(
            "a CSV with columns Tweet,Target,Stance (SemEval-2016, P-Stance or VAST reduced)",
            &[Format::Semeval2016, Format::Pstance, Format::Vast],
            None,
        )
    } else if first.contains(',') {
        shape("a CSV of another kind", &[], None)
    } else {
        shape("neither CSV nor JSONL", &[], None)
    })
}

/// Adds to a read error what the format expects and what the file looks like, when the file
/// does not look like `format` (the usual cause: the wrong --format).
fn add_format_hint(error: Error, format: Format, input: &Path) -> Error {
    let Error::Record {
        path,
        line,
        message,
    } = error
    else {
        return error;
    };
    let message = match sniff(input) {
        Some(shape) if !shape.fits.contains(&format) => {
            let suggestion = shape
                .suggest
                .map(|g| format!(" (try {})", g.option()))
                .unwrap_or_default();
            format!(
                "{message}; {} expects {}, and this file looks like {}{suggestion}",
                format.option(),
                format.expects(),
                shape.looks_like
            )
        }
        _ => message,
    };
    Error::Record {
        path,
        line,
        message,
    }
}

/// What an import produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Records written.
    pub records: usize,
    /// Labels written (one per example, one per actor for articles), by label.
    pub labels: Vec<(String, usize)>,
    /// Records left out by topic.
    pub excluded: usize,
}

impl ImportSummary {
    fn count(&mut self, label: &str) {
        super::count_label(&mut self.labels, label);
    }
}

/// Converts `input` in `format` to JSONL at `output` (written whole, then renamed into place),
/// leaving out records whose topic is in `exclude_topics` (compared case-insensitively).
pub fn import(
    format: Format,
    input: &Path,
    output: &Path,
    exclude_topics: &[String],
) -> Result<ImportSummary> {
    let excluded = |topic: &str| exclude_topics.iter().any(|t| t.eq_ignore_ascii_case(topic));
    let mut summary = ImportSummary::default();
    let mut excluded_count = 0;
    let mut buffer = Vec::new();
    // Records are serialised from their structs, so fields keep the schema's order.
    let mut emit = |line: serde_json::Result<Vec<u8>>, labels: &[&str]| -> Result<()> {
        buffer.extend(line.map_err(|e| Error::InvalidInput(e.to_string()))?);
        buffer.push(b'\n');
        summary.records += 1;
        for label in labels {
            summary.count(label);
        }
        Ok(())
    };
    let with_hint = |error: Error| add_format_hint(error, format, input);
    match format {
        Format::Seesaw => {
            for article in seesaw::read(input).map_err(with_hint)? {
                if excluded(&article.topic) {
                    excluded_count += 1;
                    continue;
                }
                let labels: Vec<&str> = article.actors.iter().map(|a| a.stance.as_str()).collect();
                emit(serde_json::to_vec(&article), &labels)?;
            }
        }
        _ => {
            for example in csv_table::read(format, input).map_err(with_hint)? {
                if excluded(&example.topic) {
                    excluded_count += 1;
                    continue;
                }
                emit(serde_json::to_vec(&example), &[example.label.as_str()])?;
            }
        }
    }
    crate::data::jsonl::write_whole(output, &buffer)?;
    summary.excluded = excluded_count;
    summary.labels.sort();
    Ok(summary)
}
