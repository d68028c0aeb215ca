//! Discovery measured against labelled articles: how many labelled actors are found (recall) and
//! how many found actors are labelled (precision, a lower bound: articles mention more actors than
//! are labelled), over all actors found and over the first `max_actors` that `stance predict`
//! reports.

use std::time::Instant;

use serde::Serialize;

use crate::data::schema::Article;
use crate::error::Result;
use crate::text::discovery::{match_counts, DiscoveredActor};

use super::ActorFinder;

/// Texts tagged together.
const ARTICLES_PER_CALL: usize = 16;

/// Discovery's figures on a set of labelled articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscoveryScore {
    /// Articles read.
    pub articles: usize,
    /// Labelled actors.
    pub labelled: usize,
    /// Actors found.
    pub found: usize,
    /// Labelled actors matched by a found actor.
    pub matched: usize,
    /// The cap of [`DiscoveryScore::matched_reported`] (predict's `--max-actors`).
    pub max_actors: usize,
    /// Actors among the first `max_actors` of each article.
    pub reported: usize,
    /// Labelled actors matched among the first `max_actors` of each article.
    pub matched_reported: usize,
    /// Wall-clock seconds spent finding actors.
    pub seconds: f64,
}

impl DiscoveryScore {
    /// Matched / labelled over all actors found.
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.labelled)
    }

    /// Matched / found over all actors found.
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.found)
    }

    /// Recall over the first `max_actors` actors of each article.
    pub fn recall_reported(&self) -> f64 {
        ratio(self.matched_reported, self.labelled)
    }

    /// Precision over the first `max_actors` actors of each article.
    pub fn precision_reported(&self) -> f64 {
        ratio(self.matched_reported, self.reported)
    }

    /// Milliseconds per article.
    pub fn ms_per_article(&self) -> f64 {
        1000.0 * self.seconds / self.articles.max(1) as f64
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Finds the actors of every article with `finder` and scores them against the labelled ones
/// (matching as [`match_counts`] does: a maximum one-to-one matching on shared names). Returns
/// the score and each article's actors.
pub fn score_discovery(
    finder: &ActorFinder,
    articles: &[Article],
    max_actors: usize,
) -> Result<(DiscoveryScore, Vec<Vec<DiscoveredActor>>)> {
    let mut all_found = Vec::with_capacity(articles.len());
    let mut score = DiscoveryScore {
        articles: articles.len(),
        labelled: 0,
        found: 0,
        matched: 0,
        max_actors,
        reported: 0,
        matched_reported: 0,
        seconds: 0.0,
    };
    for group in articles.chunks(ARTICLES_PER_CALL) {
        let texts: Vec<&str> = group.iter().map(|a| a.text.as_str()).collect();
        let started = Instant::now();
        let found = finder.find(&texts)?;
        score.seconds += started.elapsed().as_secs_f64();
        for (article, actors) in group.iter().zip(&found) {
            let wanted: Vec<(String, Vec<String>)> = article
                .actors
                .iter()
                .map(|a| (a.name.clone(), a.aliases.clone()))
                .collect();
            let (matched, found, labelled) = match_counts(actors, &wanted);
            let top = &actors[..actors.len().min(max_actors)];
            let (matched_top, reported, _) = match_counts(top, &wanted);
            score.matched += matched;
            score.found += found;
            score.labelled += labelled;
            score.matched_reported += matched_top;
            score.reported += reported;
        }
        all_found.extend(found);
    }
    Ok((score, all_found))
}

/// The score as a small table.
pub fn render_discovery(score: &DiscoveryScore) -> String {
    format!(
        "articles {}, labelled actors {}\n\
         all found:        {:>4} found, {:>4} matched, recall {:.3}, precision {:.3}\n\
         first {:<3} each:  {:>4} found, {:>4} matched, recall {:.3}, precision {:.3}\n\
         {:.1} ms per article\n",
        score.articles,
        score.labelled,
        score.found,
        score.matched,
        score.recall(),
        score.precision(),
        score.max_actors,
        score.reported,
        score.matched_reported,
        score.recall_reported(),
        score.precision_reported(),
        score.ms_per_article(),
    )
}
