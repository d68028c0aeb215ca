//! Reading article-level files whole: every line must be an article (`actors` given); any error
//! names the file and line. Also the one way an article file becomes a file of example records.

use std::path::Path;

use super::jsonl::JsonlReader;
use super::schema::{Article, Example, RawRecord, Record};
use crate::error::{Error, Result};

/// What [`write_expanded`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// Articles read.
    pub articles: usize,
    /// Records written, per label in first-seen order.
    pub labels: Vec<(String, usize)>,
}

/// Reads the article-level file `input`, turns each article into example records with
/// `expand`, and writes them to `output` (whole, then renamed into place): a failing input
/// leaves no partial file.
pub fn write_expanded(
    input: &Path,
    output: &Path,
    mut expand: impl FnMut(&Article) -> Vec<Example>,
) -> Result<Expanded> {
    let mut expanded = Expanded::default();
    let mut buffer = Vec::new();
    for (line, article) in read_articles(input)? {
        for example in expand(&article) {
            super::count_label(&mut expanded.labels, &example.label);
            let json = serde_json::to_vec(&example).map_err(|e| Error::Record {
                path: input.to_path_buf(),
                line,
                message: e.to_string(),
            })?;
            buffer.extend(json);
            buffer.push(b'\n');
        }
        expanded.articles += 1;
    }
    super::jsonl::write_whole(output, &buffer)?;
    Ok(expanded)
}

/// Labels an article-level file may carry.
const LABELS: [&str; 3] = ["FAVOR", "AGAINST", "NONE"];

/// The articles of `path` with their line numbers; an example-level line, or a stance other
/// than FAVOR, AGAINST or NONE, is an error.
pub fn read_articles(path: &Path) -> Result<Vec<(usize, Article)>> {
    let labels: Vec<String> = LABELS.iter().map(|s| s.to_string()).collect();
    let mut articles = Vec::new();
    for item in JsonlReader::<RawRecord>::open(path)? {
        let (line, raw) = item?;
        let error = |message: String| Error::Record {
            path: path.to_path_buf(),
            line,
            message,
        };
        match raw
            .validate(&labels, &format!("line:{line}"))
            .map_err(error)?
        {
            Record::Article(article) => articles.push((line, article)),
            Record::Example(_) => {
                return Err(error(
                    "expected an article with `actors`, found an example".to_string(),
                ))
            }
        }
    }
    Ok(articles)
}
