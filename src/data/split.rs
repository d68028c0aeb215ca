//! Carving a dev set out of a labelled file: a seeded random choice of lines, each line copied
//! byte for byte, the original order kept in both outputs.

use std::io::BufRead;
use std::path::Path;

use rand::rngs::StdRng;
use rand::seq::index::sample;
use rand::SeedableRng;

use crate::error::{Error, Result};
use crate::model::folder::write_atomically;

/// How many lines each output received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitCounts {
    /// Lines kept for training.
    pub train: usize,
    /// Lines moved to dev.
    pub dev: usize,
}

/// Splits the JSONL file `input` into `train_out` and `dev_out`, sending `dev_count` lines chosen
/// with `seed` to dev. Every non-blank line must be valid JSON.
pub fn split_file(
    input: &Path,
    dev_count: usize,
    seed: u64,
    train_out: &Path,
    dev_out: &Path,
) -> Result<SplitCounts> {
    let file = std::fs::File::open(input).map_err(|e| Error::io(input, e))?;
    let mut lines = Vec::new();
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let record_error = |message: String| Error::Record {
            path: input.to_path_buf(),
            line: index + 1,
            message,
        };
        let line = line.map_err(|e| record_error(format!("cannot read: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        serde_json::from_str::<serde_json::Value>(&line)
            .map_err(|e| record_error(format!("invalid JSON: {e}")))?;
        lines.push(line);
    }
    if dev_count >= lines.len() {
        return Err(Error::InvalidInput(format!(
            "{}: cannot move {dev_count} of {} records to dev",
            input.display(),
            lines.len()
        )));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut is_dev = vec![false; lines.len()];
    for i in sample(&mut rng, lines.len(), dev_count) {
        is_dev[i] = true;
    }
    let (mut train, mut dev) = (String::new(), String::new());
    for (line, dev_line) in lines.iter().zip(&is_dev) {
        let target = if *dev_line { &mut dev } else { &mut train };
        target.push_str(line);
        target.push('\n');
    }
    write_atomically(train_out, train.as_bytes())?;
    write_atomically(dev_out, dev.as_bytes())?;
    Ok(SplitCounts {
        train: lines.len() - dev_count,
        dev: dev_count,
    })
}
