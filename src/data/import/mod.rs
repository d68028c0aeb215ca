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
    match format {
        Format::Seesaw => {
            for article in seesaw::read(input)? {
                if excluded(&article.topic) {
                    excluded_count += 1;
                    continue;
                }
                let labels: Vec<&str> = article.actors.iter().map(|a| a.stance.as_str()).collect();
                emit(serde_json::to_vec(&article), &labels)?;
            }
        }
        _ => {
            for example in csv_table::read(format, input)? {
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
