//! `stance`'s half of the side-by-side benchmark (scripts/bench/run.sh runs it next to PyTorch
//! and ONNX Runtime on the same model folder and inputs):
//!
//! - `load`: seconds to load the model folder for inference;
//! - `infer_fixed`: sequences/s for a batch of 32 pairs padded to exactly 128 tokens (stance
//!   runs only their real tokens through the layers; the peers compute the padding too);
//! - `infer_full`: the same ids with every position attended, 32 × 128 tokens of work for all;
//! - `infer_semeval`: sequences/s over SemEval-2016 test pairs in file order, 32 per batch, each
//!   batch padded to its longest pair (tokenisation is done beforehand and not timed);
//! - `train_step`: seconds per full fine-tuning step (forward + loss, backward, AdamW) on the
//!   fixed batch, with the forward and backward parts timed separately.
//!
//! ```text
//! cargo bench --bench throughput -- --model DIR --pairs SEMEVAL_TEST.jsonl [--reps 5]
//!     [--out FILE.json] [--skip-train] [--unfused] [--precision f32|bf16|int8] [--mixed-training]
//! ```
//!
//! Threads follow RAYON_NUM_THREADS (candle's matmul and ops use that pool). Each figure is
//! measured `reps` times after one warm-up; min, median and max are reported.

use stance::model::kernels::KernelChoice;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use candle_core::{Device, Tensor};
use serde_json::json;
use stance::data::dataset::{load_examples, LoadOptions};
use stance::model::dense::Precision;
use stance::model::kernels::Kernels;
use stance::model::{
    ClassifierSpec, DropoutRng, EncodedPair, EncoderInput, PairInput, StanceModel, TrainScope,
};
use stance::train::loss::weighted_cross_entropy;
use stance::train::optimizer::{AdamW, AdamWConfig};

const BATCH: usize = 32;
const FIXED_LENGTH: usize = 128;

struct Args {
    model: PathBuf,
    pairs: PathBuf,
    reps: usize,
    out: Option<PathBuf>,
    skip_train: bool,
    unfused: bool,
    precision: Precision,
    mixed_training: bool,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        model: PathBuf::new(),
        pairs: PathBuf::new(),
        reps: 5,
        out: None,
        skip_train: false,
        unfused: false,
        precision: Precision::F32,
        mixed_training: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--model" => args.model = value()?.into(),
            "--pairs" => args.pairs = value()?.into(),
            "--reps" => args.reps = value()?.parse().context("--reps")?,
            "--out" => args.out = Some(value()?.into()),
            "--skip-train" => args.skip_train = true,
            // The op-by-op inference path, to measure what the fused kernels gain.
            "--unfused" => args.unfused = true,
            // The linear layers' inference arithmetic (f32 or bf16).
            "--precision" => {
                args.precision = value()?.parse().map_err(anyhow::Error::msg)?;
            }
            // The training step with bf16 products (mixed precision).
            "--mixed-training" => args.mixed_training = true,
            // cargo bench passes --bench to harness-less targets.
            "--bench" => {}
            other => bail!("unknown argument {other}"),
        }
    }
    if args.model.as_os_str().is_empty() || args.pairs.as_os_str().is_empty() {
        bail!("usage: throughput --model DIR --pairs PAIRS.jsonl [--reps N] [--out FILE] [--skip-train] [--unfused] [--precision f32|bf16|int8] [--mixed-training]");
    }
    Ok(args)
}

/// min / median / max of `values`.
fn summary(mut values: Vec<f64>) -> serde_json::Value {
    values.sort_by(f64::total_cmp);
    let median = values[values.len() / 2];
    json!({"min": values[0], "median": median, "max": values[values.len() - 1], "runs": values})
}

/// Runs `f` once to warm up, then `reps` times, returning each run's seconds.
fn timed<T>(reps: usize, mut f: impl FnMut() -> anyhow::Result<T>) -> anyhow::Result<Vec<f64>> {
    f()?;
    (0..reps)
        .map(|_| {
            let start = Instant::now();
            f()?;
            Ok(start.elapsed().as_secs_f64())
        })
        .collect()
}

/// Pads (or cuts) each pair to exactly `length` tokens, as a fixed-shape batch.
fn fixed_batch(pairs: &[EncodedPair], length: usize, pad_id: u32) -> anyhow::Result<EncoderInput> {
    let mut ids = Vec::with_capacity(pairs.len() * length);
    let mut types = Vec::with_capacity(pairs.len() * length);
    let mut mask = Vec::with_capacity(pairs.len() * length);
    for pair in pairs {
        let n = pair.input_ids.len().min(length);
        ids.extend_from_slice(&pair.input_ids[..n]);
        types.extend_from_slice(&pair.token_type_ids[..n]);
        mask.extend(std::iter::repeat_n(1u32, n));
        ids.extend(std::iter::repeat_n(pad_id, length - n));
        types.extend(std::iter::repeat_n(0u32, length - n));
        mask.extend(std::iter::repeat_n(0u32, length - n));
    }
    let shape = (pairs.len(), length);
    Ok(EncoderInput {
        input_ids: Tensor::from_vec(ids, shape, &Device::Cpu)?,
        token_type_ids: Tensor::from_vec(types, shape, &Device::Cpu)?,
        attention_mask: Tensor::from_vec(mask, shape, &Device::Cpu)?,
    })
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() -> anyhow::Result<()> {
    // As the `stance` binary does, so that the figures are the binary's.
    stance::memory::keep_freed_memory();
    let args = parse_args()?;
    let model_dir = args.model.to_string_lossy().into_owned();

    let load = timed(args.reps, || Ok(StanceModel::load(&model_dir)?))?;
    let kernels = Kernels {
        precision: args.precision,
        fused: !args.unfused,
        mixed_training: args.mixed_training,
    };
    let mut model = StanceModel::load(&model_dir)?;
    model.set_kernels(kernels);
    let examples = load_examples(&args.pairs, &LoadOptions::for_model(&model, false))?.examples;
    if examples.len() < BATCH {
        bail!("{}: need at least {BATCH} pairs", args.pairs.display());
    }
    let encoded: Vec<EncodedPair> = examples
        .iter()
        .map(|e| {
            model.inputs().encode(&PairInput {
                topic: &e.topic,
                actor: e.actor.as_deref(),
                context: &e.text,
            })
        })
        .collect::<Result<_, _>>()?;
    let pad_id = model.config().pad_token_id;
    let fixed = fixed_batch(&encoded[..BATCH], FIXED_LENGTH, pad_id)?;
    // The same ids with every position attended: 32 × 128 tokens of work, since stance leaves
    // padded rows out of inference and the peers compute them.
    let full = EncoderInput {
        attention_mask: fixed.attention_mask.ones_like()?,
        ..fixed.clone()
    };

    let infer_fixed = timed(args.reps, || {
        Ok(model.logits(&fixed, None)?.to_vec2::<f32>()?)
    })?;
    let infer_full = timed(args.reps, || {
        Ok(model.logits(&full, None)?.to_vec2::<f32>()?)
    })?;
    let batches: Vec<EncoderInput> = encoded
        .chunks(BATCH)
        .map(|chunk| {
            let rows: Vec<&EncodedPair> = chunk.iter().collect();
            model.inputs().batch(&rows, &Device::Cpu)
        })
        .collect::<Result<_, _>>()?;
    let infer_semeval = timed(args.reps, || {
        for batch in &batches {
            model.logits(batch, None)?.to_vec2::<f32>()?;
        }
        Ok(())
    })?;
    let per_second = |seconds: &[f64], sequences: usize| -> Vec<f64> {
        seconds.iter().map(|s| sequences as f64 / s).collect()
    };
    let mut report = json!({
        "load_s": summary(load),
        "infer_fixed": {"seq_per_s": summary(per_second(&infer_fixed, BATCH))},
        "infer_full": {"seq_per_s": summary(per_second(&infer_full, BATCH))},
        "fixed_real_tokens": fixed.attention_mask.sum_all()?.to_scalar::<u32>()?,
        "infer_semeval": {"seq_per_s": summary(per_second(&infer_semeval, encoded.len()))},
        "semeval_sequences": encoded.len(),
        "threads": candle_core::utils::get_num_threads(),
        "kernels": kernels.describe(),
    });
    drop(model);

    if !args.skip_train {
        let (mut trainable, _) =
            StanceModel::for_training(&args.model, &ClassifierSpec::default(), TrainScope::All, 0)?;
        trainable.set_kernels(kernels);
        let vars = trainable.trainable().to_vec();
        let mut optimizer = AdamW::new(AdamWConfig::default(), vars.len());
        let mut rng = DropoutRng::new(0);
        let targets: Vec<u32> = (0..BATCH as u32).map(|i| i % 3).collect();
        let weights = vec![1.0f32; targets.len()];
        let (mut forward, mut backward, mut update) = (Vec::new(), Vec::new(), Vec::new());
        for rep in 0..=args.reps {
            let start = Instant::now();
            let pass = trainable.training_forward(&fixed, &mut rng)?;
            let loss = weighted_cross_entropy(pass.logits(), &targets, &weights, BATCH as f32)?;
            loss.to_scalar::<f32>()?;
            let forward_s = start.elapsed().as_secs_f64();
            let start = Instant::now();
            let grads = pass.backward(&loss)?;
            let grads: Vec<Option<Tensor>> =
                vars.iter().map(|(_, v)| grads.get(v).cloned()).collect();
            let backward_s = start.elapsed().as_secs_f64();
            let start = Instant::now();
            optimizer.step(&vars, &grads, 5e-5)?;
            let update_s = start.elapsed().as_secs_f64();
            // The first step warms up.
            if rep > 0 {
                forward.push(forward_s);
                backward.push(backward_s);
                update.push(update_s);
            }
        }
        let steps: Vec<f64> = (0..forward.len())
            .map(|i| forward[i] + backward[i] + update[i])
            .collect();
        let ratios: Vec<f64> = (0..forward.len())
            .map(|i| backward[i] / forward[i])
            .collect();
        report["train_step"] = json!({
            "seconds": summary(steps),
            "forward_s": summary(forward),
            "backward_s": summary(backward),
            "optimizer_s": summary(update),
            "backward_over_forward": summary(ratios),
        });
    }
    report["peak_rss_mb"] = json!(peak_rss_mb());

    let text = serde_json::to_string_pretty(&report)?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?
        }
        None => println!("{text}"),
    }
    Ok(())
}
