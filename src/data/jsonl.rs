//! Streaming JSONL: one record per line, read lazily, errors as `file:line: what is wrong`.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Longest line accepted (64 MiB): a larger one is almost certainly not a record.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// Iterator over the records of a JSONL file or stream; blank lines are skipped.
pub struct JsonlReader<T> {
    path: PathBuf,
    reader: Box<dyn BufRead>,
    line: usize,
    buffer: Vec<u8>,
    _record: PhantomData<T>,
}

impl<T: DeserializeOwned> JsonlReader<T> {
    /// Opens `path`; `-` reads standard input.
    pub fn open(path: &Path) -> Result<Self> {
        let reader: Box<dyn Read> = if path == Path::new("-") {
            Box::new(std::io::stdin())
        } else {
            Box::new(File::open(path).map_err(|e| Error::io(path, e))?)
        };
        Ok(Self::from_reader(path, reader))
    }

    /// Reads records from `reader`; `path` names it in errors.
    pub fn from_reader(path: &Path, reader: impl Read + 'static) -> Self {
        JsonlReader {
            path: path.to_path_buf(),
            reader: Box::new(BufReader::with_capacity(1 << 16, reader)),
            line: 0,
            buffer: Vec::new(),
            _record: PhantomData,
        }
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::Record {
            path: self.path.clone(),
            line: self.line,
            message: message.into(),
        }
    }
}

impl<T: DeserializeOwned> Iterator for JsonlReader<T> {
    /// The 1-based line number and the record.
    type Item = Result<(usize, T)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buffer.clear();
            self.line += 1;
            let limit = (MAX_LINE_BYTES + 1) as u64;
            let read = (&mut self.reader)
                .take(limit)
                .read_until(b'\n', &mut self.buffer);
            match read {
                Err(e) => return Some(Err(Error::io(&self.path, e))),
                Ok(0) => return None,
                Ok(_) => {}
            }
            if self.buffer.len() > MAX_LINE_BYTES {
                // Skip the rest of the line, so that the next record starts at the next line.
                if self.buffer.last() != Some(&b'\n') {
                    let mut sink = Vec::new();
                    loop {
                        sink.clear();
                        match (&mut self.reader)
                            .take(1 << 20)
                            .read_until(b'\n', &mut sink)
                        {
                            Ok(0) => break,
                            Ok(_) if sink.last() == Some(&b'\n') => break,
                            Ok(_) => {}
                            Err(e) => return Some(Err(Error::io(&self.path, e))),
                        }
                    }
                }
                return Some(Err(
                    self.error(format!("line longer than {} MiB", MAX_LINE_BYTES >> 20))
                ));
            }
            let text = match std::str::from_utf8(&self.buffer) {
                Ok(text) => text,
                Err(e) => {
                    return Some(Err(self.error(format!(
                        "not UTF-8 (invalid byte at column {})",
                        e.valid_up_to() + 1
                    ))))
                }
            };
            if text.trim().is_empty() {
                continue;
            }
            return Some(
                serde_json::from_str::<T>(text)
                    .map(|record| (self.line, record))
                    .map_err(|e| self.error(describe_json_error(&e))),
            );
        }
    }
}

/// serde's message without its own "at line 1 column N" (the line is ours; the column stays).
fn describe_json_error(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    format!("{message} (column {})", error.column())
}

/// Writes a whole output file (a converted dataset): its folder is created if needed, and the
/// bytes go through a temporary file renamed into place, so a failed run leaves nothing behind.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    crate::model::folder::write_atomically(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Row {
        topic: String,
    }

    fn read(text: &'static str) -> Vec<Result<(usize, Row)>> {
        JsonlReader::from_reader(Path::new("x.jsonl"), text.as_bytes()).collect()
    }

    #[test]
    fn records_come_with_line_numbers_and_blank_lines_are_skipped() {
        let rows = read("{\"topic\":\"a\"}\n\n{\"topic\":\"b\"}");
        let rows: Vec<(usize, Row)> = rows.into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(rows[0].0, 1);
        assert_eq!(rows[1], (3, Row { topic: "b".into() }));
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let rows = read("{\"topic\":\"a\"}\n{\"title\":\"b\"}\n{oops\n");
        let second = rows[1].as_ref().unwrap_err().to_string();
        assert!(second.starts_with("x.jsonl:2: "), "{second}");
        assert!(second.contains("`title`"), "{second}");
        let third = rows[2].as_ref().unwrap_err().to_string();
        assert!(third.starts_with("x.jsonl:3: "), "{third}");
    }

    #[test]
    fn non_utf8_is_reported_not_skipped() {
        let rows: Vec<Result<(usize, Row)>> =
            JsonlReader::from_reader(Path::new("x.jsonl"), &b"{\"topic\":\"\xff\"}\n"[..])
                .collect();
        let err = rows[0].as_ref().unwrap_err().to_string();
        assert!(err.contains("x.jsonl:1: not UTF-8"), "{err}");
    }
}
