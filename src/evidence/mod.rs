//! Learned evidence: does a sentence carry the actor's stance on the topic at all?
//!
//! A scorer is an ordinary `stance` classifier with the labels
//! [`EVIDENCE`](crate::data::evidence::EVIDENCE_LABEL) and
//! [`OTHER`](crate::data::evidence::OTHER_LABEL), trained on sentence records
//! (`stance data evidence --sentences`): the sentences annotators marked as showing an actor's
//! stance against the actor's other sentences. A stance model that carries a scorer in its
//! folder (`evidence/`, with `stance.evidence_threshold` in its config; `stance model
//! add-evidence`) decides NONE through it: see [`EvidenceGate`].

mod gate;

pub use gate::{EvidenceGate, EVIDENCE_FOLDER};
