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
                // A byte-order mark that some editors put at the start of a UTF-8 file.
                Ok(text) if self.line == 1 => text.strip_prefix('\u{feff}').unwrap_or(text),
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
                parse_record(text)
                    .map(|record| (self.line, record))
                    .map_err(|m| self.error(m)),
            );
        }
    }
}

/// One line's record: valid JSON with no key given twice in an object, then `T`, with the field
/// named in a type error.
fn parse_record<T: DeserializeOwned>(text: &str) -> std::result::Result<T, String> {
    let text = text.trim_end_matches(['\n', '\r']);
    let value = serde_json::from_str::<UniqueKeys>(text).map_err(|e| describe_json_error(&e))?;
    from_value_named(value.0)
}

/// serde's message without its own "at line 1 column N" (the line is ours; the column stays).
fn describe_json_error(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    if error.classify() == serde_json::error::Category::Eof {
        format!(
            "{message}: the line ends before the JSON value does (an unterminated string, object \
             or array?)"
        )
    } else {
        format!("{message} (column {})", error.column())
    }
}

/// A JSON value read with every object checked for keys given twice (serde_json keeps the last
/// silently, which would hide a mistake such as two `text` fields).
struct UniqueKeys(serde_json::Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(UniqueKeysVisitor).map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_none<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "key `{key}` is given twice in one object"
                )));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

/// Converts a JSON value to `T`; a type error names the field it is in
/// (`field \`actors[0].name\`: invalid type: integer \`5\`, expected a string`).
pub fn from_value_named<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| named(e.path(), e.inner().to_string()))
}

fn named(path: &serde_path_to_error::Path, message: String) -> String {
    // serde names the Rust type it wanted ("expected struct RawArticle"); say what the file
    // should hold instead.
    let message = match message.find("expected struct ") {
        Some(at) => format!("{}expected a JSON object", &message[..at]),
        None => message,
    };
    let path = path.to_string();
    if path.is_empty() || path == "." {
        message
    } else {
        format!("field `{path}`: {message}")
    }
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
    fn a_byte_order_mark_at_the_start_is_accepted() {
        let rows = read("\u{feff}{\"topic\":\"a\"}\n{\"topic\":\"b\"}\n");
        assert_eq!(rows[0].as_ref().unwrap().1, Row { topic: "a".into() });
        // Only at the start of the file: elsewhere it is not JSON.
        assert!(read("{\"topic\":\"a\"}\n\u{feff}{\"topic\":\"b\"}\n")[1].is_err());
    }

    #[test]
    fn a_key_given_twice_is_refused() {
        let rows = read("{\"topic\":\"a\",\"topic\":\"b\"}\n");
        let err = rows[0].as_ref().unwrap_err().to_string();
        assert!(
            err.contains("x.jsonl:1: key `topic` is given twice"),
            "{err}"
        );
        let nested: Vec<Result<(usize, serde_json::Value)>> = JsonlReader::from_reader(
            Path::new("x.jsonl"),
            "{\"a\":[{\"b\":1,\"b\":2}]}\n".as_bytes(),
        )
        .collect();
        assert!(nested[0].is_err());
    }

    #[test]
    fn an_unterminated_line_says_so_and_wrong_types_name_the_field() {
        let err = read("{\"topic\":\"a\n")[0]
            .as_ref()
            .unwrap_err()
            .to_string();
        assert!(err.contains("unterminated"), "{err}");
        assert!(!err.contains("column 0"), "{err}");
        let err = read("{\"topic\":5}\n")[0].as_ref().unwrap_err().to_string();
        assert!(err.contains("field `topic`"), "{err}");
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
