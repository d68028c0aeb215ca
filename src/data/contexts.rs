//! What a stance model reads for each labelled actor of an article-level file: one example
//! record per actor, its context as the text, written to a file a user can read or train on.

use std::path::Path;

use super::articles::{write_expanded, Expanded};
use super::dataset::article_examples;
use crate::error::Result;
use crate::text::context::ContextPolicy;

/// Reads the article-level file `input` and writes `output` (whole, then renamed into place)
/// with one example-level record per labelled actor: the actor's context chosen by `policy`
/// as its text, marked (« Erdogan ») when `mark_actor` is set, exactly as training and
/// evaluation expand the file.
pub fn write_context_file(
    input: &Path,
    output: &Path,
    policy: ContextPolicy,
    mark_actor: bool,
) -> Result<Expanded> {
    write_expanded(input, output, |article| {
        article_examples(article, policy, mark_actor)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_labelled_actor_becomes_one_record_with_its_context() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.jsonl");
        std::fs::write(
            &input,
            concat!(
                r#"{"id": "a1", "topic": "the dam", "text": "Egypt condemned the dam. Kenya hosted a summit on trade.", "#,
                r#""actors": [{"name": "Egypt", "stance": "AGAINST"}, {"name": "Kenya", "stance": "NONE"}]}"#,
                "\n"
            ),
        )
        .unwrap();
        let output = dir.path().join("out.jsonl");
        let policy = ContextPolicy { budget_chars: 700 };
        let summary = write_context_file(&input, &output, policy, true).unwrap();
        assert_eq!(summary.articles, 1);
        assert_eq!(
            summary.labels,
            [("AGAINST".to_string(), 1), ("NONE".to_string(), 1)]
        );
        let written = std::fs::read_to_string(&output).unwrap();
        let lines: Vec<serde_json::Value> = written
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["id"], "a1#0");
        assert_eq!(lines[0]["text"], "« Egypt » condemned the dam.");
        assert_eq!(lines[1]["text"], "« Kenya » hosted a summit on trade.");
    }

    #[test]
    fn a_bad_line_names_the_file_and_line_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.jsonl");
        std::fs::write(&input, "{\"id\": \"a1\", \"topic\": \"t\"}\n").unwrap();
        let output = dir.path().join("out.jsonl");
        let policy = ContextPolicy { budget_chars: 700 };
        let error = write_context_file(&input, &output, policy, false)
            .unwrap_err()
            .to_string();
        assert!(error.contains("a.jsonl:1"), "{error}");
        assert!(!output.exists());
    }
}
