//! Which precision is faster on this CPU, measured rather than assumed. The bf16 kernel doubles
//! the multiply-adds per instruction on CPUs with AVX-512 BF16, but on some (Intel Xeons with
//! AMX, where the f32 GEMM is very fast) it was measured slower than f32; so the default path is
//! chosen by timing one encoder-shaped linear layer both ways, once per process.

use std::sync::OnceLock;
use std::time::Instant;

use candle_core::{Device, Tensor};
use candle_nn::{Linear, Module};

use super::amx_gemm::{self, TileWeights};
use super::bf16_gemm::PackedWeights;
use super::epilogue::Epilogue;
use super::precision::Precision;

/// How much faster bf16 must be to be chosen: a margin against timing noise.
const REQUIRED_SPEEDUP: f64 = 1.1;
/// The timed layer: a feed-forward input projection of a MiniLM-sized encoder over a batch.
const ROWS: usize = 256;
const INNER: usize = 384;
const OUT: usize = 1536;
const REPS: usize = 3;

/// bf16's speed as a multiple of f32's on one linear layer of this CPU (`None` when the CPU has
/// no bf16 kernel). Measured on first call (a few milliseconds), then remembered.
pub fn bf16_speedup() -> Option<f64> {
    static MEASURED: OnceLock<Option<f64>> = OnceLock::new();
    *MEASURED.get_or_init(|| {
        if !Precision::Bf16.runs_here() {
            return None;
        }
        measure().ok()
    })
}

/// The faster precision on this CPU: bf16 when it was measured at least 10% faster than f32.
///
/// ```
/// use stance::model::dense::Precision;
/// use stance::model::speed_check::{bf16_speedup, fastest_precision};
/// match bf16_speedup() {
///     Some(speedup) if speedup >= 1.1 => assert_eq!(fastest_precision(), Precision::Bf16),
///     _ => assert_eq!(fastest_precision(), Precision::F32),
/// }
/// ```
pub fn fastest_precision() -> Precision {
    match bf16_speedup() {
        Some(speedup) if speedup >= REQUIRED_SPEEDUP => Precision::Bf16,
        _ => Precision::F32,
    }
}

fn measure() -> candle_core::Result<f64> {
    // Deterministic values of a trained layer's size; their values do not affect the speed.
    let weight: Vec<f32> = (0..OUT * INNER)
        .map(|i| ((i * 7919 % 1000) as f32 / 1000.0 - 0.5) * 0.1)
        .collect();
    let bias = vec![0.01f32; OUT];
    let rows: Vec<f32> = (0..ROWS * INNER)
        .map(|i| (i * 104_729 % 1000) as f32 / 1000.0 - 0.5)
        .collect();
    let linear = Linear::new(
        Tensor::from_vec(weight.clone(), (OUT, INNER), &Device::Cpu)?,
        Some(Tensor::from_vec(bias.clone(), OUT, &Device::Cpu)?),
    );
    let input = Tensor::from_vec(rows.clone(), (ROWS, INNER), &Device::Cpu)?;
    // The bf16 kernel the layers would run: the AMX tiles where the CPU has them.
    let bf16: Box<dyn Fn() -> Option<Vec<f32>>> = if amx_gemm::supported() {
        let tiles = TileWeights::new(&weight, Some(&bias), OUT, INNER);
        Box::new(move || tiles.matmul(&rows, Epilogue::Bias))
    } else {
        let packed = PackedWeights::new(&weight, Some(&bias), OUT, INNER);
        Box::new(move || packed.matmul(&rows, Epilogue::Bias))
    };
    let f32_seconds = fastest_of(|| {
        linear.forward(&input)?;
        Ok(())
    })?;
    let bf16_seconds = fastest_of(|| {
        bf16().ok_or_else(|| candle_core::Error::Msg("no bf16 kernel".to_string()))?;
        Ok(())
    })?;
    Ok(f32_seconds / bf16_seconds.max(1e-9))
}

/// The shortest of [`REPS`] timed runs after one warm-up run.
fn fastest_of(mut run: impl FnMut() -> candle_core::Result<()>) -> candle_core::Result<f64> {
    run()?;
    let mut best = f64::INFINITY;
    for _ in 0..REPS {
        let start = Instant::now();
        run()?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_measurement_is_remembered_and_matches_the_kernel_support() {
        let first = bf16_speedup();
        assert_eq!(first.is_some(), Precision::Bf16.runs_here());
        assert_eq!(bf16_speedup(), first);
        if let Some(speedup) = first {
            assert!(speedup.is_finite() && speedup > 0.0, "{speedup}");
        }
    }
}
