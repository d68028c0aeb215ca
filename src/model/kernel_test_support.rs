//! What the kernels' tests share: deterministic inputs, the bf16 reference product and the
//! differences they are judged by.

use candle_core::Tensor;

use super::bf16_gemm::{from_bf16, to_bf16};
use super::int8_gemm::{quantize, scale_of};

/// `n` values of `sin(i·a + b)`: smooth, signed, deterministic.
pub fn wave(n: usize, a: f32, b: f32) -> Vec<f32> {
    (0..n).map(|i| ((i as f32) * a + b).sin()).collect()
}

/// `rows · wᵀ + bias` (`m × k` by `out × k`) from the bf16-rounded operands, summed in f64:
/// what a bf16 kernel must compute up to f32 summation order.
pub fn bf16_reference(
    rows: &[f32],
    w: &[f32],
    bias: &[f32],
    m: usize,
    out: usize,
    k: usize,
) -> Vec<f32> {
    let round = |x: f32| from_bf16(to_bf16(x)) as f64;
    let mut c = vec![0f32; m * out];
    for r in 0..m {
        for n in 0..out {
            let dot: f64 = (0..k)
                .map(|i| round(rows[r * k + i]) * round(w[n * k + i]))
                .sum();
            c[r * out + n] = (dot + bias[n] as f64) as f32;
        }
    }
    c
}

/// `rows · wᵀ + bias` (`m × k` by `out × k`) from the int8-quantized operands (weights per row
/// of `w`, activations per row of `rows`), the integers summed exactly: what an int8 kernel
/// must compute up to the rounding of its last step.
pub fn quantized_reference(
    rows: &[f32],
    w: &[f32],
    bias: &[f32],
    m: usize,
    out: usize,
    k: usize,
) -> Vec<f32> {
    let quantized = |values: &[f32]| {
        let scale = scale_of(values);
        let q: Vec<i64> = values
            .iter()
            .map(|&v| quantize(v, 1.0 / scale) as i64)
            .collect();
        (scale, q)
    };
    let weights: Vec<_> = (0..out).map(|n| quantized(&w[n * k..][..k])).collect();
    let mut c = vec![0f32; m * out];
    for r in 0..m {
        let (row_scale, x) = quantized(&rows[r * k..][..k]);
        for (n, (w_scale, q)) in weights.iter().enumerate() {
            let dot: i64 = x.iter().zip(q).map(|(a, b)| a * b).sum();
            c[r * out + n] = (dot as f64 * (row_scale * w_scale) as f64 + bias[n] as f64) as f32;
        }
    }
    c
}

/// The largest `|got − expected| / (1 + |expected|)`.
pub fn worst_difference(got: &[f32], expected: &[f32]) -> f32 {
    assert_eq!(got.len(), expected.len(), "different lengths");
    got.iter()
        .zip(expected)
        .map(|(a, b)| (a - b).abs() / (1.0 + b.abs()))
        .fold(0f32, f32::max)
}

/// The largest `|a − b|` over two tensors of one shape.
pub fn max_abs_difference(a: &Tensor, b: &Tensor) -> f32 {
    (a - b)
        .unwrap()
        .abs()
        .unwrap()
        .max_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
}
