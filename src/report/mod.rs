//! `stance report`: one self-contained HTML file for analysts, made from the records of
//! `stance predict` (and optionally the articles, for their text and dates).
//!
//! - [`input`] reads and checks the two files;
//! - [`corpus`] aggregates the actor × topic table and the stances over time;
//! - [`segments`] cuts each article into sentences and mentions for the article view;
//! - [`html`] embeds the data as escaped JSON in a page with inline CSS and JavaScript (no
//!   network: the page's Content-Security-Policy forbids every fetch).

pub mod corpus;
pub mod html;
pub mod input;
pub mod segments;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

pub use html::render_html;

use corpus::{aggregate, Observation, TableRow, Timeline};
use input::{read_articles, read_predictions, ArticleText};
use segments::{article_parts, evidence_matches, evidence_parts, ActorNames, Part};

use crate::error::Result;

/// Labels in the order the report shows them when a model uses them.
const KNOWN_LABELS: [&str; 3] = ["FAVOR", "AGAINST", "NONE"];

/// How the report is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// The page's title.
    pub title: String,
    /// Actors with a stance-over-time chart (those with the most dated articles).
    pub top_actors: usize,
    /// Skip invalid lines of the articles file (as `stance predict --skip-invalid` does) instead
    /// of stopping at the first.
    pub skip_invalid: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            title: "Stance report".to_string(),
            top_actors: 8,
            skip_invalid: false,
        }
    }
}

/// Counts shown in the report's header.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// The predictions file's name.
    pub predictions_file: String,
    /// The articles file's name, when given.
    pub articles_file: Option<String>,
    /// Articles in the report.
    pub articles: usize,
    /// (article, actor) stances.
    pub stances: usize,
    /// Error records of the predictions file (invalid input lines), not shown.
    pub errors: usize,
    /// The first error record's message.
    pub first_error: Option<String>,
    /// Articles whose text the articles file supplied.
    pub with_text: usize,
    /// Articles the articles file lacks (shown with evidence sentences only).
    pub missing_text: usize,
    /// Articles whose text no longer splits into the quoted evidence sentences (shown with
    /// evidence sentences only).
    pub text_mismatch: usize,
    /// Articles with a date.
    pub dated: usize,
    /// Invalid lines of the articles file skipped (with `skip_invalid`).
    pub articles_skipped: usize,
    /// The first skipped line's problem.
    pub first_article_skipped: Option<String>,
    /// Articles shown undated because their `date` is not a date (`FILE:LINE: …` each).
    pub bad_dates: Vec<String>,
}

/// An actor of one article in the article view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorView {
    /// Index into [`ReportData::actors`] (the actor across articles).
    pub actor: usize,
    /// The name as this article's record gives it.
    pub name: String,
    /// Its aliases.
    pub aliases: Vec<String>,
    /// Label index.
    pub stance: usize,
    /// Probability of each label (`None` when the record lacks it).
    pub p: Vec<Option<f64>>,
    /// Whether the article mentions it.
    pub mentioned: bool,
    /// Whether it was discovered rather than given.
    pub discovered: bool,
    /// Its evidence sentence indices.
    pub evidence: Vec<usize>,
}

/// One article in the article view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleView {
    /// Its id.
    pub id: String,
    /// Index into [`ReportData::topics`].
    pub topic: usize,
    /// Its date, when known.
    pub date: Option<String>,
    /// Its actors.
    pub actors: Vec<ActorView>,
    /// Whether `parts` is the whole text (else only the evidence sentences).
    pub full_text: bool,
    /// The text, cut into sentences and mentions.
    pub parts: Vec<Part>,
}

/// Everything the page shows, embedded in it as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportData {
    /// The page's title.
    pub title: String,
    /// Labels in display order.
    pub labels: Vec<String>,
    /// Header counts.
    pub summary: Summary,
    /// Actor names across articles.
    pub actors: Vec<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// The actor × topic table.
    pub table: Vec<TableRow>,
    /// Stances over time of the top actors (empty without dates).
    pub timelines: Vec<Timeline>,
    /// The articles, in the predictions file's order.
    pub articles: Vec<ArticleView>,
}

/// The labels used by `predictions`: FAVOR, AGAINST, NONE first (in that order), then others
/// alphabetically.
fn label_order(predictions: &[input::PredictionInput]) -> Vec<String> {
    let mut seen: HashSet<&str> = HashSet::new();
    for actor in predictions.iter().flat_map(|p| &p.actors) {
        seen.insert(&actor.stance);
        seen.extend(actor.probabilities.keys().map(String::as_str));
    }
    let mut labels: Vec<String> = KNOWN_LABELS
        .iter()
        .filter(|l| seen.contains(*l))
        .map(|l| l.to_string())
        .collect();
    let mut others: Vec<&str> = seen
        .into_iter()
        .filter(|l| !KNOWN_LABELS.contains(l))
        .collect();
    others.sort_unstable();
    labels.extend(others.into_iter().map(String::from));
    labels
}

/// Reads `predictions` (and `articles`, when given) and gathers what the page shows.
pub fn build_report(
    predictions: &Path,
    articles: Option<&Path>,
    options: &ReportOptions,
) -> Result<ReportData> {
    let read = read_predictions(predictions)?;
    let ids: HashSet<&str> = read.articles.iter().map(|a| a.id.as_str()).collect();
    let texts = match articles {
        Some(path) => read_articles(path, &|id| ids.contains(id), options.skip_invalid)?,
        None => Default::default(),
    };
    let labels = label_order(&read.articles);
    let label_index = |label: &str| labels.iter().position(|l| l == label).unwrap_or(0);
    let mut summary = Summary {
        predictions_file: predictions.display().to_string(),
        articles_file: articles.map(|p| p.display().to_string()),
        articles: read.articles.len(),
        errors: read.errors,
        first_error: read.first_error.clone(),
        articles_skipped: texts.skipped,
        first_article_skipped: texts.first_skipped.clone(),
        bad_dates: texts.bad_dates.clone(),
        ..Default::default()
    };
    let texts = texts.texts;

    let mut topics: Vec<String> = Vec::new();
    let mut topic_index: HashMap<&str, usize> = HashMap::new();
    let mut article_topics = Vec::with_capacity(read.articles.len());
    for article in &read.articles {
        let next = topic_index.len();
        let topic = *topic_index.entry(&article.topic).or_insert(next);
        if topic == topics.len() {
            topics.push(article.topic.clone());
        }
        article_topics.push(topic);
    }

    let mut observations = Vec::new();
    for (index, article) in read.articles.iter().enumerate() {
        let date = texts.get(&article.id).and_then(|t| t.date.as_deref());
        for actor in &article.actors {
            observations.push(Observation {
                article: index,
                topic: article_topics[index],
                date,
                name: &actor.name,
                label: label_index(&actor.stance),
                p: actor
                    .probabilities
                    .get(&actor.stance)
                    .copied()
                    .unwrap_or(0.0),
            });
        }
    }
    let corpus = aggregate(&observations, labels.len(), options.top_actors);
    summary.stances = observations.len();

    let mut actor_of = corpus.actor_of.iter();
    let mut views = Vec::with_capacity(read.articles.len());
    for (article, &topic) in read.articles.iter().zip(&article_topics) {
        let actors: Vec<ActorView> = article
            .actors
            .iter()
            .map(|a| ActorView {
                actor: actor_of.next().copied().unwrap_or(0),
                name: a.name.clone(),
                aliases: a.aliases.clone(),
                stance: label_index(&a.stance),
                p: labels
                    .iter()
                    .map(|l| a.probabilities.get(l).copied())
                    .collect(),
                mentioned: a.mentioned,
                discovered: a.discovered,
                evidence: a.evidence.iter().map(|e| e.sentence).collect(),
            })
            .collect();
        let names: Vec<ActorNames> = article
            .actors
            .iter()
            .map(|a| ActorNames {
                name: &a.name,
                aliases: &a.aliases,
            })
            .collect();
        let evidence: Vec<(usize, &str)> = article
            .actors
            .iter()
            .flat_map(|a| &a.evidence)
            .map(|e| (e.sentence, e.text.as_str()))
            .collect();
        let text: Option<&ArticleText> = texts.get(&article.id);
        if text.is_some_and(|t| t.date.is_some()) {
            summary.dated += 1;
        }
        let (full_text, parts) = match text {
            Some(t) if evidence_matches(&t.text, &evidence) => {
                summary.with_text += 1;
                (true, article_parts(&t.text, &names))
            }
            Some(_) => {
                summary.text_mismatch += 1;
                (false, evidence_parts(&evidence, &names))
            }
            None => {
                if articles.is_some() {
                    summary.missing_text += 1;
                }
                (false, evidence_parts(&evidence, &names))
            }
        };
        views.push(ArticleView {
            id: article.id.clone(),
            topic,
            date: text.and_then(|t| t.date.clone()),
            actors,
            full_text,
            parts,
        });
    }
    Ok(ReportData {
        title: options.title.clone(),
        labels,
        summary,
        actors: corpus.actors,
        topics,
        table: corpus.table,
        timelines: corpus.timelines,
        articles: views,
    })
}
