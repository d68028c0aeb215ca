//! SEESAW (Zhang et al., EMNLP 2022) as prepared in ../shared/datasets/seesaw: article-level
//! JSONL with FAVOR/AGAINST actors and their evidence sentence ids.

use std::path::Path;

use crate::data::jsonl::JsonlReader;
use crate::data::schema::{Article, RawRecord, Record};
use crate::error::{Error, Result};

/// Reads every article of `path`.
pub fn read(path: &Path) -> Result<Vec<Article>> {
    let labels: Vec<String> = ["FAVOR", "AGAINST"].iter().map(|s| s.to_string()).collect();
    let mut articles = Vec::new();
    for item in JsonlReader::<RawRecord>::open(path)? {
        let (line, raw) = item?;
        let record = raw
            .validate(&labels, &format!("seesaw:{line}"))
            .map_err(|message| Error::Record {
                path: path.to_path_buf(),
                line,
                message,
            })?;
        match record {
            Record::Article(article) => articles.push(article),
            Record::Example(_) => {
                return Err(Error::Record {
                    path: path.to_path_buf(),
                    line,
                    message: "expected an article with `actors`, found an example".to_string(),
                })
            }
        }
    }
    Ok(articles)
}
