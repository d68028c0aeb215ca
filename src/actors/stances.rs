//! The stance scores discovery leads to: each labelled actor is labelled by `stance predict` with
//! the actors given, and again with the actors discovered (a labelled actor discovery missed
//! counts as NONE, what a user reading the output would conclude), so the cost of discovery is
//! measured on the figure users care about.

use serde::Serialize;

use crate::data::schema::Article;
use crate::error::{Error, Result};
use crate::eval::metrics::Metrics;
use crate::model::StanceModel;
use crate::predict::{
    predict_articles, ArticleInput, ArticlePrediction, GivenActor, PredictOptions,
};
use crate::text::discovery::same_names;

use super::ActorFinder;

/// The label of an actor that discovery missed.
const MISSED_LABEL: &str = "NONE";

/// Stance scores over the labelled actors, with actors given and with actors discovered.
#[derive(Debug, Clone, Serialize)]
pub struct StancesWithDiscovery {
    /// Actors given, as `stance eval` on article-level records but through `stance predict`.
    pub given: Metrics,
    /// Actors discovered; a labelled actor not found counts as NONE.
    pub discovered: Metrics,
    /// Labelled actors discovery did not find among the actors predict reports.
    pub missed: usize,
}

/// Labels every labelled actor of `articles` twice (given, then discovered by `finder`) and
/// scores both against the labels.
pub fn stances_with_discovery(
    model: &StanceModel,
    finder: &ActorFinder,
    articles: &[Article],
    options: &PredictOptions,
) -> Result<StancesWithDiscovery> {
    let labels = model.labels().to_vec();
    let index = |label: &str| -> Result<usize> {
        labels.iter().position(|l| l == label).ok_or_else(|| {
            Error::InvalidInput(format!(
                "label `{label}` is not one of the model's ({})",
                labels.join(", ")
            ))
        })
    };
    let missed_label = index(MISSED_LABEL)?;
    let given_inputs: Vec<ArticleInput> = articles
        .iter()
        .map(|a| ArticleInput {
            id: a.id.clone(),
            topic: a.topic.clone(),
            text: a.text.clone(),
            actors: a
                .actors
                .iter()
                .map(|actor| GivenActor {
                    name: actor.name.clone(),
                    aliases: actor.aliases.clone(),
                })
                .collect(),
        })
        .collect();
    let open_inputs: Vec<ArticleInput> = given_inputs
        .iter()
        .map(|a| ArticleInput {
            actors: Vec::new(),
            ..a.clone()
        })
        .collect();
    let given = predict_articles(model, finder, &given_inputs, options)?;
    let found = predict_articles(model, finder, &open_inputs, options)?;
    let (mut gold, mut with_given, mut with_found) = (Vec::new(), Vec::new(), Vec::new());
    let mut missed = 0;
    for ((article, given), found) in articles.iter().zip(&given).zip(&found) {
        let mut used = vec![false; found.actors.len()];
        for (labelled, predicted) in article.actors.iter().zip(&given.actors) {
            gold.push(index(&labelled.stance)?);
            with_given.push(index(&predicted.stance)?);
            match matching_actor(found, &used, &labelled.name, &labelled.aliases) {
                Some(k) => {
                    used[k] = true;
                    with_found.push(index(&found.actors[k].stance)?);
                }
                None => {
                    missed += 1;
                    with_found.push(missed_label);
                }
            }
        }
    }
    Ok(StancesWithDiscovery {
        given: Metrics::compute(&labels, &gold, &with_given),
        discovered: Metrics::compute(&labels, &gold, &with_found),
        missed,
    })
}

/// The first actor of `found` not used yet that is the labelled actor `name`.
fn matching_actor(
    found: &ArticlePrediction,
    used: &[bool],
    name: &str,
    aliases: &[String],
) -> Option<usize> {
    found
        .actors
        .iter()
        .enumerate()
        .position(|(k, actor)| !used[k] && same_names(&actor.name, &actor.aliases, name, aliases))
}
