//! Input articles of `stance predict`: `{"id", "text", "topic", "actors"?}` where `actors` holds
//! names or `{"name", "aliases"}` objects. Other fields (dates, gold stances) are ignored.

use serde::Deserialize;

use crate::data::schema::{json_kind, record_id, required_text};

/// An actor named by the user.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum RawGivenActor {
    Name(String),
    Full {
        name: String,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

/// An input line before validation.
#[derive(Debug, Deserialize)]
pub struct RawArticle {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    topic: Option<String>,
    #[serde(default)]
    actors: Option<Vec<serde_json::Value>>,
}

/// An actor given with the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenActor {
    /// The name to report.
    pub name: String,
    /// Other ways the article refers to it.
    pub aliases: Vec<String>,
}

/// A validated input article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleInput {
    /// Identifier (the line's `id`, or `line:N`).
    pub id: String,
    /// The topic stances are about.
    pub topic: String,
    /// The article.
    pub text: String,
    /// The actors to label; empty means "find them".
    pub actors: Vec<GivenActor>,
}

impl RawArticle {
    /// Reads one input line's JSON value; the error names the field that has the wrong type.
    pub fn from_json(value: serde_json::Value) -> Result<RawArticle, String> {
        if !value.is_object() {
            return Err(format!(
                "expected a JSON object (an article with `text` and `topic`), found {}",
                json_kind(&value)
            ));
        }
        crate::data::jsonl::from_value_named(value)
    }

    /// Checks the line; `line` names it when it has no id.
    pub fn validate(self, line: usize) -> Result<ArticleInput, String> {
        let id = record_id(self.id, &format!("line:{line}"))?;
        let text = required_text(self.text, "text")?;
        let topic = required_text(self.topic, "topic")?;
        let mut actors = Vec::new();
        for (index, value) in self.actors.unwrap_or_default().into_iter().enumerate() {
            let actor: RawGivenActor = serde_json::from_value(value).map_err(|_| {
                format!(
                    "field `actors[{index}]`: expected a name or an object with `name` (and \
                     `aliases`)"
                )
            })?;
            let (name, aliases) = match actor {
                RawGivenActor::Name(name) => (name, Vec::new()),
                RawGivenActor::Full { name, aliases } => (name, aliases),
            };
            if name.trim().is_empty() {
                return Err(format!("field `actors[{index}].name` is empty"));
            }
            actors.push(GivenActor {
                name: name.trim().to_string(),
                aliases: aliases
                    .into_iter()
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect(),
            });
        }
        Ok(ArticleInput {
            id,
            topic: topic.trim().to_string(),
            text,
            actors,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<ArticleInput, String> {
        serde_json::from_str::<RawArticle>(json)
            .unwrap()
            .validate(7)
    }

    #[test]
    fn actors_as_names_or_objects_and_errors_name_fields() {
        let a = parse(r#"{"text": "t", "topic": "x", "actors": ["Turkey", {"name": "KRG", "aliases": ["Erbil"]}], "stance": 1}"#).unwrap();
        assert_eq!(a.id, "line:7");
        assert_eq!(a.actors[1].aliases, ["Erbil"]);
        assert!(parse(r#"{"text": "t"}"#).unwrap_err().contains("`topic`"));
        assert!(parse(r#"{"text": " ", "topic": "x"}"#)
            .unwrap_err()
            .contains("`text` is empty"));
        assert!(parse(r#"{"text": "t", "topic": "x", "actors": [3]}"#)
            .unwrap_err()
            .contains("actors[0]"));
    }
}
