//! Entity-level precision, recall and F1 as conlleval counts them: a predicted entity is right
//! only if its first word, last word and type all match a gold entity.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::tags::spans;

/// Precision, recall and F1 of one entity type (or of all), with the counts behind them.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct EntityScores {
    /// Predicted entities that match a gold one.
    pub correct: usize,
    /// Predicted entities.
    pub predicted: usize,
    /// Gold entities.
    pub gold: usize,
    /// correct / predicted (0 when nothing was predicted).
    pub precision: f64,
    /// correct / gold (0 when there is no gold entity).
    pub recall: f64,
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub f1: f64,
}

impl EntityScores {
    fn from_counts(correct: usize, predicted: usize, gold: usize) -> Self {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(correct, predicted);
        let recall = ratio(correct, gold);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        EntityScores {
            correct,
            predicted,
            gold,
            precision,
            recall,
            f1,
        }
    }
}

/// The scores of a tagged set: over all entities and per type.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NerReport {
    /// Sentences (or documents) scored.
    pub sentences: usize,
    /// Words scored.
    pub words: usize,
    /// Words whose tag is right.
    pub tag_accuracy: f64,
    /// All entities together (micro-averaged, conlleval's headline figure).
    pub overall: EntityScores,
    /// Per entity type.
    pub per_type: BTreeMap<String, EntityScores>,
}

/// Counts gold and predicted entities sentence by sentence.
#[derive(Debug, Clone, Default)]
pub struct EntityCounter {
    sentences: usize,
    words: usize,
    right_tags: usize,
    /// Per type: correct, predicted, gold.
    counts: BTreeMap<String, (usize, usize, usize)>,
}

impl EntityCounter {
    /// Adds one sentence's gold and predicted tags (same length).
    pub fn add<G: AsRef<str>, P: AsRef<str>>(&mut self, gold: &[G], predicted: &[P]) {
        self.sentences += 1;
        self.words += gold.len();
        self.right_tags += gold
            .iter()
            .zip(predicted)
            .filter(|(g, p)| g.as_ref() == p.as_ref())
            .count();
        let gold = spans(gold);
        let predicted = spans(predicted);
        for span in &gold {
            self.counts.entry(span.kind.clone()).or_default().2 += 1;
        }
        for span in &predicted {
            let entry = self.counts.entry(span.kind.clone()).or_default();
            entry.1 += 1;
            if gold.contains(span) {
                entry.0 += 1;
            }
        }
    }

    /// The scores so far.
    ///
    /// ```
    /// use stance::ner::metrics::EntityCounter;
    /// let mut counter = EntityCounter::default();
    /// // Gold: "Angela Merkel" PER, "Paris" LOC; predicted: "Merkel" PER (wrong start), Paris LOC.
    /// counter.add(&["B-PER", "I-PER", "O", "B-LOC"], &["O", "B-PER", "O", "B-LOC"]);
    /// let report = counter.report();
    /// assert_eq!((report.overall.correct, report.overall.predicted, report.overall.gold), (1, 2, 2));
    /// assert_eq!(report.overall.f1, 0.5);
    /// assert_eq!(report.per_type["LOC"].f1, 1.0);
    /// ```
    pub fn report(&self) -> NerReport {
        let (mut correct, mut predicted, mut gold) = (0, 0, 0);
        let per_type = self
            .counts
            .iter()
            .map(|(kind, &(c, p, g))| {
                correct += c;
                predicted += p;
                gold += g;
                (kind.clone(), EntityScores::from_counts(c, p, g))
            })
            .collect();
        NerReport {
            sentences: self.sentences,
            words: self.words,
            tag_accuracy: if self.words == 0 {
                0.0
            } else {
                self.right_tags as f64 / self.words as f64
            },
            overall: EntityScores::from_counts(correct, predicted, gold),
            per_type,
        }
    }
}

/// The report as a table: one row per type, then all.
pub fn render_ner_table(report: &NerReport) -> String {
    let mut out = format!(
        "{} sentences, {} words, tag accuracy {:.4}\n{:<8} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8}\n",
        report.sentences,
        report.words,
        report.tag_accuracy,
        "type",
        "precision",
        "recall",
        "F1",
        "correct",
        "found",
        "gold"
    );
    let rows = report
        .per_type
        .iter()
        .map(|(k, s)| (k.as_str(), s))
        .chain(std::iter::once(("all", &report.overall)));
    for (kind, s) in rows {
        out.push_str(&format!(
            "{kind:<8} {:>9.4} {:>9.4} {:>9.4} {:>8} {:>8} {:>8}\n",
            s.precision, s.recall, s.f1, s.correct, s.predicted, s.gold
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_error_counts_as_one_false_positive_and_one_miss() {
        let mut counter = EntityCounter::default();
        counter.add(&["B-ORG", "I-ORG"], &["B-LOC", "I-LOC"]);
        counter.add(&["O"], &["O"]);
        let r = counter.report();
        assert_eq!(r.per_type["ORG"].gold, 1);
        assert_eq!(r.per_type["ORG"].predicted, 0);
        assert_eq!(r.per_type["LOC"].predicted, 1);
        assert_eq!(r.overall.f1, 0.0);
        assert_eq!(r.sentences, 2);
        assert!((r.tag_accuracy - 1.0 / 3.0).abs() < 1e-12);
        assert!(render_ner_table(&r).contains("all"));
    }
}
