//! The two record shapes of `stance` data files (see datasets/README.md) and their validation.
//!
//! - example level: `{"id", "topic", "text", "actor"?, "label"}`, one stance per line;
//! - article level: `{"id", "topic", "text", "actors": [{"name", "aliases"?, "stance"}]}`.
//!
//! Unknown fields are allowed (datasets carry metadata); missing, empty, oversized or mislabelled
//! fields are errors naming the field.

use serde::{Deserialize, Serialize};

/// Longest text accepted in a record (1 MiB, a few hundred pages of news).
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// One labelled example: the stance of `actor` (or of the text's author) toward `topic`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// Identifier, unique within a file.
    pub id: String,
    /// What the stance is about.
    pub topic: String,
    /// The text (for article-derived examples: the actor's context).
    pub text: String,
    /// Whose stance; absent when it is the text's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The stance label.
    pub label: String,
}

/// An actor of an article with its stance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorStance {
    /// Canonical name.
    pub name: String,
    /// Other ways the article refers to the actor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The actor's stance toward the article's topic.
    pub stance: String,
    /// Indices of the sentences that show the stance (in `text.split('\n')` for imported
    /// SEESAW data), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<usize>>,
    /// The passage that shows the stance (for NONE: one that mentions the actor), verbatim from
    /// the article, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_text: Option<String>,
}

/// An article with the stances of its actors toward one topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// Identifier, unique within a file.
    pub id: String,
    /// What the stances are about.
    pub topic: String,
    /// The article.
    pub text: String,
    /// Publication date (YYYY-MM-DD), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The actors and their stances.
    pub actors: Vec<ActorStance>,
}

/// A validated line of a data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// Example level.
    Example(Example),
    /// Article level.
    Article(Article),
}

/// A line as it may appear, before validation.
#[derive(Debug, Deserialize)]
pub struct RawRecord {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    topic: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    actors: Option<Vec<RawActor>>,
}

#[derive(Debug, Deserialize)]
struct RawActor {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    stance: Option<String>,
    #[serde(default)]
    evidence: Option<Vec<usize>>,
    #[serde(default)]
    evidence_sentence_ids: Option<Vec<usize>>,
    #[serde(default)]
    evidence_text: Option<String>,
}

/// Checks `label` against `labels` (case-insensitive), returning the canonical spelling.
pub fn canonical_label(label: &str, labels: &[String], field: &str) -> Result<String, String> {
    let wanted = label.trim();
    labels
        .iter()
        .find(|l| l.eq_ignore_ascii_case(wanted))
        .cloned()
        .ok_or_else(|| {
            format!(
                "field `{field}`: unknown label `{wanted}` (expected one of {})",
                labels.join(", ")
            )
        })
}

/// A record's `id`: a non-empty string or an integer, kept exactly as written; `fallback` when
/// absent or null.
///
/// Ids of the form `line:N` are reserved: they name lines without an id (and the error records
/// of invalid lines), so an explicit one could collide with them. Numbers that are not integers
/// or do not fit 64 bits are refused rather than rounded (JSON readers keep them as floats).
///
/// ```
/// use stance::data::schema::record_id;
/// assert_eq!(record_id(Some(serde_json::json!("a-1")), "line:3").unwrap(), "a-1");
/// assert_eq!(record_id(Some(serde_json::json!(12)), "line:3").unwrap(), "12");
/// assert_eq!(record_id(None, "line:3").unwrap(), "line:3");
/// assert!(record_id(Some(serde_json::json!("line:2")), "line:3").is_err());
/// assert!(record_id(Some(serde_json::json!(1.5)), "line:3").is_err());
/// ```
pub fn record_id(id: Option<serde_json::Value>, fallback: &str) -> Result<String, String> {
    id_text(id, fallback, true)
}

/// The `id` of a record that `stance` wrote (predictions, error records): as [`record_id`], but
/// `line:N` is accepted, since `stance` itself gives those ids.
pub fn written_id(id: Option<serde_json::Value>, fallback: &str) -> Result<String, String> {
    id_text(id, fallback, false)
}

fn id_text(
    id: Option<serde_json::Value>,
    fallback: &str,
    reserve_line_ids: bool,
) -> Result<String, String> {
    match id {
        None | Some(serde_json::Value::Null) => Ok(fallback.to_string()),
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
            if reserve_line_ids && is_line_id(&s) {
                Err(format!(
                    "field `id`: `{s}` is reserved (ids of the form line:N name lines without \
                     an id); choose another id"
                ))
            } else {
                Ok(s)
            }
        }
        Some(serde_json::Value::String(_)) => Err("field `id` is empty".to_string()),
        Some(serde_json::Value::Number(n)) if n.is_u64() || n.is_i64() => Ok(n.to_string()),
        Some(serde_json::Value::Number(n)) => Err(format!(
            "field `id`: {n} is not an integer that fits 64 bits, so it cannot be kept exactly; \
             write the id as a string"
        )),
        Some(other) => Err(format!(
            "field `id`: expected a string or an integer, found {}",
            json_kind(&other)
        )),
    }
}

/// Whether `id` has the reserved form `line:N`.
pub fn is_line_id(id: &str) -> bool {
    id.strip_prefix("line:")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A JSON value's kind, for messages ("a string", "an array", ...).
pub fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A required text field: present, not blank, at most [`MAX_TEXT_BYTES`].
pub fn required_text(value: Option<String>, field: &str) -> Result<String, String> {
    let value = value.ok_or_else(|| format!("missing field `{field}`"))?;
    if value.trim().is_empty() {
        return Err(format!("field `{field}` is empty"));
    }
    if value.len() > MAX_TEXT_BYTES {
        return Err(format!(
            "field `{field}` is {} bytes; the limit is {} bytes",
            value.len(),
            MAX_TEXT_BYTES
        ));
    }
    Ok(value)
}

impl RawRecord {
    /// Validates the line against `labels`; `fallback_id` is used when the line has no `id`.
    pub fn validate(self, labels: &[String], fallback_id: &str) -> Result<Record, String> {
        let id = record_id(self.id, fallback_id)?;
        let topic = required_text(self.topic, "topic")?;
        let text = required_text(self.text, "text")?;
        match (self.label, self.actors) {
            (Some(label), None) => Ok(Record::Example(Example {
                id,
                topic,
                text,
                actor: self.actor.filter(|a| !a.trim().is_empty()),
                label: canonical_label(&label, labels, "label")?,
            })),
            (None, Some(actors)) => {
                if actors.is_empty() {
                    return Err("field `actors` is empty".to_string());
                }
                let actors = actors
                    .into_iter()
                    .enumerate()
                    .map(|(i, actor)| {
                        let field = |f: &str| format!("actors[{i}].{f}");
                        let name = required_text(actor.name, &field("name"))?;
                        let stance = actor
                            .stance
                            .ok_or_else(|| format!("missing field `{}`", field("stance")))?;
                        Ok(ActorStance {
                            name,
                            aliases: actor.aliases,
                            stance: canonical_label(&stance, labels, &field("stance"))?,
                            evidence: actor.evidence.or(actor.evidence_sentence_ids),
                            evidence_text: actor.evidence_text.filter(|t| !t.trim().is_empty()),
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(Record::Article(Article {
                    id,
                    topic,
                    text,
                    date: self.date,
                    actors,
                }))
            }
            (Some(_), Some(_)) => Err(
                "has both `label` and `actors`; a line is one example or one article".to_string(),
            ),
            (None, None) => {
                Err("missing field `label` (example) or `actors` (article)".to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        ["FAVOR", "AGAINST", "NONE"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn validate(json: &str) -> Result<Record, String> {
        serde_json::from_str::<RawRecord>(json)
            .unwrap()
            .validate(&labels(), "f:1")
    }

    #[test]
    fn examples_and_articles_are_recognised() {
        let example =
            validate(r#"{"id": 3, "topic": "t", "text": "x", "label": "against", "extra": 1}"#)
                .unwrap();
        let Record::Example(example) = example else {
            panic!()
        };
        assert_eq!(
            (example.id.as_str(), example.label.as_str()),
            ("3", "AGAINST")
        );
        let article = validate(
            r#"{"topic": "t", "text": "x", "actors": [{"name": "A", "aliases": ["a"], "stance": "NONE"}]}"#,
        )
        .unwrap();
        let Record::Article(article) = article else {
            panic!()
        };
        assert_eq!(article.id, "f:1");
        assert_eq!(article.actors[0].aliases, ["a"]);
    }

    #[test]
    fn bad_records_name_the_field() {
        let cases = [
            (
                r#"{"topic": "t", "label": "FAVOR"}"#,
                "missing field `text`",
            ),
            (
                r#"{"topic": " ", "text": "x", "label": "FAVOR"}"#,
                "field `topic` is empty",
            ),
            (
                r#"{"topic": "t", "text": "x", "label": "FAVOUR"}"#,
                "unknown label `FAVOUR`",
            ),
            (r#"{"topic": "t", "text": "x"}"#, "missing field `label`"),
            (
                r#"{"topic": "t", "text": "x", "actors": [{"name": "A"}]}"#,
                "actors[0].stance",
            ),
            (
                r#"{"topic": "t", "text": "x", "actors": []}"#,
                "`actors` is empty",
            ),
            (
                r#"{"id": [1], "topic": "t", "text": "x", "label": "NONE"}"#,
                "field `id`",
            ),
        ];
        for (json, expected) in cases {
            let err = validate(json).unwrap_err();
            assert!(err.contains(expected), "{json}: {err}");
        }
        let huge = format!(
            r#"{{"topic": "t", "text": "{}", "label": "NONE"}}"#,
            "a".repeat(MAX_TEXT_BYTES + 1)
        );
        assert!(validate(&huge).unwrap_err().contains("the limit is"));
    }
}
