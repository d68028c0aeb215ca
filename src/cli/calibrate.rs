//! `stance calibrate`: fit a model's softmax temperature on labelled dev data.

use stance::model::dense::Precision;
use stance::model::kernels::KernelChoice;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use stance::data::dataset::{load_examples, LoadOptions};
use stance::eval::calibrate_on;
use stance::model::StanceModel;

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Model folder to calibrate (its config.json is updated).
    #[arg(long, short)]
    model: PathBuf,
    /// Labelled dev JSONL (example- or article-level).
    data: PathBuf,
    /// Examples per forward pass.
    #[arg(long, default_value_t = 64)]
    batch_size: usize,
}

pub fn run(args: CalibrateArgs, precision: Precision) -> anyhow::Result<()> {
    let mut model = StanceModel::from_dir(&args.model)
        .with_context(|| format!("loading model {}", args.model.display()))?;
    model.set_precision(precision);
    let options = LoadOptions::for_model(&model, false);
    let loaded = load_examples(&args.data, &options)?;
    if loaded.examples.is_empty() {
        anyhow::bail!("{}: no labelled examples", args.data.display());
    }
    model.set_temperature(1.0)?;
    let c = calibrate_on(&model, &loaded.examples, args.batch_size)?;
    model.set_temperature(c.temperature)?;
    model.save_config(&args.model)?;
    println!(
        "temperature {:.4}: NLL {:.4} -> {:.4}, ECE {:.4} -> {:.4} on {} examples (saved in {})",
        c.temperature,
        c.nll_before,
        c.nll_after,
        c.ece_before,
        c.ece_after,
        loaded.examples.len(),
        args.model.join("config.json").display()
    );
    Ok(())
}
