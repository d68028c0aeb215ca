//! Reading article-level files whole: every line must be an article (`actors` given); any error
//! names the file and line.

use std::path::Path;

use super::jsonl::JsonlReader;
use super::schema::{Article, RawRecord, Record};
use crate::error::{Error, Result};

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
