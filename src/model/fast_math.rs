//! Vectorisable `exp`, GELU and softmax for the inference kernels.
//!
//! libm's `expf` and `erff` are scalar calls: in a forward pass over a batch of 32 × 128 tokens
//! they run some 40 million times (softmax) and 9 million times (GELU), a sixth of the time. The
//! versions here are plain arithmetic on `f32` that the compiler turns into AVX2/AVX-512 code
//! (the loops are compiled for those features and chosen at run time), accurate to a few units
//! in the last place (tested against libm).

const LOG2_E: f32 = std::f32::consts::LOG2_E;
// ln 2 split in two so that n·LN2_HI is exact for the n that occur (in [`exp`] and its AVX-512
// twin).
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;

/// `e^x` by range reduction `x = n·ln 2 + r`, `|r| ≤ ln 2 / 2`, and a degree-6 Taylor polynomial
/// for `e^r` (truncation error below 2e-7 relative); exact powers of two for `2^n`.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    // Below this e^x is 0 in f32 (and 2^n would leave the normal range).
    let x = x.clamp(-87.0, 88.0);
    // Ties to even, as the AVX-512 softmax rounds (one instruction there).
    let n = (x * LOG2_E).round_ties_even();
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (1.0 / 2.0
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
    p * scale
}

/// `erf(x)` as `x·P(x²)/Q(x²)` on `[-4, 4]` (outside it erf is ±1 in f32), a rational minimax
/// approximation with absolute error below 1e-6.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let p = -2.726_142_3e-10_f32;
    let p = p * x2 + 2.770_681_4e-8;
    let p = p * x2 - 2.101_024e-6;
    let p = p * x2 - 5.692_506_4e-5;
    let p = p * x2 - 7.349_906e-4;
    let p = p * x2 - 2.954_6e-3;
    let p = p * x2 - 1.609_603_3e-2;
    let q = -1.456_607_2e-5_f32;
    let q = q * x2 - 2.133_740_6e-4;
    let q = q * x2 - 1.682_827e-3;
    let q = q * x2 - 7.373_329e-3;
    let q = q * x2 - 1.426_474e-2;
    x * p / q
}

/// GELU with the exact (erf) form BERT uses: `x/2 · (1 + erf(x/√2))`.
#[inline(always)]
fn gelu_one(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// `grad · GELU'(x)` with `GELU'(x) = Φ(x) + x·φ(x)` (normal CDF and density).
#[inline(always)]
fn gelu_backward_loop(xs: &[f32], grads: &mut [f32]) {
    const INV_SQRT_2PI: f32 = 0.398_942_3;
    for (g, &x) in grads.iter_mut().zip(xs) {
        let cdf = 0.5 * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2));
        let density = INV_SQRT_2PI * exp(-0.5 * x * x);
        *g *= cdf + x * density;
    }
}

#[inline(always)]
fn gelu_loop(xs: &mut [f32]) {
    for x in xs {
        *x = gelu_one(*x);
    }
}

/// Lanes of the running maximum and sum in [`masked_softmax_loop`]: one AVX-512 register.
const LANES: usize = 16;

/// Softmax of `row` over the positions where `mask` is non-zero; masked positions get 0.
///
/// The maximum and the sum run in [`LANES`] independent lanes: a single running `f32` sum is a
/// chain the compiler must keep in order, which left this loop scalar (a sixth of `stance
/// predict`'s time, measured with perf).
#[inline(always)]
fn masked_softmax_loop(row: &mut [f32], mask: &[u8]) {
    let n = row.len().min(mask.len());
    let (row, mask) = (&mut row[..n], &mask[..n]);
    let split = n - n % LANES;
    let masked = |x: f32, m: u8| if m != 0 { x } else { f32::NEG_INFINITY };

    let mut maxes = [f32::NEG_INFINITY; LANES];
    for (xs, ms) in row[..split]
        .chunks_exact(LANES)
        .zip(mask.chunks_exact(LANES))
    {
        for lane in 0..LANES {
            maxes[lane] = maxes[lane].max(masked(xs[lane], ms[lane]));
        }
    }
    let tail_max = row[split..]
        .iter()
        .zip(&mask[split..])
        .fold(f32::NEG_INFINITY, |top, (&x, &m)| top.max(masked(x, m)));
    let max = maxes.iter().fold(tail_max, |top, &x| top.max(x));

    let mut sums = [0f32; LANES];
    for (xs, ms) in row[..split]
        .chunks_exact_mut(LANES)
        .zip(mask.chunks_exact(LANES))
    {
        for lane in 0..LANES {
            let e = exp(xs[lane] - max);
            xs[lane] = if ms[lane] != 0 { e } else { 0.0 };
            sums[lane] += xs[lane];
        }
    }
    let mut sum = 0f32;
    for (x, &m) in row[split..].iter_mut().zip(&mask[split..]) {
        let e = exp(*x - max);
        *x = if m != 0 { e } else { 0.0 };
        sum += *x;
    }
    let sum = sums.iter().sum::<f32>() + sum;
    if sum > 0.0 {
        let inverse = 1.0 / sum;
        for x in row.iter_mut() {
            *x *= inverse;
        }
    }
}

/// The sum of `xs` in [`LANES`] independent lanes (see [`masked_softmax_loop`] for why).
#[inline(always)]
fn lane_sum(xs: &[f32], term: impl Fn(f32) -> f32) -> f32 {
    let split = xs.len() - xs.len() % LANES;
    let mut sums = [0f32; LANES];
    for chunk in xs[..split].chunks_exact(LANES) {
        for lane in 0..LANES {
            sums[lane] += term(chunk[lane]);
        }
    }
    let tail: f32 = xs[split..].iter().map(|&x| term(x)).sum();
    sums.iter().sum::<f32>() + tail
}

#[inline(always)]
fn sum_loop(xs: &[f32]) -> f32 {
    lane_sum(xs, |x| x)
}

/// `Σ a[i]·b[i]` in [`LANES`] lanes (over the shorter of the two).
#[inline(always)]
fn dot_loop(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let split = n - n % LANES;
    let mut sums = [0f32; LANES];
    for (x, y) in a[..split].chunks_exact(LANES).zip(b.chunks_exact(LANES)) {
        for lane in 0..LANES {
            sums[lane] += x[lane] * y[lane];
        }
    }
    let tail: f32 = a[split..].iter().zip(&b[split..]).map(|(x, y)| x * y).sum();
    sums.iter().sum::<f32>() + tail
}

/// `out = LayerNorm(a + b)` over one row: `x̂ = (x − μ)/√(σ² + eps)`, `x̂·weight + bias`.
#[inline(always)]
fn add_layer_norm_loop(
    a: &[f32],
    b: &[f32],
    weight: &[f32],
    bias: &[f32],
    eps: f32,
    out: &mut [f32],
) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = x + y;
    }
    let n = out.len() as f32;
    let mean = lane_sum(out, |x| x) / n;
    let variance = lane_sum(out, |x| (x - mean) * (x - mean)) / n;
    let inv_std = 1.0 / (variance + eps).sqrt();
    for ((o, &w), &beta) in out.iter_mut().zip(weight).zip(bias) {
        *o = (*o - mean) * inv_std * w + beta;
    }
}

/// Compiles `$body` three times: for AVX-512, for AVX2 with FMA, and for the baseline, and
/// calls the best the CPU supports.
macro_rules! dispatch {
    ($name:ident ($($arg:ident : $ty:ty),*) => $body:ident) => {
        dispatch!($name ($($arg: $ty),*) -> () => $body);
    };
    ($name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty => $body:ident) => {
        /// Runs with the widest vector instructions the CPU has.
        pub fn $name($($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f")]
                unsafe fn wide($($arg: $ty),*) -> $ret { $body($($arg),*) }
                #[target_feature(enable = "avx2,fma")]
                unsafe fn avx2($($arg: $ty),*) -> $ret { $body($($arg),*) }
                if std::arch::is_x86_feature_detected!("avx512f") {
                    // SAFETY: the CPU has AVX-512F.
                    return unsafe { wide($($arg),*) };
                }
                if std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
                {
                    // SAFETY: the CPU has AVX2 and FMA.
                    return unsafe { avx2($($arg),*) };
                }
            }
            $body($($arg),*)
        }
    };
}

dispatch!(gelu_in_place(xs: &mut [f32]) => gelu_loop);
dispatch!(gelu_backward_in_place(xs: &[f32], grads: &mut [f32]) => gelu_backward_loop);
dispatch!(masked_softmax_portable(row: &mut [f32], mask: &[u8]) => masked_softmax_loop);

/// Softmax of `row` over the positions where `mask` is non-zero; masked positions get 0 (a row
/// without a token is all 0). Written out in AVX-512 where the CPU has it: the compiler left the
/// portable loop ([`masked_softmax_portable`]) mostly scalar, with the mask's bytes inserted one
/// by one (perf and objdump, a twelfth of a forward pass).
pub fn masked_softmax(row: &mut [f32], mask: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F.
        return unsafe { avx512::masked_softmax(row, mask) };
    }
    masked_softmax_portable(row, mask);
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{LN2_HI, LN2_LO, LOG2_E};

    /// `e^x` on 16 lanes, as [`super::exp`] computes it (the polynomial with fused
    /// multiply-adds).
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn exp16(x: __m512) -> __m512 {
        let x = _mm512_min_ps(
            _mm512_max_ps(x, _mm512_set1_ps(-87.0)),
            _mm512_set1_ps(88.0),
        );
        let n = _mm512_roundscale_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm512_mul_ps(x, _mm512_set1_ps(LOG2_E)),
        );
        let r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_HI), x);
        let r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_LO), r);
        let mut p = _mm512_set1_ps(1.0 / 720.0);
        for c in [1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0] {
            p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(c));
        }
        let exponent = _mm512_slli_epi32::<23>(_mm512_add_epi32(
            _mm512_cvtps_epi32(n),
            _mm512_set1_epi32(127),
        ));
        _mm512_mul_ps(p, _mm512_castsi512_ps(exponent))
    }

    /// The lanes of the 16 positions from `i` (fewer at the end of the row) that are tokens.
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn tokens(mask: &[u8], i: usize) -> __mmask16 {
        let bytes = if mask.len() - i >= 16 {
            _mm_loadu_si128(mask.as_ptr().add(i) as *const __m128i)
        } else {
            let mut tail = [0u8; 16];
            tail[..mask.len() - i].copy_from_slice(&mask[i..]);
            _mm_loadu_si128(tail.as_ptr() as *const __m128i)
        };
        let wide = _mm512_cvtepu8_epi32(bytes);
        _mm512_test_epi32_mask(wide, wide)
    }

    /// The first `width ≤ 16` lanes.
    #[inline]
    fn lanes(width: usize) -> __mmask16 {
        ((1u32 << width.min(16)) - 1) as __mmask16
    }

    /// [`super::masked_softmax`] on 16 lanes: maximum, exponentials and their sum, scaling.
    ///
    /// # Safety
    /// Needs AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn masked_softmax(row: &mut [f32], mask: &[u8]) {
        let n = row.len().min(mask.len());
        let (row, mask) = (&mut row[..n], &mask[..n]);
        let at = row.as_mut_ptr();
        let mut top = _mm512_set1_ps(f32::NEG_INFINITY);
        for i in (0..n).step_by(16) {
            let k = tokens(mask, i);
            top = _mm512_mask_max_ps(top, k, top, _mm512_maskz_loadu_ps(k, at.add(i)));
        }
        let max = _mm512_reduce_max_ps(top);
        if max == f32::NEG_INFINITY {
            row.fill(0.0);
            return;
        }
        let max = _mm512_set1_ps(max);
        let mut sums = _mm512_setzero_ps();
        for i in (0..n).step_by(16) {
            let k = tokens(mask, i);
            let x = _mm512_maskz_loadu_ps(k, at.add(i));
            let e = _mm512_maskz_mov_ps(k, exp16(_mm512_sub_ps(x, max)));
            _mm512_mask_storeu_ps(at.add(i), lanes(n - i), e);
            sums = _mm512_add_ps(sums, e);
        }
        let sum = _mm512_reduce_add_ps(sums);
        if sum > 0.0 {
            let inverse = _mm512_set1_ps(1.0 / sum);
            for i in (0..n).step_by(16) {
                let k = lanes(n - i);
                let x = _mm512_maskz_loadu_ps(k, at.add(i));
                _mm512_mask_storeu_ps(at.add(i), k, _mm512_mul_ps(x, inverse));
            }
        }
    }
}
dispatch!(sum(xs: &[f32]) -> f32 => sum_loop);
dispatch!(dot(a: &[f32], b: &[f32]) -> f32 => dot_loop);
dispatch!(add_layer_norm(a: &[f32], b: &[f32], weight: &[f32], bias: &[f32], eps: f32, out: &mut [f32]) => add_layer_norm_loop);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_libm() {
        let mut worst = 0f32;
        for i in -8700..=8800 {
            let x = i as f32 / 100.0;
            let (fast, exact) = (exp(x), x.exp());
            let relative = ((fast - exact) / exact).abs();
            if exact > f32::MIN_POSITIVE {
                worst = worst.max(relative);
            }
        }
        assert!(worst < 1e-6, "worst relative error {worst}");
        assert_eq!(exp(-1000.0), exp(-87.0));
        assert!(exp(-87.0) < 1e-37);
    }

    #[test]
    fn gelu_matches_candle_erf_gelu() {
        let xs: Vec<f32> = (-1000..=1000).map(|i| i as f32 / 100.0).collect();
        let exact = candle_core::Tensor::new(xs.as_slice(), &candle_core::Device::Cpu)
            .and_then(|t| t.gelu_erf())
            .and_then(|t| t.to_vec1::<f32>())
            .unwrap();
        let mut fast = xs.clone();
        gelu_in_place(&mut fast);
        let worst = fast
            .iter()
            .zip(&exact)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 5e-6, "worst absolute error {worst}");
    }

    #[test]
    fn gelu_backward_matches_finite_differences() {
        let xs: Vec<f32> = (-60..=60).map(|i| i as f32 / 10.0).collect();
        let mut grads = vec![1f32; xs.len()];
        gelu_backward_in_place(&xs, &mut grads);
        let gelu = |x: f64| 0.5 * x * (1.0 + erf_f64(x / std::f64::consts::SQRT_2));
        for (&x, &g) in xs.iter().zip(&grads) {
            let h = 1e-4;
            let numeric = (gelu(x as f64 + h) - gelu(x as f64 - h)) / (2.0 * h);
            assert!((g as f64 - numeric).abs() < 2e-5, "x={x}: {g} vs {numeric}");
        }
    }

    /// erf in f64 from its Taylor series (converges fast for |x| ≤ 6 at this precision).
    fn erf_f64(x: f64) -> f64 {
        if x.abs() > 5.5 {
            return x.signum();
        }
        let (mut term, mut sum, mut n) = (x, x, 0.0);
        while term.abs() > 1e-17 * sum.abs().max(1e-300) {
            n += 1.0;
            term *= -x * x / n;
            sum += term / (2.0 * n + 1.0);
            if n > 400.0 {
                break;
            }
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    }

    #[test]
    fn masked_softmax_over_lanes_and_tail_matches_the_plain_formula() {
        for len in [1, 15, 16, 17, 40, 192] {
            let xs: Vec<f32> = (0..len)
                .map(|i| ((i * 37 % 23) as f32 - 11.0) * 0.7)
                .collect();
            let mask: Vec<u8> = (0..len).map(|i| u8::from(i % 5 != 3 || len == 1)).collect();
            let top = xs
                .iter()
                .zip(&mask)
                .filter(|(_, &m)| m != 0)
                .map(|(&x, _)| x as f64)
                .fold(f64::NEG_INFINITY, f64::max);
            let total: f64 = xs
                .iter()
                .zip(&mask)
                .filter(|(_, &m)| m != 0)
                .map(|(&x, _)| (x as f64 - top).exp())
                .sum();
            let mut row = xs.clone();
            masked_softmax(&mut row, &mask);
            for ((&got, &x), &m) in row.iter().zip(&xs).zip(&mask) {
                let want = if m != 0 {
                    (x as f64 - top).exp() / total
                } else {
                    0.0
                };
                assert!(
                    (got as f64 - want).abs() < 1e-6,
                    "len {len}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn add_layer_norm_matches_the_formula_in_f64() {
        for width in [1, 7, 16, 384] {
            let a: Vec<f32> = (0..width)
                .map(|i| ((i * 13 % 17) as f32 - 8.0) * 0.3)
                .collect();
            let b: Vec<f32> = (0..width)
                .map(|i| ((i * 7 % 11) as f32 - 5.0) * 0.2 + 3.0)
                .collect();
            let weight: Vec<f32> = (0..width).map(|i| 1.0 + (i % 3) as f32 * 0.1).collect();
            let bias: Vec<f32> = (0..width).map(|i| (i % 5) as f32 * 0.01).collect();
            let summed: Vec<f64> = a
                .iter()
                .zip(&b)
                .map(|(&x, &y)| x as f64 + y as f64)
                .collect();
            let mean = summed.iter().sum::<f64>() / width as f64;
            let variance = summed.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / width as f64;
            let mut out = vec![0f32; width];
            add_layer_norm(&a, &b, &weight, &bias, 1e-12, &mut out);
            for i in 0..width {
                let want = (summed[i] - mean) / (variance + 1e-12).sqrt() * weight[i] as f64
                    + bias[i] as f64;
                assert!(
                    (out[i] as f64 - want).abs() < 1e-5,
                    "width {width}, {i}: {} vs {want}",
                    out[i]
                );
            }
        }
    }

    #[test]
    fn sums_and_dot_products_over_lanes_and_tail_match_f64() {
        for len in [0, 1, 15, 16, 17, 100, 384] {
            let a: Vec<f32> = (0..len)
                .map(|i| ((i * 29 % 31) as f32 - 15.0) * 0.1)
                .collect();
            let b: Vec<f32> = (0..len)
                .map(|i| ((i * 7 % 13) as f32 - 6.0) * 0.3)
                .collect();
            let want_sum: f64 = a.iter().map(|&x| x as f64).sum();
            let want_dot: f64 = a.iter().zip(&b).map(|(&x, &y)| x as f64 * y as f64).sum();
            assert!((sum(&a) as f64 - want_sum).abs() < 1e-4, "len {len}");
            assert!((dot(&a, &b) as f64 - want_dot).abs() < 1e-4, "len {len}");
        }
    }

    #[test]
    fn the_avx512_softmax_agrees_with_the_portable_loop() {
        for n in [1, 5, 16, 17, 31, 128, 200] {
            let row: Vec<f32> = (0..n)
                .map(|i| ((i * 37 % 23) as f32 - 11.0) * 0.9)
                .collect();
            for mask in [
                vec![1u8; n],
                (0..n).map(|i| u8::from(i % 3 != 1)).collect(),
                vec![0u8; n],
            ] {
                let (mut fast, mut portable) = (row.clone(), row.clone());
                masked_softmax(&mut fast, &mask);
                masked_softmax_portable(&mut portable, &mask);
                for (i, (a, b)) in fast.iter().zip(&portable).enumerate() {
                    assert!(
                        (a - b).abs() <= 1e-6 * b.abs().max(1e-3),
                        "n {n}, {i}: {a} vs {b}"
                    );
                    if mask[i] == 0 {
                        assert_eq!(*a, 0.0);
                    }
                }
            }
        }
    }

    #[test]
    fn masked_softmax_ignores_masked_positions() {
        let mut row = [1.0, 2.0, 1000.0, 3.0];
        masked_softmax(&mut row, &[1, 1, 0, 1]);
        let total: f32 = [1f32, 2.0, 3.0].iter().map(|x| x.exp()).sum();
        let expected = [
            1f32.exp() / total,
            2f32.exp() / total,
            0.0,
            3f32.exp() / total,
        ];
        for (got, want) in row.iter().zip(expected) {
            assert!((got - want).abs() < 1e-6, "{row:?}");
        }
    }
}
