//! SEESAW (Zhang et al., EMNLP 2022) as prepared in ../shared/datasets/seesaw: article-level
//! JSONL with FAVOR/AGAINST actors and their evidence sentence ids (and the project's checked
//! NONE actors of `none_train.jsonl`, in the same row format).

use std::path::Path;

use crate::data::articles::read_articles;
use crate::data::schema::Article;
use crate::error::Result;

/// Reads every article of `path`.
pub fn read(path: &Path) -> Result<Vec<Article>> {
    Ok(read_articles(path)?
        .into_iter()
        .map(|(_, article)| article)
        .collect())
}
