//! The linear-layer kernels against candle's f32 matmul on the encoder's shapes, in one run:
//! each kernel's seconds and its speed as a multiple of f32's, measured side by side.
//!
//! ```text
//! cargo bench --bench kernels [-- --reps 9]
//! ```
//!
//! Shapes are MiniLM's (hidden 384, intermediate 1,536) over a 32 × 128 batch (4,096 rows) for
//! inference (a training step's input gradients `grad · W` have the same shapes), and the
//! weight gradients `gradᵀ · X` of training, whose inner width is the 4,096 rows. AMX
//! runs only where the CPU has it; a kernel the CPU lacks prints "-".

use std::time::Instant;

use anyhow::Context;
use candle_core::{Device, Tensor};
use candle_nn::{Linear, Module};
use stance::model::amx_gemm::{self, TileWeights};
use stance::model::amx_int8_gemm::{self, QuantizedTiles};
use stance::model::bf16_gemm::{self, PackedWeights};
use stance::model::epilogue::Epilogue;
use stance::model::int8_gemm::{self, QuantizedWeights};

/// (name, rows, inner, out)
const SHAPES: [(&str, usize, usize, usize); 5] = [
    ("attention projection 4096 x 384 -> 384", 4096, 384, 384),
    ("feed-forward in 4096 x 384 -> 1536", 4096, 384, 1536),
    ("feed-forward out 4096 x 1536 -> 384", 4096, 1536, 384),
    (
        "input gradient of ff in: 4096 x 1536 -> 384",
        4096,
        1536,
        384,
    ),
    (
        "weight gradient of ff in: 1536 x 4096 -> 384",
        1536,
        4096,
        384,
    ),
];

fn main() -> anyhow::Result<()> {
    let mut reps = 7;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--reps" => reps = args.next().context("--reps needs a value")?.parse()?,
            "--bench" => {}
            other => anyhow::bail!("unknown argument {other} (usage: kernels [--reps N])"),
        }
    }
    println!(
        "threads {}; median of {reps} runs after a warm-up; ratio = f32 seconds / kernel seconds",
        candle_core::utils::get_num_threads()
    );
    println!(
        "{:46} {:>10} {:>16} {:>16} {:>16} {:>16}",
        "shape", "f32 ms", "bf16 AVX-512", "bf16 AMX", "int8 VNNI", "int8 AMX"
    );
    for (name, rows, inner, out) in SHAPES {
        let weight = wave(out * inner, 0.37);
        let bias = wave(out, 0.11);
        let input = wave(rows * inner, 0.53);
        let linear = Linear::new(
            Tensor::from_vec(weight.clone(), (out, inner), &Device::Cpu)?,
            Some(Tensor::from_vec(bias.clone(), out, &Device::Cpu)?),
        );
        let xs = Tensor::from_vec(input.clone(), (rows, inner), &Device::Cpu)?;
        let f32_s = median(reps, || linear.forward(&xs).map(drop).map_err(Into::into))?;
        let ratio = |seconds: Option<f64>| match seconds {
            Some(s) => format!("{:.2}x", f32_s / s),
            None => "-".to_string(),
        };
        let bf16 = if bf16_gemm::supported() {
            let packed = PackedWeights::new(&weight, Some(&bias), out, inner);
            Some(median(reps, || run(packed.matmul(&input, Epilogue::Bias)))?)
        } else {
            None
        };
        let amx = if amx_gemm::supported() {
            let tiles = TileWeights::new(&weight, Some(&bias), out, inner);
            Some(median(reps, || run(tiles.matmul(&input, Epilogue::Bias)))?)
        } else {
            None
        };
        let int8 = if int8_gemm::supported() {
            let quantized = QuantizedWeights::new(&weight, Some(&bias), out, inner);
            Some(median(reps, || {
                run(quantized.matmul(&input, Epilogue::Bias))
            })?)
        } else {
            None
        };
        let amx_int8 = if amx_int8_gemm::supported() {
            let tiles = QuantizedTiles::new(&weight, Some(&bias), out, inner);
            Some(median(reps, || run(tiles.matmul(&input, Epilogue::Bias)))?)
        } else {
            None
        };
        println!(
            "{name:46} {:>10.2} {:>16} {:>16} {:>16} {:>16}",
            f32_s * 1e3,
            ratio(bf16),
            ratio(amx),
            ratio(int8),
            ratio(amx_int8)
        );
    }
    Ok(())
}

fn run(product: Option<Vec<f32>>) -> anyhow::Result<()> {
    product.map(drop).context("kernel refused the input")
}

fn wave(n: usize, step: f32) -> Vec<f32> {
    (0..n).map(|i| (i as f32 * step).sin() * 0.5).collect()
}

/// The median seconds of `reps` runs of `f` after one warm-up.
fn median(reps: usize, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<f64> {
    f()?;
    let mut seconds = Vec::with_capacity(reps);
    for _ in 0..reps.max(1) {
        let start = Instant::now();
        f()?;
        seconds.push(start.elapsed().as_secs_f64());
    }
    seconds.sort_by(f64::total_cmp);
    Ok(seconds[seconds.len() / 2])
}
