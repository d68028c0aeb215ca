//! The loss weight of each training example: its file's source weight times its label's
//! balancing weight, the labels balanced over the whole mix or within each file.
//!
//! Weighing the loss is sampling in expectation: a file of weight 2 counts as if each of its
//! examples were seen twice, without the repeated batches of a file given twice.

use serde::{Deserialize, Serialize};

use super::loss::balanced_class_weights;

/// How the labels are balanced in the loss. Settings written before per-source balance existed
/// hold `true` (read as [`ClassBalance::Overall`]) or `false` ([`ClassBalance::Off`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", from = "StoredBalance")]
pub enum ClassBalance {
    /// Inverse label frequency over all training files together.
    #[default]
    Overall,
    /// Inverse label frequency within each training file, so that a file that leans towards one
    /// label does not teach that lean (each file keeps its total weight).
    PerSource,
    /// Every label weighs 1.
    Off,
}

/// What a settings file may hold for [`ClassBalance`].
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredBalance {
    Flag(bool),
    Named(NamedBalance),
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum NamedBalance {
    Overall,
    PerSource,
    Off,
}

impl From<StoredBalance> for ClassBalance {
    fn from(stored: StoredBalance) -> Self {
        match stored {
            StoredBalance::Flag(true) | StoredBalance::Named(NamedBalance::Overall) => {
                ClassBalance::Overall
            }
            StoredBalance::Flag(false) | StoredBalance::Named(NamedBalance::Off) => {
                ClassBalance::Off
            }
            StoredBalance::Named(NamedBalance::PerSource) => ClassBalance::PerSource,
        }
    }
}

/// Per-example loss weights and, for the summary, the mean weight of each label.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleWeights {
    /// One weight per example, in the examples' order.
    pub per_example: Vec<f32>,
    /// The mean weight of the examples of each label (1 for a label with no example).
    pub mean_per_label: Vec<f32>,
}

/// The weights of examples whose labels are `targets` (indices below `num_labels`) and whose
/// files are `sources` (indices into `source_weights`; an empty `source_weights` weighs every
/// file 1).
///
/// ```
/// use stance::train::weights::{example_weights, ClassBalance};
/// // File 0 leans AGAINST (label 1) three to one; file 1 has one FAVOR example.
/// let w = example_weights(&[0, 1, 1, 1, 0], &[0, 0, 0, 0, 1], 2, ClassBalance::PerSource, &[]);
/// // Within file 0 each label gets half the file's weight of 4: 2 for the FAVOR example, 2/3
/// // for each AGAINST one; the single example of file 1 keeps weight 1.
/// assert_eq!(w.per_example[0], 2.0);
/// assert!((w.per_example[1] - 2.0 / 3.0).abs() < 1e-6);
/// assert_eq!(w.per_example[4], 1.0);
/// ```
pub fn example_weights(
    targets: &[u32],
    sources: &[usize],
    num_labels: usize,
    balance: ClassBalance,
    source_weights: &[f64],
) -> ExampleWeights {
    let source_count = sources.iter().map(|&s| s + 1).max().unwrap_or(0);
    let label_weights: Vec<Vec<f32>> = match balance {
        ClassBalance::Off => vec![vec![1.0; num_labels]; source_count],
        ClassBalance::Overall => {
            let counts = count_labels(targets.iter().copied(), num_labels);
            vec![balanced_class_weights(&counts); source_count]
        }
        ClassBalance::PerSource => (0..source_count)
            .map(|source| {
                let counts = count_labels(
                    targets
                        .iter()
                        .zip(sources)
                        .filter(|(_, &s)| s == source)
                        .map(|(&t, _)| t),
                    num_labels,
                );
                balanced_class_weights(&counts)
            })
            .collect(),
    };
    let per_example: Vec<f32> = targets
        .iter()
        .zip(sources)
        .map(|(&t, &s)| {
            let file = source_weights.get(s).copied().unwrap_or(1.0) as f32;
            file * label_weights[s][t as usize]
        })
        .collect();
    let mut sums = vec![0f32; num_labels];
    let counts = count_labels(targets.iter().copied(), num_labels);
    for (&t, &w) in targets.iter().zip(&per_example) {
        sums[t as usize] += w;
    }
    let mean_per_label = sums
        .iter()
        .zip(&counts)
        .map(|(&sum, &n)| if n == 0 { 1.0 } else { sum / n as f32 })
        .collect();
    ExampleWeights {
        per_example,
        mean_per_label,
    }
}

fn count_labels(targets: impl Iterator<Item = u32>, num_labels: usize) -> Vec<usize> {
    let mut counts = vec![0usize; num_labels];
    for t in targets {
        counts[t as usize] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGETS: [u32; 6] = [0, 1, 1, 1, 0, 2];
    const SOURCES: [usize; 6] = [0, 0, 0, 0, 1, 1];

    #[test]
    fn overall_balance_matches_the_label_frequencies_of_the_whole_mix() {
        let w = example_weights(&TARGETS, &SOURCES, 3, ClassBalance::Overall, &[]);
        let expected = balanced_class_weights(&[2, 3, 1]);
        let got: Vec<f32> = TARGETS.iter().map(|&t| expected[t as usize]).collect();
        assert_eq!(w.per_example, got);
        assert_eq!(w.mean_per_label, expected);
    }

    #[test]
    fn per_source_balance_gives_each_label_of_a_file_an_equal_share_of_its_weight() {
        let w = example_weights(&TARGETS, &SOURCES, 3, ClassBalance::PerSource, &[]);
        // File 0: FAVOR 1, AGAINST 3 → 2 and 2/3; file 1: FAVOR 1, NONE 1 → 1 each.
        let expected = [2.0, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0, 1.0, 1.0];
        for (got, want) in w.per_example.iter().zip(expected) {
            assert!((got - want).abs() < 1e-6, "{:?}", w.per_example);
        }
        let file0: f32 = w.per_example[..4].iter().sum();
        assert!((file0 - 4.0).abs() < 1e-5, "a file keeps its total weight");
        // The lean of file 0 is gone: its FAVOR and AGAINST weigh the same in total.
        assert!((w.per_example[0] - 3.0 * w.per_example[1]).abs() < 1e-6);
    }

    #[test]
    fn source_weights_scale_a_files_examples() {
        let w = example_weights(&TARGETS, &SOURCES, 3, ClassBalance::Off, &[1.0, 0.5]);
        assert_eq!(w.per_example, vec![1.0, 1.0, 1.0, 1.0, 0.5, 0.5]);
        assert_eq!(w.mean_per_label, vec![0.75, 1.0, 0.5]);
    }

    #[test]
    fn settings_written_with_a_flag_still_read() {
        let read = |json: &str| serde_json::from_str::<ClassBalance>(json).unwrap();
        assert_eq!(read("true"), ClassBalance::Overall);
        assert_eq!(read("false"), ClassBalance::Off);
        assert_eq!(read("\"per_source\""), ClassBalance::PerSource);
        let written = serde_json::to_string(&ClassBalance::PerSource).unwrap();
        assert_eq!(read(&written), ClassBalance::PerSource);
        assert!(serde_json::from_str::<ClassBalance>("\"sometimes\"").is_err());
    }

    #[test]
    fn a_label_without_examples_weighs_one_in_the_summary() {
        let w = example_weights(&[0, 0], &[0, 0], 3, ClassBalance::PerSource, &[]);
        assert_eq!(w.mean_per_label, vec![1.0, 1.0, 1.0]);
    }
}
