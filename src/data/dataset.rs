//! Loading labelled files for training and evaluation: example-level lines are used as they
//! are; each article-level line becomes one example per actor, whose text is the actor's
//! context in the article.

use std::path::Path;

use super::jsonl::JsonlReader;
use super::schema::{Article, Example, RawRecord, Record};
use crate::error::{Error, Result};
use crate::text::article::ArticleText;
use crate::text::context::ContextPolicy;
use crate::text::mentions::mark_actor_mentions;

/// How to read labelled files.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Labels a record may carry (the model's).
    pub labels: Vec<String>,
    /// Count and skip invalid lines instead of stopping at the first one.
    pub skip_invalid: bool,
    /// Budget of an actor's context, in characters.
    pub context_chars: usize,
    /// Mark the actor's mentions in its context (the model's
    /// [`crate::model::config::StanceSettings::mark_actor`]); applies to example-level records
    /// with an `actor` too.
    pub mark_actor: bool,
}

impl LoadOptions {
    /// Options that expand articles the way `model` reads them (its labels, context budget and
    /// actor marks).
    pub fn for_model(model: &crate::model::StanceModel, skip_invalid: bool) -> Self {
        let settings = model.inputs().settings();
        LoadOptions {
            labels: model.labels().to_vec(),
            skip_invalid,
            context_chars: settings.context_chars,
            mark_actor: settings.mark_actor,
        }
    }
}

/// The examples of one file.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Valid examples, in file order (an article's actors in their order).
    pub examples: Vec<Example>,
    /// Lines skipped as invalid (only with `skip_invalid`).
    pub skipped: usize,
    /// The first skipped line's error, to report.
    pub first_skipped: Option<String>,
}

/// Reads the labelled file `path` (`-` for stdin).
pub fn load_examples(path: &Path, options: &LoadOptions) -> Result<Loaded> {
    let mut loaded = Loaded::default();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    for item in JsonlReader::<serde_json::Value>::open(path)? {
        let result = item.and_then(|(line, value)| {
            let record_error = |message: String| Error::Record {
                path: path.to_path_buf(),
                line,
                message,
            };
            if !value.is_object() {
                return Err(record_error(format!(
                    "expected a JSON object (an example or an article), found {}",
                    crate::data::schema::json_kind(&value)
                )));
            }
            let raw: RawRecord =
                crate::data::jsonl::from_value_named(value).map_err(record_error)?;
            raw.validate(&options.labels, &format!("{stem}:{line}"))
                .map_err(record_error)
        });
        match result {
            Ok(Record::Example(mut example)) => {
                if let (true, Some(actor)) = (options.mark_actor, &example.actor) {
                    example.text = mark_actor_mentions(actor, &example.text);
                }
                loaded.examples.push(example)
            }
            Ok(Record::Article(article)) => {
                let policy = ContextPolicy {
                    budget_chars: options.context_chars,
                };
                loaded
                    .examples
                    .extend(article_examples(&article, policy, options.mark_actor))
            }
            Err(error @ Error::Record { .. }) if options.skip_invalid => {
                loaded.skipped += 1;
                loaded.first_skipped.get_or_insert(error.to_string());
            }
            Err(error) => return Err(error),
        }
    }
    Ok(loaded)
}

/// One example per actor of `article`, with the actor's context as text.
pub fn article_examples(
    article: &Article,
    policy: ContextPolicy,
    mark_actor: bool,
) -> Vec<Example> {
    let text = ArticleText::new(&article.text, policy);
    article
        .actors
        .iter()
        .enumerate()
        .map(|(index, actor)| {
            let mentions = text.given_actor(&actor.name, &actor.aliases);
            let context = text.context(&mentions, &article.topic);
            Example {
                id: format!("{}#{index}", article.id),
                topic: article.topic.clone(),
                text: text.model_text(&context, &mentions, mark_actor),
                actor: Some(actor.name.clone()),
                label: actor.stance.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn options(skip_invalid: bool) -> LoadOptions {
        LoadOptions {
            labels: ["FAVOR", "AGAINST", "NONE"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            skip_invalid,
            context_chars: 1000,
            mark_actor: false,
        }
    }

    fn file(lines: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new()
            .suffix(".jsonl")
            .tempfile()
            .unwrap();
        f.write_all(lines.as_bytes()).unwrap();
        f
    }

    #[test]
    fn articles_expand_to_one_example_per_actor() {
        let f = file(concat!(
            r#"{"id": "a1", "topic": "the vote", "text": "Turkey rejected the vote. Iran agreed. Russia hosted talks on Syria.", "actors": [{"name": "Turkey", "stance": "AGAINST"}, {"name": "Russia", "stance": "NONE"}]}"#,
            "\n",
            r#"{"id": "e1", "topic": "t", "text": "x", "label": "FAVOR"}"#,
            "\n"
        ));
        let loaded = load_examples(f.path(), &options(false)).unwrap();
        let ids: Vec<&str> = loaded.examples.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a1#0", "a1#1", "e1"]);
        assert_eq!(loaded.examples[0].text, "Turkey rejected the vote.");
        assert_eq!(loaded.examples[1].text, "Russia hosted talks on Syria.");
        assert_eq!(loaded.examples[1].actor.as_deref(), Some("Russia"));
    }

    #[test]
    fn invalid_lines_stop_the_load_or_are_counted() {
        let f = file("{\"topic\": \"t\", \"text\": \"x\", \"label\": \"FAVOR\"}\n{\"topic\": \"t\", \"text\": \"x\", \"label\": \"MAYBE\"}\nnot json\n");
        let err = load_examples(f.path(), &options(false))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(":2: field `label`: unknown label `MAYBE`"),
            "{err}"
        );
        let loaded = load_examples(f.path(), &options(true)).unwrap();
        assert_eq!((loaded.examples.len(), loaded.skipped), (1, 2));
        assert!(loaded.first_skipped.unwrap().contains(":2:"));
    }
}
