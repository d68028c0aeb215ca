//! The corpus view's numbers: for each actor and topic, how many articles gave which stance and
//! with what mean confidence; for the most reported actors, their stances over time.
//!
//! Actors are grouped across articles by a normalised name ("The European Commission" and "the
//! European Commission" are one actor); the spelling used most often is shown.

use std::collections::HashMap;

use serde::Serialize;

/// One row of the actor × topic table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRow {
    /// Index into the report's actor names.
    pub actor: usize,
    /// Index into the report's topics.
    pub topic: usize,
    /// Articles in which the actor has a stance on the topic.
    pub articles: usize,
    /// Of those, how many per label (in the report's label order).
    pub counts: Vec<usize>,
    /// The most frequent label (index; ties go to the earlier label).
    pub stance: usize,
    /// Mean probability of the predicted label.
    pub confidence: f64,
}

/// One actor's stances over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// Index into the report's actor names.
    pub actor: usize,
    /// One point per dated article, by date.
    pub points: Vec<TimePoint>,
}

/// The stance of one actor in one dated article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimePoint {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Index into the report's articles.
    pub article: usize,
    /// Label index.
    pub label: usize,
    /// Probability of that label.
    pub p: f64,
}

/// One actor's stance in one article, as the aggregation needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation<'a> {
    /// Index of the article.
    pub article: usize,
    /// Index of its topic.
    pub topic: usize,
    /// Its date, if known.
    pub date: Option<&'a str>,
    /// The actor's name as written.
    pub name: &'a str,
    /// Label index.
    pub label: usize,
    /// Probability of the label.
    pub p: f64,
}

/// The aggregated corpus view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Corpus {
    /// Actor names (display spelling), indexed by the rows, timelines and article actors.
    pub actors: Vec<String>,
    /// The actor × topic table, most reported first.
    pub table: Vec<TableRow>,
    /// Stances over time of the `top` actors with the most dated articles.
    pub timelines: Vec<Timeline>,
    /// For each observation, in input order, the index of its actor in `actors`.
    pub actor_of: Vec<usize>,
}

/// The grouping key of an actor name: lowercase, without a leading "the", single spaces.
pub fn actor_key(name: &str) -> String {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let words = match words.split_first() {
        Some((&"the", rest)) if !rest.is_empty() => rest,
        _ => &words[..],
    };
    words.join(" ")
}

/// Aggregates `observations` over `labels` (count); `top` timelines at most.
pub fn aggregate(observations: &[Observation], labels: usize, top: usize) -> Corpus {
    let mut corpus = Corpus::default();
    let mut actor_index: HashMap<String, usize> = HashMap::new();
    // Per actor: how often each spelling was used (in order of first use), to show the most
    // common one.
    let mut spellings: Vec<Vec<(&str, usize)>> = Vec::new();
    let mut cells: HashMap<(usize, usize), (Vec<usize>, f64)> = HashMap::new();
    let mut cell_order: Vec<(usize, usize)> = Vec::new();
    let mut dated: Vec<Vec<TimePoint>> = Vec::new();
    for o in observations {
        let next = actor_index.len();
        let actor = *actor_index.entry(actor_key(o.name)).or_insert(next);
        if actor == spellings.len() {
            spellings.push(Vec::new());
            dated.push(Vec::new());
        }
        match spellings[actor]
            .iter_mut()
            .find(|(name, _)| *name == o.name)
        {
            Some((_, n)) => *n += 1,
            None => spellings[actor].push((o.name, 1)),
        }
        corpus.actor_of.push(actor);
        let topic = o.topic;
        let cell = cells.entry((actor, topic)).or_insert_with(|| {
            cell_order.push((actor, topic));
            (vec![0; labels], 0.0)
        });
        cell.0[o.label] += 1;
        cell.1 += o.p;
        if let Some(date) = o.date {
            dated[actor].push(TimePoint {
                date: date.to_string(),
                article: o.article,
                label: o.label,
                p: o.p,
            });
        }
    }
    // The most used spelling; among equals the first used.
    corpus.actors = spellings
        .iter()
        .map(|counts| {
            counts
                .iter()
                .enumerate()
                .max_by_key(|&(order, (_, n))| (*n, std::cmp::Reverse(order)))
                .map(|(_, (name, _))| name.to_string())
                .unwrap_or_default()
        })
        .collect();
    corpus.table = cell_order
        .into_iter()
        .map(|key| {
            let (counts, p_sum) = &cells[&key];
            let articles: usize = counts.iter().sum();
            let stance = (0..labels)
                .max_by_key(|&l| (counts[l], std::cmp::Reverse(l)))
                .unwrap_or(0);
            TableRow {
                actor: key.0,
                topic: key.1,
                articles,
                counts: counts.clone(),
                stance,
                confidence: p_sum / articles.max(1) as f64,
            }
        })
        .collect();
    // Most reported first; the input order breaks ties (the sort is stable).
    corpus
        .table
        .sort_by_key(|row| std::cmp::Reverse(row.articles));
    let mut ranked: Vec<(usize, Vec<TimePoint>)> = dated
        .into_iter()
        .enumerate()
        .filter(|(_, points)| !points.is_empty())
        .collect();
    ranked.sort_by_key(|(_, points)| std::cmp::Reverse(points.len()));
    corpus.timelines = ranked
        .into_iter()
        .take(top)
        .map(|(actor, mut points)| {
            points.sort_by(|a, b| a.date.cmp(&b.date));
            Timeline { actor, points }
        })
        .collect();
    corpus
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(article: usize, name: &str, topic: usize, label: usize, p: f64) -> Observation<'_> {
        Observation {
            article,
            topic,
            date: article
                .is_multiple_of(2)
                .then_some(["2020-01-02", "2019-05-01"][article % 4 / 2]),
            name,
            label,
            p,
        }
    }

    #[test]
    fn actors_group_by_normalised_name_and_rows_count_labels() {
        let observations = [
            o(0, "The EU", 0, 0, 0.8),
            o(1, "the EU", 0, 0, 0.6),
            o(2, "the  EU", 0, 1, 0.7),
            o(3, "Iran", 0, 2, 0.5),
            o(4, "the EU", 1, 1, 0.9),
        ];
        let corpus = aggregate(&observations, 3, 5);
        assert_eq!(corpus.actors, ["the EU", "Iran"]);
        assert_eq!(corpus.actor_of, [0, 0, 0, 1, 0]);
        let first = &corpus.table[0];
        assert_eq!((first.actor, first.topic, first.articles), (0, 0, 3));
        assert_eq!(first.counts, [2, 1, 0]);
        assert_eq!(first.stance, 0);
        assert!((first.confidence - 0.7).abs() < 1e-9);
        assert_eq!(corpus.table.len(), 3);
        // The EU has three dated articles, sorted by date; Iran none.
        assert_eq!(corpus.timelines.len(), 1);
        let dates: Vec<&str> = corpus.timelines[0]
            .points
            .iter()
            .map(|p| p.date.as_str())
            .collect();
        assert_eq!(dates, ["2019-05-01", "2020-01-02", "2020-01-02"]);
        assert_eq!(actor_key("The  European Commission"), "european commission");
        assert_eq!(actor_key("The"), "the");
    }
}
