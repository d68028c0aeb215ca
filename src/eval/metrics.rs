//! Classification metrics: accuracy, per-class precision/recall/F1, macro-F1, the SemEval-2016
//! F_avg and a confusion matrix, overall and per topic.
//!
//! Conventions (stated because libraries differ):
//! - precision of a class never predicted, recall of a class with no gold example, and F1 when
//!   precision + recall = 0 are 0;
//! - macro-F1 averages the classes that occur in the gold labels or the predictions, so a
//!   two-class dataset scored by a three-label model is not penalised for the unused label;
//! - F_avg = (F1(FAVOR) + F1(AGAINST)) / 2, the SemEval-2016 Task 6 measure, present when the
//!   label set has both.

use serde::Serialize;

/// Scores of one class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassScores {
    /// The class label.
    pub label: String,
    /// Correct predictions of the class / all predictions of it.
    pub precision: f64,
    /// Correct predictions of the class / gold examples of it.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Gold examples of the class.
    pub support: usize,
    /// Predictions of the class.
    pub predicted: usize,
}

/// Metrics of one set of predictions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Number of examples.
    pub total: usize,
    /// Fraction predicted correctly.
    pub accuracy: f64,
    /// Mean F1 over the classes present in gold or predictions.
    pub macro_f1: f64,
    /// SemEval-2016 F_avg: mean of F1(FAVOR) and F1(AGAINST); `None` without those labels.
    pub f_avg: Option<f64>,
    /// Per-class scores, in label order.
    pub classes: Vec<ClassScores>,
    /// `confusion[gold][predicted]` counts, in label order.
    pub confusion: Vec<Vec<usize>>,
}

impl Metrics {
    /// Scores `predicted` against `gold`, both label indices into `labels`.
    ///
    /// Indices out of range are a programming error and panic; callers map labels first.
    pub fn compute(labels: &[String], gold: &[usize], predicted: &[usize]) -> Metrics {
        assert_eq!(gold.len(), predicted.len(), "one prediction per gold label");
        let k = labels.len();
        let mut confusion = vec![vec![0usize; k]; k];
        for (&g, &p) in gold.iter().zip(predicted) {
            confusion[g][p] += 1;
        }
        let total = gold.len();
        let correct: usize = (0..k).map(|i| confusion[i][i]).sum();
        let classes: Vec<ClassScores> = (0..k)
            .map(|c| {
                let support: usize = confusion[c].iter().sum();
                let predicted: usize = confusion.iter().map(|row| row[c]).sum();
                let hit = confusion[c][c] as f64;
                let precision = ratio(hit, predicted as f64);
                let recall = ratio(hit, support as f64);
                ClassScores {
                    label: labels[c].clone(),
                    precision,
                    recall,
                    f1: ratio(2.0 * precision * recall, precision + recall),
                    support,
                    predicted,
                }
            })
            .collect();
        let present: Vec<&ClassScores> = classes
            .iter()
            .filter(|c| c.support > 0 || c.predicted > 0)
            .collect();
        let macro_f1 = ratio(
            present.iter().map(|c| c.f1).sum::<f64>(),
            present.len() as f64,
        );
        let f1_of = |label: &str| classes.iter().find(|c| c.label == label).map(|c| c.f1);
        let f_avg = match (f1_of("FAVOR"), f1_of("AGAINST")) {
            (Some(favor), Some(against)) => Some((favor + against) / 2.0),
            _ => None,
        };
        Metrics {
            total,
            accuracy: ratio(correct as f64, total as f64),
            macro_f1,
            f_avg,
            classes,
            confusion,
        }
    }
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator == 0.0 {
        0.0
    } else {
        numerator / denominator
    }
}

/// Metrics overall and for each topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The label set, in id order.
    pub labels: Vec<String>,
    /// All examples together (micro).
    pub overall: Metrics,
    /// Mean of the per-topic F_avg values (SemEval's "macro over targets").
    pub f_avg_topic_macro: Option<f64>,
    /// Mean of the per-topic macro-F1 values.
    pub macro_f1_topic_macro: f64,
    /// Each topic's metrics, topics sorted by name.
    pub topics: Vec<TopicMetrics>,
}

/// The metrics of one topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicMetrics {
    /// The topic.
    pub topic: String,
    /// Its metrics.
    pub metrics: Metrics,
}

impl Report {
    /// Scores predictions grouped by `topics` (one topic per example).
    pub fn compute(
        labels: &[String],
        topics: &[String],
        gold: &[usize],
        predicted: &[usize],
    ) -> Report {
        let overall = Metrics::compute(labels, gold, predicted);
        let mut names: Vec<&String> = topics.iter().collect();
        names.sort();
        names.dedup();
        let topic_metrics: Vec<TopicMetrics> = names
            .into_iter()
            .map(|topic| {
                let rows: Vec<usize> = (0..topics.len()).filter(|&i| &topics[i] == topic).collect();
                let g: Vec<usize> = rows.iter().map(|&i| gold[i]).collect();
                let p: Vec<usize> = rows.iter().map(|&i| predicted[i]).collect();
                TopicMetrics {
                    topic: topic.clone(),
                    metrics: Metrics::compute(labels, &g, &p),
                }
            })
            .collect();
        let n = topic_metrics.len() as f64;
        let f_avg_topic_macro = overall.f_avg.map(|_| {
            ratio(
                topic_metrics.iter().filter_map(|t| t.metrics.f_avg).sum(),
                n,
            )
        });
        let macro_f1_topic_macro = ratio(topic_metrics.iter().map(|t| t.metrics.macro_f1).sum(), n);
        Report {
            labels: labels.to_vec(),
            overall,
            f_avg_topic_macro,
            macro_f1_topic_macro,
            topics: topic_metrics,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        ["FAVOR", "AGAINST", "NONE"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn hand_computed_three_class_case() {
        // gold:      F F F A A N
        // predicted: F F A A N N
        // FAVOR:   tp 2, predicted 2, support 3 -> P 1, R 2/3, F1 0.8
        // AGAINST: tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2
        // NONE:    tp 1, predicted 2, support 1 -> P 1/2, R 1, F1 2/3
        let m = Metrics::compute(&labels(), &[0, 0, 0, 1, 1, 2], &[0, 0, 1, 1, 2, 2]);
        assert_eq!(m.total, 6);
        assert!(close(m.accuracy, 4.0 / 6.0));
        let f1: Vec<f64> = m.classes.iter().map(|c| c.f1).collect();
        assert!(close(f1[0], 0.8) && close(f1[1], 0.5) && close(f1[2], 2.0 / 3.0));
        assert!(close(m.classes[0].recall, 2.0 / 3.0));
        assert!(close(m.classes[1].precision, 0.5));
        assert!(close(m.macro_f1, (0.8 + 0.5 + 2.0 / 3.0) / 3.0));
        assert!(close(m.f_avg.unwrap(), 0.65));
        assert_eq!(
            m.confusion,
            vec![vec![2, 1, 0], vec![0, 1, 1], vec![0, 0, 1]]
        );
        assert_eq!(
            m.classes.iter().map(|c| c.support).collect::<Vec<_>>(),
            [3, 2, 1]
        );
    }

    #[test]
    fn absent_classes_do_not_count_in_macro_f1_and_empty_input_is_zero() {
        // Two-class data: NONE never occurs nor is predicted.
        let m = Metrics::compute(&labels(), &[0, 1, 1, 0], &[0, 1, 0, 0]);
        // FAVOR: tp 2, pred 3, sup 2 -> P 2/3, R 1, F1 0.8; AGAINST: tp 1, pred 1, sup 2 -> F1 2/3
        assert!(close(m.macro_f1, (0.8 + 2.0 / 3.0) / 2.0));
        assert_eq!(m.classes[2].f1, 0.0);
        let empty = Metrics::compute(&labels(), &[], &[]);
        assert_eq!((empty.accuracy, empty.macro_f1), (0.0, 0.0));
        let no_favor: Vec<String> = vec!["POS".into(), "NEG".into()];
        assert_eq!(Metrics::compute(&no_favor, &[0], &[1]).f_avg, None);
    }

    #[test]
    fn topic_macro_averages_each_topics_f_avg() {
        let topics: Vec<String> = ["b", "a", "a", "b"].iter().map(|s| s.to_string()).collect();
        // topic a: gold F A, pred F A -> F_avg 1; topic b: gold F A, pred A F -> F_avg 0.
        let r = Report::compute(&labels(), &topics, &[0, 0, 1, 1], &[1, 0, 1, 0]);
        assert_eq!(r.topics[0].topic, "a");
        assert!(close(r.topics[0].metrics.f_avg.unwrap(), 1.0));
        assert!(close(r.topics[1].metrics.f_avg.unwrap(), 0.0));
        assert!(close(r.f_avg_topic_macro.unwrap(), 0.5));
        assert!(close(r.overall.f_avg.unwrap(), 0.5));
    }
}
