//! Scoring a model on labelled examples: predictions, metrics and their table.

pub mod calibrate;
pub mod metrics;
mod table;

use serde::Serialize;

pub use metrics::{ClassScores, Metrics, Report, TopicMetrics};
pub use table::render_table;

use crate::data::schema::Example;
use crate::error::{Error, Result};
use crate::model::{PairInput, StanceModel};

/// Examples classified per call, so that progress can be reported while sorting by length still
/// pays off.
const CHUNK: usize = 1024;

/// The model's decision on one labelled example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// The example's id.
    pub id: String,
    /// The topic.
    pub topic: String,
    /// The actor, when the example has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The gold label.
    pub gold: String,
    /// The predicted label.
    pub predicted: String,
    /// Probability of each label, in label order.
    pub probabilities: Vec<f32>,
    /// Logits, in label order.
    #[serde(skip)]
    pub logits: Vec<f32>,
}

/// Classifies `examples` and scores them. `progress` is told how many examples were done.
pub fn evaluate(
    model: &StanceModel,
    examples: &[Example],
    batch_size: usize,
    progress: &mut dyn FnMut(usize),
) -> Result<(Vec<Prediction>, Report)> {
    let labels = model.labels();
    let index_of = |label: &str| {
        labels.iter().position(|l| l == label).ok_or_else(|| {
            Error::InvalidInput(format!(
                "label `{label}` is not one of the model's labels ({})",
                labels.join(", ")
            ))
        })
    };
    let mut predictions = Vec::with_capacity(examples.len());
    for chunk in examples.chunks(CHUNK) {
        let pairs: Vec<PairInput> = chunk
            .iter()
            .map(|e| PairInput {
                topic: &e.topic,
                actor: e.actor.as_deref(),
                context: &e.text,
            })
            .collect();
        let results = model.classify(&pairs, batch_size)?;
        for (example, result) in chunk.iter().zip(results) {
            predictions.push(Prediction {
                id: example.id.clone(),
                topic: example.topic.clone(),
                actor: example.actor.clone(),
                gold: example.label.clone(),
                predicted: result.label,
                probabilities: result.probabilities,
                logits: result.logits,
            });
        }
        progress(chunk.len());
    }
    let gold = predictions
        .iter()
        .map(|p| index_of(&p.gold))
        .collect::<Result<Vec<_>>>()?;
    let predicted = predictions
        .iter()
        .map(|p| index_of(&p.predicted))
        .collect::<Result<Vec<_>>>()?;
    let topics: Vec<String> = predictions.iter().map(|p| p.topic.clone()).collect();
    let report = Report::compute(labels, &topics, &gold, &predicted);
    Ok((predictions, report))
}

/// Fits the softmax temperature of `model` on labelled `examples` (see [`calibrate`]).
pub fn calibrate_on(
    model: &StanceModel,
    examples: &[Example],
    batch_size: usize,
) -> Result<calibrate::Calibration> {
    let (predictions, _) = evaluate(model, examples, batch_size, &mut |_| {})?;
    let labels = model.labels();
    let gold: Vec<usize> = predictions
        .iter()
        .map(|p| labels.iter().position(|l| *l == p.gold).unwrap_or(0))
        .collect();
    let logits: Vec<Vec<f32>> = predictions.into_iter().map(|p| p.logits).collect();
    Ok(calibrate::fit_temperature(&logits, &gold))
}
