//! Training checkpoints: the model (a normal model folder), the optimizer's moments and the
//! loop's position, written to a temporary folder and renamed into place so that a kill at any
//! moment leaves either the previous checkpoint or the new one.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use candle_core::{Device, Tensor, Var};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::optimizer::AdamW;
use super::rotation;
use super::settings::TrainSettings;
use super::trainer::DevScores;
use crate::error::{Error, Result};
use crate::model::folder::write_atomically;
use crate::model::StanceModel;

/// The checkpoint folder inside a run's output folder.
pub const CHECKPOINT_DIR: &str = "checkpoint";
const STATE_FILE: &str = "state.json";
const OPTIMIZER_FILE: &str = "optimizer.safetensors";

/// Where the training loop stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainState {
    /// The run's settings.
    pub settings: TrainSettings,
    /// The classifier's labels.
    pub labels: Vec<String>,
    /// Fingerprint of the training and dev examples.
    pub data_fingerprint: String,
    /// Epochs completed.
    pub epoch: usize,
    /// Steps completed in the current epoch.
    pub step_in_epoch: usize,
    /// Steps completed in total.
    pub global_step: usize,
    /// Sum of step losses in the current epoch.
    pub epoch_loss_sum: f64,
    /// Steps summed in `epoch_loss_sum`.
    pub epoch_steps: usize,
    /// Sum of step losses since the last log line.
    pub window_loss_sum: f64,
    /// Steps summed in `window_loss_sum`.
    pub window_steps: usize,
    /// Best dev score so far.
    pub best_score: Option<f64>,
    /// Epoch of the best dev score (1-based; 0 before any).
    pub best_epoch: usize,
    /// Dev scores of the best epoch.
    pub best_dev: Option<DevScores>,
    /// Epochs since the best one.
    pub epochs_without_improvement: usize,
    /// The metrics log so far.
    pub history: Vec<serde_json::Value>,
}

impl TrainState {
    /// The state of a run that has not started.
    pub fn new(settings: TrainSettings, labels: Vec<String>, data_fingerprint: String) -> Self {
        TrainState {
            settings,
            labels,
            data_fingerprint,
            epoch: 0,
            step_in_epoch: 0,
            global_step: 0,
            epoch_loss_sum: 0.0,
            epoch_steps: 0,
            window_loss_sum: 0.0,
            window_steps: 0,
            best_score: None,
            best_epoch: 0,
            best_dev: None,
            epochs_without_improvement: 0,
            history: Vec::new(),
        }
    }
}

/// Writes a checkpoint to `dir`, replacing the previous one only once the new one is complete
/// (see [`super::rotation`]: a kill at any instant leaves a checkpoint to resume from).
pub fn save(
    dir: &Path,
    model: &StanceModel,
    optimizer: &AdamW,
    vars: &[(String, Var)],
    state: &TrainState,
) -> Result<()> {
    save_with(dir, |partial| model.save(partial), optimizer, vars, state)
}

/// [`save`] for any model and loop state: `save_model` writes the model folder into the
/// checkpoint being written (the tagger's loop uses it too).
pub fn save_with<S: Serialize>(
    dir: &Path,
    save_model: impl Fn(&Path) -> Result<()>,
    optimizer: &AdamW,
    vars: &[(String, Var)],
    state: &S,
) -> Result<()> {
    rotation::replace(
        dir,
        STATE_FILE,
        |partial| write(partial, &save_model, optimizer, vars, state),
        |_| false,
    )
}

fn write<S: Serialize>(
    partial: &Path,
    save_model: &impl Fn(&Path) -> Result<()>,
    optimizer: &AdamW,
    vars: &[(String, Var)],
    state: &S,
) -> Result<()> {
    save_model(partial)?;
    let moments = optimizer.state_tensors(vars);
    let optimizer_path = partial.join(OPTIMIZER_FILE);
    candle_core::safetensors::save(&moments, &optimizer_path).map_err(|e| {
        Error::InvalidInput(format!("{}: cannot write: {e}", optimizer_path.display()))
    })?;
    // The state is written last: its presence marks the checkpoint complete.
    let text = serde_json::to_string(state).map_err(|e| Error::InvalidInput(e.to_string()))?;
    write_atomically(&partial.join(STATE_FILE), text.as_bytes())
}

/// Reads the checkpoint in `dir`, first putting right what an interrupted [`save`] left (the
/// newest complete checkpoint is kept, leftovers are deleted).
pub fn load(dir: &Path) -> Result<(TrainState, HashMap<String, Tensor>)> {
    load_with(dir)
}

/// [`load`] for any loop state written by [`save_with`].
pub fn load_with<S: DeserializeOwned>(dir: &Path) -> Result<(S, HashMap<String, Tensor>)> {
    if !rotation::recover(dir, STATE_FILE)? {
        return Err(Error::InvalidInput(format!(
            "{}: no checkpoint to resume from (is this the --output of a `stance train` run \
             that did not finish?)",
            dir.display()
        )));
    }
    let state_path = dir.join(STATE_FILE);
    let text = std::fs::read_to_string(&state_path).map_err(|e| Error::io(&state_path, e))?;
    let state: S = serde_json::from_str(&text).map_err(|e| Error::Json {
        path: state_path.clone(),
        message: e.to_string(),
    })?;
    let optimizer_path = dir.join(OPTIMIZER_FILE);
    let moments = candle_core::safetensors::load(&optimizer_path, &Device::Cpu).map_err(|e| {
        Error::InvalidWeights {
            path: optimizer_path.clone(),
            message: e.to_string(),
        }
    })?;
    Ok((state, moments))
}

/// Whether `dir` holds a checkpoint, or an interrupted [`save`] left one beside it.
pub fn exists(dir: &Path) -> bool {
    [
        dir.to_path_buf(),
        rotation::sibling(dir, ".partial"),
        rotation::sibling(dir, ".old"),
    ]
    .iter()
    .any(|p| p.join(STATE_FILE).is_file())
}

/// Deletes a checkpoint folder and whatever an interrupted [`save`] left beside it.
pub fn remove(dir: &Path) -> Result<()> {
    for path in [
        dir.to_path_buf(),
        rotation::sibling(dir, ".partial"),
        rotation::sibling(dir, ".old"),
    ] {
        rotation::remove_if_present(&path)?;
    }
    Ok(())
}

/// Replaces the log at `path` with `history`.
pub fn rewrite_log(path: &Path, history: &[serde_json::Value]) -> Result<()> {
    let mut text = String::new();
    for line in history {
        text.push_str(&line.to_string());
        text.push('\n');
    }
    write_atomically(path, text.as_bytes())
}

/// Appends one line to the log at `path`.
pub fn append_log(path: &Path, line: &serde_json::Value) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    writeln!(file, "{line}").map_err(|e| Error::io(path, e))
}
