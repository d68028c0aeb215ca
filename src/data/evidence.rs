//! Labelled evidence as training and evaluation data:
//! - [`evidence_examples`]: one example-level record per labelled actor whose text is only the
//!   labelled evidence (`evidence_text`, or the sentences `evidence` points at), which measures
//!   the classifier apart from context selection;
//! - [`sentence_pairs`]: one record per (actor, sentence that mentions it), labelled
//!   [`EVIDENCE_LABEL`] when the sentence is part of the actor's labelled evidence for a FAVOR or
//!   AGAINST stance and [`OTHER_LABEL`] otherwise (every sentence of a NONE actor is OTHER): the
//!   training data of the evidence scorer (`crate::evidence`).

use std::path::Path;

use super::none_labels::NONE_LABEL;
use super::schema::{Article, Example};
use crate::error::Result;
use crate::text::mentions::{with_known_aliases, ActorMentions};
use crate::text::sentences::split_sentences;

/// The scorer's label of a sentence that shows the actor's stance on the topic.
pub const EVIDENCE_LABEL: &str = "EVIDENCE";
/// The scorer's label of any other sentence that mentions the actor.
pub const OTHER_LABEL: &str = "OTHER";

/// Byte ranges of an actor's labelled evidence in `article.text`: the `evidence_text` passage
/// (its first occurrence), else the lines (`text.split('\n')`) that `evidence` points at.
fn evidence_ranges(article: &Article, actor: usize) -> Vec<(usize, usize)> {
    let label = &article.actors[actor];
    if let Some(passage) = &label.evidence_text {
        return article
            .text
            .find(passage.as_str())
            .map(|start| vec![(start, start + passage.len())])
            .unwrap_or_default();
    }
    let Some(ids) = &label.evidence else {
        return Vec::new();
    };
    let mut ranges = Vec::new();
    let mut start = 0;
    for (index, line) in article.text.split('\n').enumerate() {
        if ids.contains(&index) && !line.trim().is_empty() {
            ranges.push((start, start + line.len()));
        }
        start += line.len() + 1;
    }
    ranges
}

/// One example per actor with labelled evidence, whose text is that evidence; actors without
/// any (or whose passage is not in the text) are left out and counted in the second value.
///
/// ```
/// use stance::data::evidence::evidence_examples;
/// use stance::data::schema::{ActorStance, Article};
/// let article = Article {
///     id: "a".into(), topic: "the dam".into(), date: None,
///     text: "Egypt condemned the dam.\nSudan said little.".into(),
///     actors: vec![ActorStance { name: "Egypt".into(), aliases: vec![], stance: "AGAINST".into(),
///                                evidence: Some(vec![0]), evidence_text: None }],
/// };
/// let (examples, missing) = evidence_examples(&article);
/// assert_eq!((examples[0].text.as_str(), missing), ("Egypt condemned the dam.", 0));
/// ```
pub fn evidence_examples(article: &Article) -> (Vec<Example>, usize) {
    let mut examples = Vec::new();
    let mut missing = 0;
    for (index, actor) in article.actors.iter().enumerate() {
        let text = evidence_ranges(article, index)
            .iter()
            .map(|&(start, end)| article.text[start..end].trim())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if text.is_empty() {
            missing += 1;
            continue;
        }
        examples.push(Example {
            id: format!("{}#{index}", article.id),
            topic: article.topic.clone(),
            text,
            actor: Some(actor.name.clone()),
            label: actor.stance.clone(),
        });
    }
    (examples, missing)
}

/// The scorer's training records of one article: every sentence (by `stance`'s sentence split)
/// that mentions an actor, [`EVIDENCE_LABEL`] when it overlaps the actor's labelled evidence of
/// a FAVOR or AGAINST stance, [`OTHER_LABEL`] otherwise. Actors with a stance but no evidence
/// are left out (their other sentences are not known to be silent).
///
/// ```
/// use stance::data::evidence::sentence_pairs;
/// use stance::data::schema::{ActorStance, Article};
/// let article = Article {
///     id: "a".into(), topic: "the dam".into(), date: None,
///     text: "Egypt condemned the dam. Egypt also hosted a summit on trade.".into(),
///     actors: vec![ActorStance { name: "Egypt".into(), aliases: vec![], stance: "AGAINST".into(),
///                                evidence: None, evidence_text: Some("Egypt condemned the dam.".into()) }],
/// };
/// let labels: Vec<_> = sentence_pairs(&article).into_iter().map(|e| e.label).collect();
/// assert_eq!(labels, ["EVIDENCE", "OTHER"]);
/// ```
pub fn sentence_pairs(article: &Article) -> Vec<Example> {
    let sentences = split_sentences(&article.text);
    let mut pairs = Vec::new();
    for (index, actor) in article.actors.iter().enumerate() {
        let is_none = actor.stance == NONE_LABEL;
        let ranges = evidence_ranges(article, index);
        if !is_none && ranges.is_empty() {
            continue;
        }
        let aliases = with_known_aliases(&actor.name, &actor.aliases, &article.text);
        let mentions = ActorMentions::new(&actor.name, &aliases);
        for (number, sentence) in sentences.iter().enumerate() {
            let evidence = !is_none
                && ranges
                    .iter()
                    .any(|&(start, end)| sentence.start < end && start < sentence.end);
            // Evidence sentences count even when they name the actor only by a pronoun.
            if !evidence && !mentions.occurs_in(sentence.text) {
                continue;
            }
            pairs.push(Example {
                id: format!("{}#{index}:{number}", article.id),
                topic: article.topic.clone(),
                text: sentence.text.to_string(),
                actor: Some(actor.name.clone()),
                label: if evidence {
                    EVIDENCE_LABEL
                } else {
                    OTHER_LABEL
                }
                .to_string(),
            });
        }
    }
    pairs
}

/// What [`write_evidence_file`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceSummary {
    /// Articles read.
    pub articles: usize,
    /// Records written, by label.
    pub labels: Vec<(String, usize)>,
    /// Labelled actors left out for want of evidence.
    pub missing: usize,
}

/// Which records [`write_evidence_file`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceRecords {
    /// [`evidence_examples`]: each actor's stance with only its labelled evidence as text.
    Stances,
    /// [`sentence_pairs`]: sentences labelled EVIDENCE or OTHER, for the evidence scorer.
    Sentences,
}

/// Reads the article-level file `input` and writes `output` (whole, then renamed into place)
/// with the chosen records.
pub fn write_evidence_file(
    input: &Path,
    output: &Path,
    records: EvidenceRecords,
) -> Result<EvidenceSummary> {
    let mut missing = 0;
    let expanded = super::articles::write_expanded(input, output, |article| match records {
        EvidenceRecords::Stances => {
            let (examples, left_out) = evidence_examples(article);
            missing += left_out;
            examples
        }
        EvidenceRecords::Sentences => sentence_pairs(article),
    })?;
    Ok(EvidenceSummary {
        articles: expanded.articles,
        labels: expanded.labels,
        missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::schema::ActorStance;

    fn actor(name: &str, stance: &str, ids: Option<Vec<usize>>, text: Option<&str>) -> ActorStance {
        ActorStance {
            name: name.into(),
            aliases: vec![],
            stance: stance.into(),
            evidence: ids,
            evidence_text: text.map(str::to_string),
        }
    }

    fn article(actors: Vec<ActorStance>) -> Article {
        Article {
            id: "a".into(),
            topic: "the dam".into(),
            date: None,
            text: "Egypt condemned the dam.\nSudan said it would attend talks.\nEgypt hosted a trade summit.\nIt called the dam a threat.".into(),
            actors,
        }
    }

    #[test]
    fn evidence_comes_from_the_passage_or_the_lines() {
        let (examples, missing) = evidence_examples(&article(vec![
            actor("Egypt", "AGAINST", Some(vec![0, 3]), None),
            actor(
                "Sudan",
                "NONE",
                None,
                Some("Sudan said it would attend talks."),
            ),
            actor("Ethiopia", "FAVOR", None, None),
            actor("Kenya", "FAVOR", None, Some("not in the text")),
        ]));
        let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Egypt condemned the dam. It called the dam a threat.",
                "Sudan said it would attend talks."
            ]
        );
        assert_eq!(missing, 2);
        assert_eq!(examples[1].label, "NONE");
        assert_eq!(examples[0].actor.as_deref(), Some("Egypt"));
    }

    #[test]
    fn sentence_pairs_label_evidence_and_the_rest() {
        let pairs = sentence_pairs(&article(vec![
            actor("Egypt", "AGAINST", Some(vec![0, 3]), None),
            actor(
                "Sudan",
                "NONE",
                None,
                Some("Sudan said it would attend talks."),
            ),
            actor("Ethiopia", "FAVOR", None, None),
        ]));
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|e| (e.text.as_str(), e.label.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Egypt condemned the dam.", "EVIDENCE"),
                ("Egypt hosted a trade summit.", "OTHER"),
                ("It called the dam a threat.", "EVIDENCE"),
                ("Sudan said it would attend talks.", "OTHER"),
            ]
        );
    }
}
