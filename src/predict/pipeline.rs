//! From articles to one stance per actor: actors (given, or discovered), each actor's context,
//! one classification per actor batched across articles, evidence sentences.

use std::collections::BTreeMap;

use serde::Serialize;

use super::article::ArticleInput;
use crate::actors::ActorFinder;
use crate::error::Result;
use crate::model::{PairInput, StanceModel};
use crate::text::article::ArticleText;
use crate::text::context::{ActorContext, ContextPolicy};
use crate::text::mentions::with_known_aliases;

/// How articles are processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PredictOptions {
    /// Sequences per forward pass.
    pub batch_size: usize,
    /// Most actors reported per article when they are discovered (the most mentioned first).
    pub max_discovered: usize,
}

impl Default for PredictOptions {
    fn default() -> Self {
        PredictOptions {
            batch_size: 32,
            max_discovered: 20,
        }
    }
}

/// A sentence the decision rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// Index of the sentence in the article (sentences as `stance` splits them).
    pub sentence: usize,
    /// The sentence.
    pub text: String,
}

/// One actor's stance in one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorPrediction {
    /// The actor's name (as given, or the fullest form found in the article).
    pub name: String,
    /// The other forms merged into this actor (given aliases and those found in the text).
    pub aliases: Vec<String>,
    /// Whether the actor was found by discovery rather than given.
    pub discovered: bool,
    /// The most probable label.
    pub stance: String,
    /// The probability of each label (calibrated when the model was).
    pub probabilities: BTreeMap<String, f32>,
    /// Whether the article mentions the actor at all (if not, the context was the article's lead
    /// and the stance is usually NONE).
    pub mentioned: bool,
    /// The sentences the model read for this actor, in article order.
    pub evidence: Vec<Evidence>,
    /// With an evidence scorer: the highest probability that one of those sentences carries the
    /// actor's stance on the topic (below the model's threshold the stance is NONE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence_score: Option<f32>,
}

/// The stances of one article's actors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticlePrediction {
    /// The article's id.
    pub id: String,
    /// The topic.
    pub topic: String,
    /// One entry per actor.
    pub actors: Vec<ActorPrediction>,
}

struct Resolved {
    name: String,
    aliases: Vec<String>,
    discovered: bool,
}

/// Each article's actors: the given ones with the aliases the gazetteer knows, or, for an article
/// without actors, those `finder` discovers (all such articles searched together).
fn resolve_actors(
    articles: &[ArticleInput],
    finder: &ActorFinder,
    options: &PredictOptions,
) -> Result<Vec<Vec<Resolved>>> {
    let unnamed: Vec<&str> = articles
        .iter()
        .filter(|a| a.actors.is_empty())
        .map(|a| a.text.as_str())
        .collect();
    let mut discovered = finder.find(&unnamed)?.into_iter();
    let mut resolved = Vec::with_capacity(articles.len());
    for article in articles {
        if article.actors.is_empty() {
            let found = discovered.next().unwrap_or_default();
            resolved.push(
                found
                    .into_iter()
                    .take(options.max_discovered)
                    .map(|a| Resolved {
                        name: a.name,
                        aliases: a.aliases,
                        discovered: true,
                    })
                    .collect(),
            );
            continue;
        }
        resolved.push(
            article
                .actors
                .iter()
                .map(|given| Resolved {
                    aliases: with_known_aliases(&given.name, &given.aliases, &article.text),
                    name: given.name.clone(),
                    discovered: false,
                })
                .collect(),
        );
    }
    Ok(resolved)
}

/// Labels every actor of every article, finding the actors of an article that names none with
/// `finder`; articles are batched together, so give many at once.
pub fn predict_articles(
    model: &StanceModel,
    finder: &ActorFinder,
    articles: &[ArticleInput],
    options: &PredictOptions,
) -> Result<Vec<ArticlePrediction>> {
    let settings = model.inputs().settings();
    let mark_actor = settings.mark_actor;
    let policy = ContextPolicy {
        budget_chars: settings.context_chars,
    };
    // (article index, actor, context) for every actor of every article, and the context as the
    // model reads it.
    let mut jobs: Vec<(usize, Resolved, ActorContext)> = Vec::new();
    let mut model_texts: Vec<String> = Vec::new();
    let mut sentence_texts: Vec<Vec<String>> = Vec::with_capacity(articles.len());
    let resolved = resolve_actors(articles, finder, options)?;
    for ((index, article), actors) in articles.iter().enumerate().zip(resolved) {
        let text = ArticleText::new(&article.text, policy);
        for actor in actors {
            let mentions = text.mentions(&actor.name, &actor.aliases);
            let context = text.context(&mentions, &article.topic);
            model_texts.push(text.model_text(&context, &mentions, mark_actor));
            jobs.push((index, actor, context));
        }
        sentence_texts.push(
            text.sentences()
                .iter()
                .map(|s| s.text.to_string())
                .collect(),
        );
    }
    let pairs: Vec<PairInput> = jobs
        .iter()
        .zip(&model_texts)
        .map(|((index, actor, _), context)| PairInput {
            topic: &articles[*index].topic,
            actor: Some(&actor.name),
            context,
        })
        .collect();
    let results = model.classify(&pairs, options.batch_size)?;
    let mut predictions: Vec<ArticlePrediction> = articles
        .iter()
        .map(|a| ArticlePrediction {
            id: a.id.clone(),
            topic: a.topic.clone(),
            actors: Vec::new(),
        })
        .collect();
    for ((index, actor, context), result) in jobs.into_iter().zip(results) {
        let evidence = context
            .sentence_indices
            .iter()
            .map(|&i| {
                let sentence = &sentence_texts[index][i];
                // An over-long sentence is reported as the part of it the model read.
                let text = match context.clipped {
                    Some(end) if end < sentence.len() => sentence[..end].to_string(),
                    _ => sentence.clone(),
                };
                Evidence { sentence: i, text }
            })
            .collect();
        predictions[index].actors.push(ActorPrediction {
            name: actor.name,
            aliases: actor.aliases,
            discovered: actor.discovered,
            stance: result.label,
            probabilities: model
                .labels()
                .iter()
                .cloned()
                .zip(result.probabilities)
                .collect(),
            mentioned: context.mentioned,
            evidence,
            evidence_score: result.evidence_score,
        });
    }
    Ok(predictions)
}
