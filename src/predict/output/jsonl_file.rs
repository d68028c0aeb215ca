//! JSONL output: one nested record per article, appended a chunk at a time; resuming cuts off an
//! unfinished last line and reads the ids already written.

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::{ErrorRecord, RecordWriter};
use crate::error::{Error, Result};
use crate::predict::pipeline::ArticlePrediction;

/// Appends JSON lines to a file or standard output.
pub struct JsonlWriter {
    out: Box<dyn Write>,
    name: PathBuf,
}

impl JsonlWriter {
    /// Writes to `out`; `name` names it in errors.
    pub fn new(out: Box<dyn Write>, name: PathBuf) -> Self {
        JsonlWriter { out, name }
    }
}

impl RecordWriter for JsonlWriter {
    fn write_chunk(
        &mut self,
        predictions: &[ArticlePrediction],
        errors: &[ErrorRecord],
    ) -> Result<()> {
        // The chunk is serialised first and written with one call, so that a kill leaves at
        // most one unfinished line.
        let mut buffer = Vec::new();
        for prediction in predictions {
            serde_json::to_writer(&mut buffer, prediction)
                .map_err(|e| Error::InvalidInput(e.to_string()))?;
            buffer.push(b'\n');
        }
        for error in errors {
            let record = serde_json::json!({"id": error.id, "error": error.message});
            buffer.extend_from_slice(record.to_string().as_bytes());
            buffer.push(b'\n');
        }
        let name = &self.name;
        self.out
            .write_all(&buffer)
            .map_err(|e| Error::io(name, e))?;
        self.out.flush().map_err(|e| Error::io(name, e))
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(&self.name, e))
    }
}

/// Cuts an unfinished last line off `path` and returns the complete part of the file.
pub(super) fn cut_unfinished_line(path: &Path) -> Result<Vec<u8>> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    if complete < bytes.len() {
        file.set_len(complete as u64)
            .map_err(|e| Error::io(path, e))?;
        bytes.truncate(complete);
    }
    Ok(bytes)
}

/// Cuts an unfinished last line off `path` and returns the ids of its records.
pub fn repair_and_read_ids(path: &Path) -> Result<HashSet<String>> {
    let bytes = cut_unfinished_line(path)?;
    let mut ids = HashSet::new();
    for (number, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: serde_json::Value = serde_json::from_slice(line).map_err(|e| Error::Record {
            path: path.to_path_buf(),
            line: number + 1,
            message: format!("cannot resume: the output has an invalid line: {e}"),
        })?;
        match value.get("id").and_then(|v| v.as_str()) {
            Some(id) => {
                ids.insert(id.to_string());
            }
            None => {
                return Err(Error::Record {
                    path: path.to_path_buf(),
                    line: number + 1,
                    message: "cannot resume: a record without `id`".to_string(),
                })
            }
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_cuts_an_unfinished_line_and_reads_ids() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\",\"act").unwrap();
        let ids = repair_and_read_ids(&path).unwrap();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains("a") && ids.contains("b"));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"id\":\"a\"}\n{\"id\":\"b\"}\n"
        );
    }
}
