//! Linear layers in int8 for inference on CPUs with AVX-512 VNNI (`vpdpbusd`): dynamic
//! quantization, as ONNX Runtime's `quantize_dynamic` does it, in the layout of
//! [`super::bf16_gemm`].
//!
//! `vpdpbusd` multiplies four unsigned bytes by four signed bytes and adds them to an i32 lane:
//! 64 multiply-adds per instruction, twice `vdpbf16ps`'s. Weights are quantized once, per output
//! column, symmetrically (`w ≈ s_w[n]·q`, `|q| ≤ 127`); each row of activations is quantized
//! when the layer runs, with its own scale (`x ≈ s_x[r]·q`), and stored with a zero point of
//! 128 so that it fits the unsigned operand. The zero point's share, `128·Σ_k q_w[n][k]`, is
//! known per column and subtracted once; sums are exact in i32 (at most 255·127·k, far below
//! 2³¹ for the encoder's widths). Rounding to 8 bits per row costs more accuracy than bf16; the
//! path is opt-in (`--precision int8`) and its cost on real tasks is in docs/results.md.

use rayon::prelude::*;

use super::epilogue::Epilogue;
#[cfg(target_arch = "x86_64")]
use super::micro_tile::for_tile_rows;

/// Output columns per packed panel: three 16-lane i32 accumulators per row.
pub const PANEL: usize = 48;
/// Rows per micro-tile: with [`PANEL`], 24 accumulators stay in the 32 vector registers.
const TILE_ROWS: usize = 8;
/// Rows per parallel task: its quantized rows stay in L2 while every panel passes over them.
const TASK_ROWS: usize = 64;
/// Activations are stored as `q + 128`, so that they fit `vpdpbusd`'s unsigned operand.
pub(super) const ZERO_POINT: i32 = 128;
/// The largest quantized magnitude (symmetric: −127 ..= 127).
const LEVELS: f32 = 127.0;

/// Whether this CPU runs the int8 kernels (AVX-512F, BW and VNNI).
pub fn supported() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512vnni")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The scale that maps `values` onto −127 ..= 127 (1 for an all-zero slice, so that zeros
/// stay zeros).
pub fn scale_of(values: &[f32]) -> f32 {
    let largest = values.iter().fold(0f32, |m, v| m.max(v.abs()));
    if largest > 0.0 {
        largest / LEVELS
    } else {
        1.0
    }
}

/// `value / scale` rounded to the nearest integer (ties to even) and clamped to ±127.
/// `inverse` is `1 / scale`: the vector path multiplies by it, and so does this one, so both
/// give the same integers.
pub fn quantize(value: f32, inverse: f32) -> i8 {
    (value * inverse).round_ties_even().clamp(-LEVELS, LEVELS) as i8
}

/// A weight `(out, inner)` quantized per output column, before any packing: what the VNNI
/// kernel here and the AMX one ([`super::amx_int8_gemm`]) both start from, so that both compute
/// the same integers.
pub(super) struct QuantizedColumns {
    /// `q[n][k]`, row-major `out × inner`.
    pub values: Vec<i8>,
    /// Per column `s_w[n]`, zero past `out` up to the padded length.
    pub scales: Vec<f32>,
    /// Per column `128 · Σ_k q[n][k]`: what the activations' zero point adds to each sum.
    pub zero_point_share: Vec<i32>,
}

impl QuantizedColumns {
    /// Quantizes `weight` (`out × inner`); the column arrays are `padded ≥ out` long.
    pub fn new(weight: &[f32], out: usize, inner: usize, padded: usize) -> Self {
        let mut scales = vec![0f32; padded];
        let mut zero_point_share = vec![0i32; padded];
        let mut values = vec![0i8; out * inner];
        for n in 0..out {
            let row = &weight[n * inner..][..inner];
            let scale = scale_of(row);
            let inverse = 1.0 / scale;
            let q = &mut values[n * inner..][..inner];
            for (q, &w) in q.iter_mut().zip(row) {
                *q = quantize(w, inverse);
            }
            scales[n] = scale;
            zero_point_share[n] = ZERO_POINT * q.iter().map(|&v| v as i32).sum::<i32>();
        }
        QuantizedColumns {
            values,
            scales,
            zero_point_share,
        }
    }
}

/// Quantizes each row of `rows` (`inner` wide) with its own scale into `a` as `q + 128`,
/// `stride ≥ inner` bytes per row (the entries past `inner` hold the zero point, 128), and the
/// scales into `row_scales`. The vector path where the CPU has AVX-512, the scalar one
/// elsewhere; both give the same bytes.
pub(super) fn quantize_rows(
    rows: &[f32],
    inner: usize,
    stride: usize,
    a: &mut Vec<u8>,
    row_scales: &mut Vec<f32>,
) {
    let m = rows.len() / inner.max(1);
    a.clear();
    a.resize(m * stride, ZERO_POINT as u8);
    row_scales.clear();
    for (dst, src) in a.chunks_exact_mut(stride).zip(rows.chunks_exact(inner)) {
        row_scales.push(quantize_row(src, dst));
    }
}

/// One row quantized into `dst` (`≥ src.len()` long); returns its scale.
fn quantize_row(src: &[f32], dst: &mut [u8]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F; `dst` is at least as long as `src`.
        return unsafe { kernel::quantize_row(src, dst) };
    }
    quantize_row_scalar(src, dst)
}

/// The scalar twin of the vector `quantize_row`.
fn quantize_row_scalar(src: &[f32], dst: &mut [u8]) -> f32 {
    let scale = scale_of(src);
    let inverse = 1.0 / scale;
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = (quantize(s, inverse) as i32 + ZERO_POINT) as u8;
    }
    scale
}

/// A linear layer's weight `(out, in)` quantized to int8 and packed for the kernel: panel `p`,
/// input quad `j`, column `c` holds `q[p·PANEL + c][4j .. 4j + 4]`; columns past `out` and
/// inputs past `in` are zero. Per column: the scale, the zero point's share and the bias.
#[derive(Debug, Clone)]
pub struct QuantizedWeights {
    panels: Vec<i8>,
    scales: Vec<f32>,
    zero_point_share: Vec<i32>,
    bias: Vec<f32>,
    out: usize,
    inner: usize,
    quads: usize,
}

impl QuantizedWeights {
    /// Quantizes and packs `weight` (`out × inner`, row-major) and `bias` (`out`, zeros when
    /// absent).
    pub fn new(weight: &[f32], bias: Option<&[f32]>, out: usize, inner: usize) -> Self {
        assert_eq!(weight.len(), out * inner, "quantized weights: shape");
        let quads = inner.div_ceil(4);
        let panel_count = out.div_ceil(PANEL);
        let padded = panel_count * PANEL;
        let QuantizedColumns {
            values: quantized,
            scales,
            zero_point_share,
        } = QuantizedColumns::new(weight, out, inner, padded);
        let mut panels = vec![0i8; panel_count * quads * PANEL * 4];
        for (p, panel) in panels.chunks_exact_mut(quads * PANEL * 4).enumerate() {
            for (j, quad_row) in panel.chunks_exact_mut(PANEL * 4).enumerate() {
                for c in 0..PANEL.min(out.saturating_sub(p * PANEL)) {
                    let row = &quantized[(p * PANEL + c) * inner..][..inner];
                    for t in 0..4 {
                        if let Some(&q) = row.get(4 * j + t) {
                            quad_row[4 * c + t] = q;
                        }
                    }
                }
            }
        }
        let mut padded_bias = vec![0f32; padded];
        if let Some(bias) = bias {
            padded_bias[..out].copy_from_slice(&bias[..out]);
        }
        QuantizedWeights {
            panels,
            scales,
            zero_point_share,
            bias: padded_bias,
            out,
            inner,
            quads,
        }
    }

    /// Output width.
    pub fn out(&self) -> usize {
        self.out
    }

    /// Input width.
    pub fn inner(&self) -> usize {
        self.inner
    }

    /// `epilogue(rows · Wᵀ + bias)` for `rows` (`m × inner`, row-major f32) as `m × out` f32,
    /// each row quantized with its own scale. Needs [`supported`]; returns `None` on other
    /// CPUs.
    pub fn matmul(&self, rows: &[f32], epilogue: Epilogue) -> Option<Vec<f32>> {
        if !supported() || !rows.len().is_multiple_of(self.inner.max(1)) {
            return None;
        }
        #[cfg(target_arch = "x86_64")]
        {
            let m = rows.len() / self.inner.max(1);
            if m == 0 || self.out == 0 {
                // Nothing to compute (and rayon takes no chunks of zero length).
                return Some(Vec::new());
            }
            let mut out = vec![0f32; m * self.out];
            out.par_chunks_mut(TASK_ROWS * self.out)
                .zip(rows.par_chunks(TASK_ROWS * self.inner))
                .for_each_init(
                    || (Vec::new(), Vec::new()),
                    |(a, row_scales), (out, rows)| {
                        // SAFETY: `supported()` checked the CPU features.
                        unsafe { self.task(rows, out, a, row_scales, epilogue) }
                    },
                );
            Some(out)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = epilogue;
            None
        }
    }

    /// One task's rows: quantize them into `a` (scales into `row_scales`), then every panel
    /// over every tile.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    unsafe fn task(
        &self,
        rows: &[f32],
        out: &mut [f32],
        a: &mut Vec<u8>,
        row_scales: &mut Vec<f32>,
        epilogue: Epilogue,
    ) {
        let stride = 4 * self.quads;
        let m = rows.len() / self.inner;
        quantize_rows(rows, self.inner, stride, a, row_scales);
        let panel_len = self.quads * PANEL * 4;
        for (p, panel) in self.panels.chunks_exact(panel_len).enumerate() {
            let first = p * PANEL;
            let cols = PANEL.min(self.out - first);
            let mut r = 0;
            while r < m {
                let tile = TILE_ROWS.min(m - r);
                let args = kernel::Tile {
                    a: a.as_ptr().add(r * stride),
                    lda: stride,
                    row_scales: row_scales.as_ptr().add(r),
                    b: panel.as_ptr(),
                    quads: self.quads,
                    c: out.as_mut_ptr().add(r * self.out + first),
                    ldc: self.out,
                    scales: self.scales.as_ptr().add(first),
                    zero_point_share: self.zero_point_share.as_ptr().add(first),
                    bias: self.bias.as_ptr().add(first),
                    cols,
                };
                for_tile_rows!(tile, kernel::tile, &args);
                r += tile;
            }
        }
        epilogue.finish(out);
    }
}

#[cfg(target_arch = "x86_64")]
mod kernel {
    use std::arch::x86_64::*;

    use super::{quantize, scale_of, PANEL, ZERO_POINT};

    /// One micro-tile's operands: `R` rows of quantized activations (`lda` apart) with their
    /// scales, a packed panel, and where its `R × cols` results go (`ldc` apart), with the
    /// panel's column scales, zero-point shares and bias.
    pub struct Tile {
        pub a: *const u8,
        pub lda: usize,
        pub row_scales: *const f32,
        pub b: *const i8,
        pub quads: usize,
        pub c: *mut f32,
        pub ldc: usize,
        pub scales: *const f32,
        pub zero_point_share: *const i32,
        pub bias: *const f32,
        pub cols: usize,
    }

    /// `src` quantized with its own scale into `dst` as `q + 128` (entries of `dst` past
    /// `src.len()` are left as they are); returns the scale.
    ///
    /// # Safety
    /// Needs AVX-512F; `dst` is at least as long as `src`.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn quantize_row(src: &[f32], dst: &mut [u8]) -> f32 {
        let scale = scale_of(src);
        let inverse = 1.0 / scale;
        let full = src.len() / 16 * 16;
        let factor = _mm512_set1_ps(inverse);
        let low = _mm512_set1_epi32(-127);
        let high = _mm512_set1_epi32(127);
        let zero_point = _mm512_set1_epi32(ZERO_POINT);
        let mut i = 0;
        while i < full {
            let x = _mm512_mul_ps(_mm512_loadu_ps(src.as_ptr().add(i)), factor);
            // Round to nearest even, as `quantize` does.
            let q =
                _mm512_cvt_roundps_epi32::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(x);
            let q = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(q, low), high), zero_point);
            _mm_storeu_si128(
                dst.as_mut_ptr().add(i) as *mut __m128i,
                _mm512_cvtepi32_epi8(q),
            );
            i += 16;
        }
        for (d, &s) in dst[full..src.len()].iter_mut().zip(&src[full..]) {
            *d = (quantize(s, inverse) as i32 + ZERO_POINT) as u8;
        }
        scale
    }

    /// `C[r][c] = bias[c] + s_x[r]·s_w[c]·(Σ_k A[r][k]·B[k][c] − share[c])` for the tile's `R`
    /// rows and `cols` columns.
    ///
    /// # Safety
    /// Needs AVX-512F, BW and VNNI; every pointer addresses the sizes described in [`Tile`],
    /// the panel holds `quads × PANEL × 4` values, the column arrays `PANEL`, the row scales `R`.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub unsafe fn tile<const R: usize>(t: &Tile) {
        let mut acc = [[_mm512_setzero_si512(); 3]; R];
        let mut b = t.b as *const __m512i;
        for j in 0..t.quads {
            let b0 = _mm512_loadu_si512(b);
            let b1 = _mm512_loadu_si512(b.add(1));
            let b2 = _mm512_loadu_si512(b.add(2));
            b = b.add(3);
            for (r, acc) in acc.iter_mut().enumerate() {
                let quad = (t.a.add(r * t.lda + 4 * j) as *const i32).read_unaligned();
                let a = _mm512_set1_epi32(quad);
                acc[0] = _mm512_dpbusd_epi32(acc[0], a, b0);
                acc[1] = _mm512_dpbusd_epi32(acc[1], a, b1);
                acc[2] = _mm512_dpbusd_epi32(acc[2], a, b2);
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            let row_scale = _mm512_set1_ps(*t.row_scales.add(r));
            for (v, &sum) in acc.iter().enumerate() {
                let col = v * 16;
                if col >= t.cols {
                    break;
                }
                let exact = _mm512_sub_epi32(
                    sum,
                    _mm512_loadu_si512(t.zero_point_share.add(col) as *const __m512i),
                );
                let scale = _mm512_mul_ps(_mm512_loadu_ps(t.scales.add(col)), row_scale);
                let value = _mm512_fmadd_ps(
                    _mm512_cvtepi32_ps(exact),
                    scale,
                    _mm512_loadu_ps(t.bias.add(col)),
                );
                let dst = t.c.add(r * t.ldc + col);
                let left = t.cols - col;
                if left >= 16 {
                    _mm512_storeu_ps(dst, value);
                } else {
                    _mm512_mask_storeu_ps(dst, ((1u32 << left) - 1) as u16, value);
                }
            }
        }
        debug_assert!(t.cols <= PANEL);
    }
}

#[cfg(test)]
mod tests {
    use super::super::kernel_test_support::{quantized_reference, wave, worst_difference};
    use super::*;

    #[test]
    fn quantization_is_symmetric_and_rounds_to_nearest_even() {
        let scale = scale_of(&[0.5, -2.54, 1.0]);
        assert_eq!(scale, 2.54 / 127.0);
        assert_eq!(quantize(-2.54, 1.0 / scale), -127);
        // 2.5 and 3.5 are ties: they go to the even neighbour.
        assert_eq!(quantize(2.5, 1.0), 2);
        assert_eq!(quantize(3.5, 1.0), 4);
        assert_eq!(quantize(1e6, 1.0), 127);
        assert_eq!(scale_of(&[0.0, 0.0]), 1.0);
    }

    #[test]
    fn packing_places_each_weight_in_its_panel_quad_and_column() {
        // 50 columns (two panels), 6 inputs (two quads, the second half padding).
        let (out, k) = (50, 6);
        let w: Vec<f32> = (0..out * k).map(|i| (i % 7) as f32 - 3.0).collect();
        let packed = QuantizedWeights::new(&w, None, out, k);
        assert_eq!(packed.quads, 2);
        for n in 0..out {
            let row = &w[n * k..][..k];
            let inverse = 1.0 / scale_of(row);
            let (p, c) = (n / PANEL, n % PANEL);
            for i in 0..8 {
                let at = p * packed.quads * PANEL * 4 + (i / 4) * PANEL * 4 + 4 * c + i % 4;
                let expected = row.get(i).map_or(0, |&v| quantize(v, inverse));
                assert_eq!(packed.panels[at], expected, "column {n}, input {i}");
            }
            let sum: i32 = row.iter().map(|&v| quantize(v, inverse) as i32).sum();
            assert_eq!(packed.zero_point_share[n], ZERO_POINT * sum);
        }
        // The second panel's columns past `out` are zero.
        assert!(packed.panels[PANEL * packed.quads * 4..]
            .chunks_exact(4)
            .enumerate()
            .all(|(i, quad)| i % PANEL < out - PANEL || quad == [0; 4]));
    }

    #[test]
    fn products_equal_the_quantized_reference_for_ragged_shapes() {
        if !supported() {
            eprintln!("skipped: this CPU has no AVX-512 VNNI");
            return;
        }
        // Rows not a multiple of the tile or task, columns not of the panel, inner not of 4 or 16.
        for (m, out, k) in [(1, 5, 3), (13, 50, 17), (70, 97, 64), (130, 48, 385)] {
            let rows = wave(m * k, 0.37, 0.1);
            let w = wave(out * k, 0.53, 0.7);
            let bias = wave(out, 1.1, 0.3);
            let packed = QuantizedWeights::new(&w, Some(&bias), out, k);
            let got = packed.matmul(&rows, Epilogue::Bias).unwrap();
            let expected = quantized_reference(&rows, &w, &bias, m, out, k);
            let worst = worst_difference(&got, &expected);
            assert!(worst < 1e-5, "({m}, {out}, {k}): worst difference {worst}");
        }
    }

    #[test]
    fn products_stay_close_to_f32_and_zero_rows_give_the_bias() {
        if !supported() {
            return;
        }
        let (m, out, k) = (9, 40, 384);
        let mut rows = wave(m * k, 0.29, 0.5);
        rows[..k].fill(0.0);
        let w = wave(out * k, 0.61, 0.2);
        let bias = wave(out, 0.9, 1.0);
        let packed = QuantizedWeights::new(&w, Some(&bias), out, k);
        let got = packed.matmul(&rows, Epilogue::Bias).unwrap();
        assert_eq!(&got[..out], &bias[..]);
        // Rounding moves each operand by at most half its step (scale / 2), so each output
        // moves by at most Σ |x|·δw + |w|·δx + δx·δw; the kernel must stay inside that bound
        // (and, with errors of both signs, well inside it).
        let mut worst_share = 0f32;
        for r in 0..m {
            let x = &rows[r * k..][..k];
            let dx = scale_of(x) / 2.0;
            for n in 0..out {
                let wn = &w[n * k..][..k];
                let dw = scale_of(wn) / 2.0;
                let exact: f32 = x.iter().zip(wn).map(|(a, b)| a * b).sum::<f32>() + bias[n];
                let bound: f32 = x
                    .iter()
                    .zip(wn)
                    .map(|(a, b)| a.abs() * dw + b.abs() * dx + dx * dw)
                    .sum();
                let error = (got[r * out + n] - exact).abs();
                if bound > 0.0 {
                    worst_share = worst_share.max(error / bound);
                }
            }
        }
        assert!(
            worst_share < 0.5,
            "an output moved {worst_share} of its rounding bound"
        );
    }

    #[test]
    fn the_vector_quantization_matches_the_scalar_one() {
        if !supported() {
            return;
        }
        let src = wave(37, 0.7, 0.2);
        let mut dst = vec![ZERO_POINT as u8; 40];
        // SAFETY: `supported()` checked the features; `dst` is longer than `src`.
        let scale = unsafe { kernel::quantize_row(&src, &mut dst) };
        assert_eq!(scale, scale_of(&src));
        for (i, &s) in src.iter().enumerate() {
            assert_eq!(
                dst[i] as i32 - ZERO_POINT,
                quantize(s, 1.0 / scale) as i32,
                "{i}"
            );
        }
        assert!(dst[37..].iter().all(|&d| d as i32 == ZERO_POINT));
    }

    #[test]
    fn gelu_epilogue_applies_gelu_after_the_bias() {
        if !supported() {
            return;
        }
        let (m, out, k) = (9, 20, 8);
        let rows = wave(m * k, 0.21, 0.4);
        let w = wave(out * k, 0.77, 0.2);
        let bias = wave(out, 0.9, 1.0);
        let packed = QuantizedWeights::new(&w, Some(&bias), out, k);
        let mut expected = packed.matmul(&rows, Epilogue::Bias).unwrap();
        Epilogue::BiasGelu.finish(&mut expected);
        assert_eq!(packed.matmul(&rows, Epilogue::BiasGelu).unwrap(), expected);
    }
}
