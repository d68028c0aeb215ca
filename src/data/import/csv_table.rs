//! The CSV datasets: SemEval-2016 Task 6, VAST and P-Stance, one stance per row.

use std::path::Path;

use super::Format;
use crate::data::schema::{Example, MAX_TEXT_BYTES};
use crate::error::{Error, Result};

/// Columns to look for, first match wins, and how labels map.
struct Columns {
    text: &'static [&'static str],
    topic: &'static [&'static str],
    label: &'static [&'static str],
    id: &'static [&'static str],
    map_label: fn(&str) -> Option<&'static str>,
}

fn stance_words(label: &str) -> Option<&'static str> {
    match label.trim().to_ascii_uppercase().as_str() {
        "FAVOR" => Some("FAVOR"),
        "AGAINST" => Some("AGAINST"),
        "NONE" => Some("NONE"),
        _ => None,
    }
}

fn vast_codes(label: &str) -> Option<&'static str> {
    match label.trim() {
        "1" => Some("FAVOR"),
        "0" => Some("AGAINST"),
        "2" => Some("NONE"),
        _ => None,
    }
}

fn columns(format: Format) -> Columns {
    match format {
        Format::Vast => Columns {
            text: &["post", "Tweet"],
            topic: &["topic_str", "Target"],
            label: &["label", "Stance"],
            id: &["new_id"],
            map_label: vast_codes,
        },
        _ => Columns {
            text: &["Tweet"],
            topic: &["Target"],
            label: &["Stance"],
            id: &["ID"],
            map_label: stance_words,
        },
    }
}

/// Reads every row of `path` as an example.
pub fn read(format: Format, path: &Path) -> Result<Vec<Example>> {
    let columns = columns(format);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| Error::InvalidInput(format!("{}: {e}", path.display())))?;
    let record_error = |line: u64, message: String| Error::Record {
        path: path.to_path_buf(),
        line: line as usize,
        message,
    };
    let headers = reader
        .headers()
        .map_err(|e| record_error(1, format!("cannot read the header: {e}")))?
        .clone();
    let find = |names: &[&str], required: bool| -> Result<Option<usize>> {
        let index = names
            .iter()
            .find_map(|name| headers.iter().position(|h| h.trim() == *name));
        if index.is_none() && required {
            return Err(record_error(
                1,
                format!(
                    "no `{}` column (header: {})",
                    names.join("` or `"),
                    crate::data::excerpt(&headers.iter().collect::<Vec<_>>().join(","), 200)
                ),
            ));
        }
        Ok(index)
    };
    let text_column = find(columns.text, true)?.unwrap_or_default();
    let topic_column = find(columns.topic, true)?.unwrap_or_default();
    let label_column = find(columns.label, true)?.unwrap_or_default();
    let id_column = find(columns.id, false)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();

    let mut examples = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            record_error(line, format!("malformed CSV: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |index: usize, name: &str| -> Result<&str> {
            record
                .get(index)
                .ok_or_else(|| record_error(line, format!("missing field `{name}`")))
        };
        let mut text = field(text_column, "text")?.to_string();
        if format == Format::Semeval2016 {
            text = text.replace("#SemST", "").trim().to_string();
        }
        let topic = field(topic_column, "topic")?.trim().to_string();
        let raw_label = field(label_column, "label")?;
        let label = (columns.map_label)(raw_label).ok_or_else(|| {
            record_error(line, format!("field `label`: unknown label `{raw_label}`"))
        })?;
        if text.trim().is_empty() || topic.is_empty() {
            let empty = if topic.is_empty() { "topic" } else { "text" };
            return Err(record_error(line, format!("field `{empty}` is empty")));
        }
        if text.len() > MAX_TEXT_BYTES {
            return Err(record_error(
                line,
                format!(
                    "field `text` is {} bytes; the limit is {MAX_TEXT_BYTES}",
                    text.len()
                ),
            ));
        }
        let id = match id_column
            .and_then(|i| record.get(i))
            .filter(|s| !s.trim().is_empty())
        {
            Some(id) => format!("{stem}:{}", id.trim()),
            None => format!("{stem}:{}", row + 1),
        };
        examples.push(Example {
            id,
            topic,
            text,
            actor: None,
            label: label.to_string(),
        });
    }
    Ok(examples)
}
