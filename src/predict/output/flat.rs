//! The flat view of predictions shared by the CSV and Parquet outputs: one row per (article,
//! actor), so that a table tool can filter and group without unnesting.
//!
//! An article without actors still gets one row (actor fields empty), so that every input id
//! appears in the output and a resumed run knows the article is done. An invalid input line
//! kept with `--skip-invalid` becomes a row with its `line:N` id and the `error` column set.

use super::ErrorRecord;
use crate::predict::pipeline::{ActorPrediction, ArticlePrediction};

/// One row of the flat output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlatRow<'a> {
    /// The article's id (`line:N` for an invalid line).
    pub id: &'a str,
    /// The topic (`None` for an invalid line).
    pub topic: Option<&'a str>,
    /// The actor (`None` for an article without actors and for an invalid line).
    pub actor: Option<&'a ActorPrediction>,
    /// What is wrong with an invalid line.
    pub error: Option<&'a str>,
}

impl FlatRow<'_> {
    /// The probability of each of `labels`, in order (`None` without an actor).
    pub fn probabilities(&self, labels: &[String]) -> Vec<Option<f32>> {
        labels
            .iter()
            .map(|label| self.actor.and_then(|a| a.probabilities.get(label)).copied())
            .collect()
    }

    /// The evidence sentence indices.
    pub fn evidence(&self) -> Vec<usize> {
        self.actor
            .map(|a| a.evidence.iter().map(|e| e.sentence).collect())
            .unwrap_or_default()
    }
}

/// The rows of a chunk: its articles' actors in order, then its error records.
pub fn flat_rows<'a>(
    predictions: &'a [ArticlePrediction],
    errors: &'a [ErrorRecord],
) -> Vec<FlatRow<'a>> {
    let mut rows = Vec::new();
    for prediction in predictions {
        let row = |actor| FlatRow {
            id: &prediction.id,
            topic: Some(&prediction.topic),
            actor,
            error: None,
        };
        if prediction.actors.is_empty() {
            rows.push(row(None));
        }
        rows.extend(prediction.actors.iter().map(|a| row(Some(a))));
    }
    rows.extend(errors.iter().map(|e| FlatRow {
        id: &e.id,
        topic: None,
        actor: None,
        error: Some(&e.message),
    }));
    rows
}

/// The column names, in order, for a model with `labels`: `id, topic, actor, aliases,
/// discovered, mentioned, stance, p_<LABEL>…, evidence, error`.
pub fn flat_columns(labels: &[String]) -> Vec<String> {
    let mut columns: Vec<String> = [
        "id",
        "topic",
        "actor",
        "aliases",
        "discovered",
        "mentioned",
        "stance",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    columns.extend(labels.iter().map(|l| format!("p_{l}")));
    columns.push("evidence".to_string());
    columns.push("error".to_string());
    columns
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::predict::pipeline::Evidence;

    fn actor(name: &str) -> ActorPrediction {
        ActorPrediction {
            name: name.to_string(),
            aliases: vec![],
            discovered: false,
            stance: "FAVOR".to_string(),
            probabilities: [
                ("FAVOR".to_string(), 0.75f32),
                ("AGAINST".to_string(), 0.25),
            ]
            .into_iter()
            .collect(),
            mentioned: true,
            evidence: vec![Evidence {
                sentence: 3,
                text: "x".to_string(),
            }],
            evidence_score: None,
        }
    }

    #[test]
    fn one_row_per_actor_one_for_an_article_without_actors_and_one_per_error() {
        let predictions = vec![
            ArticlePrediction {
                id: "a".into(),
                topic: "t".into(),
                actors: vec![actor("X"), actor("Y")],
            },
            ArticlePrediction {
                id: "b".into(),
                topic: "t".into(),
                actors: vec![],
            },
        ];
        let errors = vec![ErrorRecord {
            id: "line:3".into(),
            message: "bad".into(),
        }];
        let rows = flat_rows(&predictions, &errors);
        let ids: Vec<&str> = rows.iter().map(|r| r.id).collect();
        assert_eq!(ids, ["a", "a", "b", "line:3"]);
        assert!(rows[2].actor.is_none() && rows[2].error.is_none());
        assert_eq!(rows[3].error, Some("bad"));
        let labels = vec!["FAVOR".to_string(), "AGAINST".into(), "NONE".into()];
        assert_eq!(
            rows[0].probabilities(&labels),
            [Some(0.75), Some(0.25), None]
        );
        assert_eq!(rows[1].evidence(), [3]);
        assert_eq!(flat_columns(&labels)[7], "p_FAVOR");
    }
}
