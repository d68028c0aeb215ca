//! The NONE decision of a stance model from its evidence scorer.

use crate::data::evidence::EVIDENCE_LABEL;
use crate::error::{Error, Result};
use crate::model::input::PairInput;
use crate::model::kernels::KernelChoice;
use crate::model::{Classification, StanceModel};
use crate::text::sentences::split_sentences;

/// The sub-folder of a stance model folder that holds its evidence scorer.
pub const EVIDENCE_FOLDER: &str = "evidence";

/// Decides NONE when no sentence of a context carries the actor's stance on the topic.
///
/// The stance score of a context is the highest `P(EVIDENCE)` over its sentences. Below the
/// threshold the label is NONE, and the probabilities become
/// `P(NONE) = (1 - s) + s · p(NONE)`, `P(other) = s · p(other)`: the classifier's view weighed
/// by the chance that there is a stance at all. At or above it the classifier decides alone.
pub struct EvidenceGate {
    scorer: StanceModel,
    evidence: usize,
    threshold: f32,
}

impl EvidenceGate {
    /// Chooses the scorer's kernels.
    pub fn set_kernels(&mut self, kernels: crate::model::kernels::Kernels) {
        self.scorer.set_kernels(kernels);
    }

    /// Frees the scorer's f32 linear weights packed for its precision (see
    /// [`StanceModel::keep_only_packed`]); returns how many layers were freed.
    pub fn keep_only_packed(&mut self) -> usize {
        self.scorer.keep_only_packed()
    }

    /// Wraps `scorer`, which must have the label EVIDENCE; `threshold` is between 0 and 0.5 so
    /// that a gated NONE is also the most probable label.
    pub fn new(scorer: StanceModel, threshold: f64) -> Result<Self> {
        let evidence = scorer
            .labels()
            .iter()
            .position(|l| l == EVIDENCE_LABEL)
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "an evidence scorer needs the label {EVIDENCE_LABEL}; this one has {}",
                    scorer.labels().join(", ")
                ))
            })?;
        check_threshold(threshold)?;
        Ok(EvidenceGate {
            scorer,
            evidence,
            threshold: threshold as f32,
        })
    }

    /// The scorer model.
    pub fn scorer(&self) -> &StanceModel {
        &self.scorer
    }

    /// The threshold below which a context is NONE.
    pub fn threshold(&self) -> f64 {
        self.threshold as f64
    }

    /// Changes the threshold (to choose it on dev data); see [`EvidenceGate::new`].
    pub fn set_threshold(&mut self, threshold: f64) -> Result<()> {
        check_threshold(threshold)?;
        self.threshold = threshold as f32;
        Ok(())
    }

    /// The stance score of each pair: the highest `P(EVIDENCE)` over the sentences of its
    /// context (0 for an empty context).
    pub fn stance_scores(&self, pairs: &[PairInput], batch_size: usize) -> Result<Vec<f32>> {
        let mut owners = Vec::new();
        let mut sentences = Vec::new();
        for (index, pair) in pairs.iter().enumerate() {
            for sentence in split_sentences(pair.context) {
                owners.push(index);
                sentences.push(PairInput {
                    context: sentence.text,
                    ..*pair
                });
            }
        }
        let scored = self.scorer.classify(&sentences, batch_size)?;
        let mut scores = vec![0.0f32; pairs.len()];
        for (owner, result) in owners.into_iter().zip(scored) {
            scores[owner] = scores[owner].max(result.probabilities[self.evidence]);
        }
        Ok(scores)
    }

    /// Applies the decision to one classification with stance score `score`; `none` is the
    /// index of NONE among the stance model's `labels`.
    pub fn decide(
        &self,
        classification: &mut Classification,
        score: f32,
        none: usize,
        labels: &[String],
    ) {
        apply(self.threshold, classification, score, none, labels);
    }
}

/// A threshold above 0.5 could gate a context to NONE without NONE being the most probable label.
fn check_threshold(threshold: f64) -> Result<()> {
    if (0.0..=0.5).contains(&threshold) {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "the evidence threshold must be between 0 and 0.5, not {threshold}"
        )))
    }
}

/// The decision of [`EvidenceGate::decide`] for `threshold`.
fn apply(
    threshold: f32,
    classification: &mut Classification,
    score: f32,
    none: usize,
    labels: &[String],
) {
    classification.evidence_score = Some(score);
    if score >= threshold {
        return;
    }
    for (index, p) in classification.probabilities.iter_mut().enumerate() {
        *p = if index == none {
            (1.0 - score) + score * *p
        } else {
            score * *p
        };
    }
    classification.label = labels[none].clone();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::input::EncodedPair;

    fn classification(probabilities: Vec<f32>) -> Classification {
        Classification {
            label: "FAVOR".into(),
            probabilities,
            logits: vec![0.0; 3],
            encoded: EncodedPair {
                input_ids: vec![],
                token_type_ids: vec![],
                truncated: false,
            },
            evidence_score: None,
        }
    }

    #[test]
    fn a_low_score_makes_none_and_a_high_one_leaves_the_classifier() {
        let labels: Vec<String> = ["FAVOR", "AGAINST", "NONE"].map(String::from).to_vec();
        let gate_decide = |score: f32| {
            let mut c = classification(vec![0.7, 0.2, 0.1]);
            apply(0.3, &mut c, score, 2, &labels);
            c
        };
        let kept = gate_decide(0.8);
        assert_eq!(kept.label, "FAVOR");
        assert_eq!(kept.probabilities, vec![0.7, 0.2, 0.1]);
        let gated = gate_decide(0.1);
        assert_eq!(gated.label, "NONE");
        let p = &gated.probabilities;
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!((p[2] - (0.9 + 0.01)).abs() < 1e-6 && p[2] > p[0]);
        assert_eq!(gated.evidence_score, Some(0.1));
    }
}
