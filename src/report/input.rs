//! Reading the report's inputs: the records `stance predict` writes (JSONL, one article per
//! line, error records from `--skip-invalid` among them) and, optionally, the articles they were
//! made from (for the text and the date), joined by id.
//!
//! Every problem names the file, the line and the field.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::data::jsonl::JsonlReader;
use crate::data::schema::{json_kind, written_id};
use crate::error::{Error, Result};
use crate::predict::article::RawArticle;

/// One evidence sentence of an actor.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EvidenceInput {
    /// Index of the sentence in the article (as `stance` splits it).
    pub sentence: usize,
    /// The sentence.
    pub text: String,
}

/// One actor's prediction as `stance predict` writes it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ActorInput {
    /// The actor's name.
    pub name: String,
    /// Other forms merged into the actor.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Whether the actor was found by discovery.
    #[serde(default)]
    pub discovered: bool,
    /// The predicted label.
    pub stance: String,
    /// Each label's probability.
    pub probabilities: BTreeMap<String, f64>,
    /// Whether the article mentions the actor.
    #[serde(default = "yes")]
    pub mentioned: bool,
    /// The sentences the model read for the actor.
    #[serde(default)]
    pub evidence: Vec<EvidenceInput>,
}

fn yes() -> bool {
    true
}

/// One article's predictions.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionInput {
    /// The article's id.
    pub id: String,
    /// The topic.
    pub topic: String,
    /// Its actors.
    pub actors: Vec<ActorInput>,
}

/// The predictions file, read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Predictions {
    /// The article records, in file order.
    pub articles: Vec<PredictionInput>,
    /// Error records (`{"id", "error"}`) skipped.
    pub errors: usize,
    /// The first error record's message, to show what went wrong.
    pub first_error: Option<String>,
}

/// What the report uses of an input article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleText {
    /// The article.
    pub text: String,
    /// Its date (`YYYY-MM-DD`), when given.
    pub date: Option<String>,
}

/// Reads the records of `stance predict` from `path` (`-` for standard input).
pub fn read_predictions(path: &Path) -> Result<Predictions> {
    let mut predictions = Predictions::default();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for item in JsonlReader::<Value>::open(path)? {
        let (line, value) = item?;
        let error = |message: String| Error::Record {
            path: path.to_path_buf(),
            line,
            message,
        };
        let Value::Object(mut record) = value else {
            return Err(error("expected a JSON object".to_string()));
        };
        let id = written_id(record.remove("id"), "").map_err(&error)?;
        if id.is_empty() {
            return Err(error("missing field `id`".to_string()));
        }
        if let Some(message) = record.get("error") {
            predictions.errors += 1;
            if predictions.first_error.is_none() {
                predictions.first_error = Some(match message {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
            }
            continue;
        }
        if let Some(first) = first_line.insert(id.clone(), line) {
            return Err(error(format!(
                "field `id`: `{id}` occurs twice (first on line {first})"
            )));
        }
        let topic = match record.remove("topic") {
            Some(Value::String(topic)) if !topic.trim().is_empty() => topic,
            Some(Value::String(_)) => return Err(error("field `topic` is empty".to_string())),
            Some(_) => return Err(error("field `topic`: expected a string".to_string())),
            None => return Err(error("missing field `topic`".to_string())),
        };
        let actors = match record.remove("actors") {
            Some(Value::Array(actors)) => actors,
            Some(_) => return Err(error("field `actors`: expected an array".to_string())),
            None => return Err(error("missing field `actors`".to_string())),
        };
        let actors = actors
            .into_iter()
            .enumerate()
            .map(|(index, value)| {
                let actor: ActorInput = serde_json::from_value(value)
                    .map_err(|e| error(format!("field `actors[{index}]`: {e}")))?;
                check_actor(&actor).map_err(|m| error(format!("field `actors[{index}]`.{m}")))?;
                Ok(actor)
            })
            .collect::<Result<Vec<_>>>()?;
        predictions
            .articles
            .push(PredictionInput { id, topic, actors });
    }
    Ok(predictions)
}

/// What is wrong with an actor record, as `field`: problem.
fn check_actor(actor: &ActorInput) -> Result<(), String> {
    if actor.name.trim().is_empty() {
        return Err("`name` is empty".to_string());
    }
    if actor.stance.trim().is_empty() {
        return Err("`stance` is empty".to_string());
    }
    if actor.probabilities.is_empty() {
        return Err("`probabilities` is empty".to_string());
    }
    for (label, p) in &actor.probabilities {
        if !(p.is_finite() && (0.0..=1.0).contains(p)) {
            return Err(format!("`probabilities.{label}`: {p} is not a probability"));
        }
    }
    Ok(())
}

/// What the articles file gave the report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleTexts {
    /// Text and date of each wanted article, by id.
    pub texts: HashMap<String, ArticleText>,
    /// Invalid lines skipped (with `skip_invalid`).
    pub skipped: usize,
    /// The first skipped line's problem (`FILE:LINE: …`).
    pub first_skipped: Option<String>,
    /// Articles whose `date` is not a date, each as `FILE:LINE: …`: they are shown undated.
    pub bad_dates: Vec<String>,
}

/// Reads the articles of `path` (the input of `stance predict`) whose ids are `wanted`, for their
/// text and date. Each line is read and checked exactly as `stance predict` reads it, so a file
/// that predict accepted is accepted here: an invalid line is an error, or with `skip_invalid`
/// (predict's `--skip-invalid`) skipped and counted. A `date` that is not a date is not fatal:
/// the article is shown without one and the problem is listed in [`ArticleTexts::bad_dates`].
pub fn read_articles(
    path: &Path,
    wanted: &dyn Fn(&str) -> bool,
    skip_invalid: bool,
) -> Result<ArticleTexts> {
    let mut read = ArticleTexts::default();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for item in JsonlReader::<Value>::open(path)? {
        let parsed = item.and_then(|(line, value)| {
            let error = |message: String| Error::Record {
                path: path.to_path_buf(),
                line,
                message,
            };
            let date = match &value {
                Value::Object(record) => record.get("date").cloned(),
                _ => None,
            };
            let article = RawArticle::from_json(value)
                .and_then(|raw| raw.validate(line))
                .map_err(&error)?;
            if let Some(first) = first_line.insert(article.id.clone(), line) {
                return Err(error(format!(
                    "field `id`: `{}` occurs twice (first on line {first})",
                    article.id
                )));
            }
            let date = match date {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(date)) => parse_date(&date).map(Some),
                Some(other) => Err(format!(
                    "field `date`: expected a string, found {}",
                    json_kind(&other)
                )),
            };
            Ok((line, article, date))
        });
        let (line, article, date) = match parsed {
            Ok(parsed) => parsed,
            Err(error @ Error::Record { .. }) if skip_invalid => {
                read.skipped += 1;
                if read.first_skipped.is_none() {
                    read.first_skipped = Some(error.to_string());
                }
                continue;
            }
            Err(error) => return Err(error),
        };
        if !wanted(&article.id) {
            continue;
        }
        let date = date.unwrap_or_else(|problem| {
            read.bad_dates.push(format!(
                "{}:{line}: {problem}; the article is shown without a date",
                path.display()
            ));
            None
        });
        read.texts.insert(
            article.id,
            ArticleText {
                text: article.text,
                date,
            },
        );
    }
    Ok(read)
}

/// `YYYY-MM-DD`, optionally followed by a time (`2017-10-04T09:30:00Z`), as `YYYY-MM-DD`.
pub fn parse_date(date: &str) -> Result<String, String> {
    let bad = || format!("field `date`: `{date}` is not a YYYY-MM-DD date");
    let day = date.trim().get(..10).ok_or_else(bad)?;
    let rest = &date.trim()[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return Err(bad());
    }
    let parts: Vec<&str> = day.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(bad());
    }
    let (month, dom): (u32, u32) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&dom) {
        return Err(bad());
    }
    Ok(day.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.jsonl");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn predictions_are_read_and_error_records_counted() {
        let (_dir, path) = write(concat!(
            r#"{"id": "a", "topic": "t", "actors": [{"name": "X", "stance": "FAVOR", "#,
            r#""probabilities": {"FAVOR": 0.9, "AGAINST": 0.1}, "evidence": [{"sentence": 2, "text": "s"}]}]}"#,
            "\n",
            r#"{"id": "line:2", "error": "p.jsonl:2: missing field `text`"}"#,
            "\n"
        ));
        let read = read_predictions(&path).unwrap();
        assert_eq!(read.articles.len(), 1);
        assert_eq!(read.articles[0].actors[0].evidence[0].sentence, 2);
        assert_eq!(read.errors, 1);
        assert!(read.first_error.unwrap().contains("missing field"));
    }

    #[test]
    fn problems_name_line_and_field() {
        let cases = [
            (r#"{"id": "a", "actors": []}"#, "missing field `topic`"),
            (
                r#"{"id": "a", "topic": "t", "actors": [{"name": "X", "probabilities": {"A": 1}}]}"#,
                "actors[0]",
            ),
            (
                r#"{"id": "a", "topic": "t", "actors": [{"name": "X", "stance": "A", "probabilities": {"A": 7}}]}"#,
                "probabilities.A",
            ),
            ("[1]", "expected a JSON object"),
        ];
        for (line, needle) in cases {
            let (_dir, path) = write(&format!("\n{line}\n"));
            let err = read_predictions(&path).unwrap_err().to_string();
            assert!(err.contains("p.jsonl:2: ") && err.contains(needle), "{err}");
        }
        let twice = "{\"id\": \"a\", \"topic\": \"t\", \"actors\": []}\n".repeat(2);
        let (_dir, path) = write(&twice);
        let err = read_predictions(&path).unwrap_err().to_string();
        assert!(
            err.contains("p.jsonl:2: field `id`: `a` occurs twice"),
            "{err}"
        );
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(parse_date("2017-10-04").unwrap(), "2017-10-04");
        assert_eq!(parse_date("2017-10-04T09:30:00Z").unwrap(), "2017-10-04");
        for bad in ["04/10/2017", "2017-13-01", "2017-1-04", "", "2017-10-04x"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
