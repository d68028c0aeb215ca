//! CSV output: the flat rows (see [`super::flat`]) with a header, appended a chunk at a time.
//!
//! Line breaks inside fields (a topic or an error message may hold one) are written as spaces,
//! so that every row is exactly one line: line tools and `--resume` can rely on it. Lists
//! (aliases, evidence sentence indices) are joined with `;`.
//!
//! An article spans several rows, so a kill can leave it half written even when every line is
//! whole. Resuming therefore removes the rows of the last article in the file as well as an
//! unfinished line; that article is predicted again.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::flat::{flat_columns, flat_rows};
use super::jsonl_file::cut_unfinished_line;
use super::{ErrorRecord, RecordWriter};
use crate::error::{Error, Result};
use crate::predict::pipeline::ArticlePrediction;

/// Appends CSV rows to a file or standard output.
pub struct CsvWriter {
    out: Box<dyn Write>,
    name: PathBuf,
    labels: Vec<String>,
}

impl CsvWriter {
    /// Writes to `out` (`name` names it in errors), starting with the header if `header`.
    pub fn new(
        mut out: Box<dyn Write>,
        name: PathBuf,
        labels: &[String],
        header: bool,
    ) -> Result<Self> {
        if header {
            let bytes = encode(std::iter::once(flat_columns(labels)), &name)?;
            out.write_all(&bytes).map_err(|e| Error::io(&name, e))?;
            out.flush().map_err(|e| Error::io(&name, e))?;
        }
        Ok(CsvWriter {
            out,
            name,
            labels: labels.to_vec(),
        })
    }
}

/// One line of text per field: line breaks become spaces.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

fn flag(value: bool) -> String {
    value.to_string()
}

/// Encodes `records` as CSV lines.
fn encode(records: impl Iterator<Item = Vec<String>>, name: &Path) -> Result<Vec<u8>> {
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let error = |message: String| Error::Write {
        path: name.to_path_buf(),
        message,
    };
    for record in records {
        csv.write_record(&record)
            .map_err(|e| error(e.to_string()))?;
    }
    csv.into_inner().map_err(|e| error(e.error().to_string()))
}

impl RecordWriter for CsvWriter {
    fn write_chunk(
        &mut self,
        predictions: &[ArticlePrediction],
        errors: &[ErrorRecord],
    ) -> Result<()> {
        let labels = &self.labels;
        let records = flat_rows(predictions, errors).into_iter().map(|row| {
            let actor = row.actor;
            let mut fields = vec![
                one_line(row.id),
                one_line(row.topic.unwrap_or_default()),
                actor.map(|a| one_line(&a.name)).unwrap_or_default(),
                actor
                    .map(|a| one_line(&a.aliases.join(";")))
                    .unwrap_or_default(),
                actor.map(|a| flag(a.discovered)).unwrap_or_default(),
                actor.map(|a| flag(a.mentioned)).unwrap_or_default(),
                actor.map(|a| one_line(&a.stance)).unwrap_or_default(),
            ];
            fields.extend(
                row.probabilities(labels)
                    .into_iter()
                    .map(|p| p.map(|p| p.to_string()).unwrap_or_default()),
            );
            let evidence: Vec<String> = row.evidence().iter().map(usize::to_string).collect();
            fields.push(evidence.join(";"));
            fields.push(row.error.map(one_line).unwrap_or_default());
            fields
        });
        // One write per chunk, as for JSONL: a kill leaves at most one unfinished line.
        let bytes = encode(records, &self.name)?;
        let name = &self.name;
        self.out.write_all(&bytes).map_err(|e| Error::io(name, e))?;
        self.out.flush().map_err(|e| Error::io(name, e))
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(&self.name, e))
    }
}

/// Cuts an unfinished last line and the last article's rows off the CSV file `path`, checks
/// that its header is the one this model writes, and returns the ids of the remaining rows. A file
/// cut inside its header is emptied (the writer then writes the header again).
pub fn repair_and_read_ids(path: &Path, labels: &[String]) -> Result<HashSet<String>> {
    let bytes = cut_unfinished_line(path)?;
    if bytes.is_empty() {
        return Ok(HashSet::new());
    }
    let record_error = |line: usize, message: String| Error::Record {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes.as_slice());
    let header = reader
        .headers()
        .map_err(|e| record_error(1, format!("cannot resume: {e}")))?
        .clone();
    let expected = flat_columns(labels);
    if bytes.first() == Some(&b'{') {
        return Err(record_error(
            1,
            "cannot resume with --format csv: this file starts like JSONL (`{`); resume it \
             with --format jsonl, or write the CSV to another file"
                .to_string(),
        ));
    }
    if header.iter().ne(expected.iter().map(String::as_str)) {
        return Err(record_error(
            1,
            format!(
                "cannot resume: the header is `{}`, this model writes `{}` (another model, or \
                 not a `stance predict --format csv` file?)",
                crate::data::excerpt(&header.iter().collect::<Vec<_>>().join(","), 200),
                expected.join(",")
            ),
        ));
    }
    // (id, byte offset of the row) for every row, in file order.
    let mut rows: Vec<(String, u64)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            record_error(line, format!("cannot resume: {e}"))
        })?;
        let offset = record.position().map_or(0, |p| p.byte());
        rows.push((record.get(0).unwrap_or_default().to_string(), offset));
    }
    if let Some((last, _)) = rows.last().cloned() {
        let first_of_last = rows
            .iter()
            .rposition(|(id, _)| *id != last)
            .map_or(0, |i| i + 1);
        let cut = rows[first_of_last].1;
        rows.truncate(first_of_last);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        file.set_len(cut).map_err(|e| Error::io(path, e))?;
    }
    Ok(rows
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| !id.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        vec!["FAVOR".to_string(), "AGAINST".into(), "NONE".into()]
    }

    #[test]
    fn resume_cuts_an_unfinished_row_and_checks_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let header = flat_columns(&labels()).join(",");
        let a = "a,t,X,,false,true,FAVOR,0.5,0.25,0.25,1;2,\n\
                 a,t,Y,,false,true,NONE,0.1,0.1,0.8,,\n";
        let b = "b,t,X,,false,true,FAVOR,0.5,0.25,0.25,1;2,\n\
                 b,t,Z,,fa";
        std::fs::write(&path, format!("{header}\n{a}{b}")).unwrap();
        // b's second row is cut off: its first is removed too, and b is done again.
        let ids = repair_and_read_ids(&path, &labels()).unwrap();
        assert_eq!(ids, ["a".to_string()].into_iter().collect());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{header}\n{a}")
        );

        let other = vec!["PRO".to_string(), "CON".into()];
        let err = repair_and_read_ids(&path, &other).unwrap_err().to_string();
        assert!(err.contains("out.csv:1: cannot resume"), "{err}");
    }

    #[test]
    fn fields_stay_on_one_line() {
        assert_eq!(one_line("a\r\nb\nc"), "a  b c");
    }
}
