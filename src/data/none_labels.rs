//! NONE labels derived from an article's unlabelled actors. Sets such as SEESAW label only the
//! actors that take a side, so a model trained on them never sees an actor that is merely
//! mentioned. This adds, per article, the most-mentioned discovered actors that the article does
//! not label and whose context never touches the topic — the cases where NONE is safest to
//! assume — with stance NONE.

use std::path::Path;

use crate::data::schema::{ActorStance, Article};
use crate::error::{Error, Result};
use crate::text::article::ArticleText;
use crate::text::context::ContextPolicy;
use crate::text::discovery::same_actor;

/// The label given to derived actors.
pub const NONE_LABEL: &str = "NONE";

/// Actors of `article` to label NONE: discovered, not among its labelled actors, mentioned, with
/// a context (chosen by `policy`) that has no word of the topic; at most `per_article`, the most
/// mentioned first.
pub fn off_topic_actors(
    article: &Article,
    policy: ContextPolicy,
    per_article: usize,
) -> Vec<ActorStance> {
    let text = ArticleText::new(&article.text, policy);
    text.actors()
        .into_iter()
        .filter(|found| {
            !article
                .actors
                .iter()
                .any(|labelled| same_actor(found, &labelled.name, &labelled.aliases))
        })
        .filter(|found| {
            let context = text.context(&text.mentions(&found.name, &found.aliases), &article.topic);
            context.mentioned && !context.on_topic
        })
        .take(per_article)
        .map(|found| ActorStance {
            name: found.name,
            aliases: found.aliases,
            stance: NONE_LABEL.to_string(),
            evidence: None,
            evidence_text: None,
        })
        .collect()
}

/// What [`add_none_labels`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoneSummary {
    /// Articles written.
    pub articles: usize,
    /// NONE actors added.
    pub added: usize,
}

/// Copies the article-level file `input` to `output` (written whole, then renamed into place)
/// with the actors of [`off_topic_actors`] appended to each article. Labels may be FAVOR,
/// AGAINST or NONE; an example-level line is an error.
pub fn add_none_labels(
    input: &Path,
    output: &Path,
    policy: ContextPolicy,
    per_article: usize,
) -> Result<NoneSummary> {
    let mut summary = NoneSummary::default();
    let mut buffer = Vec::new();
    for (line, mut article) in super::articles::read_articles(input)? {
        let error = |message: String| Error::Record {
            path: input.to_path_buf(),
            line,
            message,
        };
        let added = off_topic_actors(&article, policy, per_article);
        summary.added += added.len();
        article.actors.extend(added);
        buffer.extend(serde_json::to_vec(&article).map_err(|e| error(e.to_string()))?);
        buffer.push(b'\n');
        summary.articles += 1;
    }
    crate::data::jsonl::write_whole(output, &buffer)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(text: &str, labelled: &[&str]) -> Article {
        Article {
            id: "a".into(),
            topic: "the independence referendum".into(),
            text: text.into(),
            date: None,
            actors: labelled
                .iter()
                .map(|name| ActorStance {
                    name: name.to_string(),
                    aliases: Vec::new(),
                    stance: "AGAINST".into(),
                    evidence: None,
                    evidence_text: None,
                })
                .collect(),
        }
    }

    const POLICY: ContextPolicy = ContextPolicy { budget_chars: 700 };

    #[test]
    fn only_unlabelled_actors_off_the_topic_become_none() {
        let text = "Turkey's President Recep Tayyip Erdogan said the referendum was illegitimate. \
                    Erdogan stressed the importance of the Astana talks with Russia. \
                    Russia said the talks went well. Russian officials praised Moscow's role. \
                    Iran said the referendum was a plot. Iran's Foreign Ministry said so again.";
        let added = off_topic_actors(&article(text, &["Turkey"]), POLICY, 5);
        let names: Vec<&str> = added.iter().map(|a| a.name.as_str()).collect();
        // Turkey is labelled; Iran speaks on the topic; Russia never touches it.
        assert_eq!(names, ["Russia"], "{added:?}");
        assert!(added.iter().all(|a| a.stance == NONE_LABEL));
        assert!(off_topic_actors(&article(text, &["Turkey"]), POLICY, 0).is_empty());
    }

    #[test]
    fn files_are_copied_with_the_added_actors_and_bad_lines_named() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        let output = dir.path().join("out.jsonl");
        let line = serde_json::json!({
            "id": "x", "topic": "the referendum", "actors": [{"name": "Iran", "stance": "AGAINST"}],
            "text": "Iran said the referendum was a plot. Russia said the talks went well. Russia agreed."
        });
        std::fs::write(&input, format!("{line}\n")).unwrap();
        let summary = add_none_labels(&input, &output, POLICY, 2).unwrap();
        assert_eq!(
            summary,
            NoneSummary {
                articles: 1,
                added: 1
            }
        );
        let written: serde_json::Value =
            serde_json::from_str(std::fs::read_to_string(&output).unwrap().trim()).unwrap();
        assert_eq!(written["actors"][1]["name"], "Russia");
        assert_eq!(written["actors"][1]["stance"], "NONE");

        std::fs::write(
            &input,
            "{\"id\": \"x\", \"topic\": \"t\", \"text\": \"t\", \"label\": \"FAVOR\"}\n",
        )
        .unwrap();
        let error = add_none_labels(&input, &output, POLICY, 2)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("in.jsonl:1") && error.contains("found an example"),
            "{error}"
        );
    }
}
