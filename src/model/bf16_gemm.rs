//! Linear layers in bfloat16 for inference on CPUs with AVX-512 BF16 (`vdpbf16ps`).
//!
//! The f32 matmul already runs the encoder's linear shapes near this CPU's f32 peak (gemm's
//! AVX-512 kernel is most of an inference profile), so a faster forward pass needs more
//! multiply-adds per instruction: `vdpbf16ps` does two bf16 products per f32 lane, twice the f32
//! FMA's. Weights are rounded to bf16 once and packed into panels of [`PANEL`] output columns;
//! activations are rounded per call; products accumulate in f32, and the bias (and GELU when
//! asked) is applied to each block while it is still in cache. Rounding to bf16 keeps 8
//! significant bits, so results differ from f32 by about 0.4 % of a product's magnitude; the
//! accuracy cost on a real task is measured in docs/results.md, and the path is chosen with
//! [`super::dense::Dense::set_precision`].

use rayon::prelude::*;

use super::cpu_buffers::written_in_chunks;
use super::epilogue::Epilogue;
#[cfg(target_arch = "x86_64")]
use super::micro_tile::for_tile_rows;

/// Output columns per packed panel: three 16-lane f32 accumulators per row.
pub const PANEL: usize = 48;
/// Rows per micro-tile: with [`PANEL`], 24 accumulators stay in the 32 vector registers.
const TILE_ROWS: usize = 8;
/// Rows per parallel task: its bf16 rows stay in L2 while every panel passes over them.
const TASK_ROWS: usize = 64;

/// f32 → bf16, rounding to nearest even (NaN stays NaN).
pub fn to_bf16(x: f32) -> u16 {
    let bits = x.to_bits();
    if x.is_nan() {
        return ((bits >> 16) | 0x40) as u16;
    }
    let rounding = 0x7FFF + ((bits >> 16) & 1);
    (bits.wrapping_add(rounding) >> 16) as u16
}

/// bf16 → f32 (exact).
pub fn from_bf16(x: u16) -> f32 {
    f32::from_bits((x as u32) << 16)
}

/// Whether this CPU runs the bf16 kernels (AVX-512F and AVX-512 BF16).
pub fn supported() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bf16")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// A linear layer's weight `(out, in)` rounded to bf16 and packed for the kernel: panel `p`,
/// input pair `j`, column `c` holds `[w[p·PANEL + c][2j], w[p·PANEL + c][2j + 1]]`; columns past
/// `out` and the odd input past `in` are zero. The bias is padded the same way.
#[derive(Debug, Clone)]
pub struct PackedWeights {
    panels: Vec<u16>,
    bias: Vec<f32>,
    out: usize,
    inner: usize,
    pairs: usize,
}

impl PackedWeights {
    /// Packs `weight` (`out × inner`, row-major) and `bias` (`out`, zeros when absent).
    pub fn new(weight: &[f32], bias: Option<&[f32]>, out: usize, inner: usize) -> Self {
        assert_eq!(weight.len(), out * inner, "packed weights: shape");
        Self::pack(|n, k| weight[n * inner + k], bias, out, inner)
    }

    /// Packs the weight whose transpose is `transposed` (`inner × out`, row-major): the input
    /// gradient of training, `grad · W`, reads its right operand this way, and packing it in
    /// place saves a transposed copy.
    pub fn from_transposed(transposed: &[f32], out: usize, inner: usize) -> Self {
        assert_eq!(transposed.len(), out * inner, "packed weights: shape");
        Self::pack(|n, k| transposed[k * out + n], None, out, inner)
    }

    /// Packs the weight `w(n, k)` (`out × inner`), panels in parallel.
    fn pack(
        w: impl Fn(usize, usize) -> f32 + Sync,
        bias: Option<&[f32]>,
        out: usize,
        inner: usize,
    ) -> Self {
        let pairs = inner.div_ceil(2);
        let panel_count = out.div_ceil(PANEL);
        let mut panels = vec![0u16; panel_count * pairs * PANEL * 2];
        panels
            .par_chunks_mut(pairs * PANEL * 2)
            .enumerate()
            .for_each(|(p, panel)| {
                let cols = PANEL.min(out.saturating_sub(p * PANEL));
                for (j, pair_row) in panel.chunks_exact_mut(PANEL * 2).enumerate() {
                    for t in 0..2 {
                        let k = 2 * j + t;
                        if k >= inner {
                            break;
                        }
                        for c in 0..cols {
                            pair_row[2 * c + t] = to_bf16(w(p * PANEL + c, k));
                        }
                    }
                }
            });
        let mut padded_bias = vec![0f32; panel_count * PANEL];
        if let Some(bias) = bias {
            padded_bias[..out].copy_from_slice(&bias[..out]);
        }
        PackedWeights {
            panels,
            bias: padded_bias,
            out,
            inner,
            pairs,
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

    /// `epilogue(rows · Wᵀ + bias)` for `rows` (`m × inner`, row-major f32) as `m × out` f32.
    /// Needs [`supported`]; returns `None` on other CPUs.
    pub fn matmul(&self, rows: &[f32], epilogue: Epilogue) -> Option<Vec<f32>> {
        if !supported() || !rows.len().is_multiple_of(self.inner.max(1)) {
            return None;
        }
        let m = rows.len() / self.inner.max(1);
        let stride = self.row_stride();
        self.run(m, epilogue, |first, count, a| {
            for (dst, src) in a
                .chunks_exact_mut(stride)
                .zip(rows[first * self.inner..][..count * self.inner].chunks_exact(self.inner))
            {
                // SAFETY: `supported()` checked the CPU features.
                #[cfg(target_arch = "x86_64")]
                unsafe {
                    kernel::round_row(src, dst)
                };
            }
        })
    }

    /// bf16 values between the starts of two rounded rows: the row plus one cache line, so
    /// that the tile's rows do not share cache sets when the width is a multiple of 4 KiB.
    fn row_stride(&self) -> usize {
        2 * self.pairs + 32
    }

    /// The product over `m` rows in parallel tasks; `fill(first, count, a)` writes rows
    /// `first .. first + count` in bf16 into `a` (`count` rows [`Self::row_stride`] apart,
    /// zeroed).
    fn run(
        &self,
        m: usize,
        epilogue: Epilogue,
        fill: impl Fn(usize, usize, &mut [u16]) + Sync,
    ) -> Option<Vec<f32>> {
        #[cfg(target_arch = "x86_64")]
        {
            let width = self.out.max(1);
            // Each task rounds its own rows, so the bf16 copy is written and read in cache.
            // SAFETY: each task's tiles store every row and column of its chunk (`task`) before
            // the epilogue reads it; `supported()` was checked by the callers.
            let out = unsafe {
                written_in_chunks(m * self.out, TASK_ROWS * width, |t, out, len| {
                    let count = len / width;
                    let mut a = vec![0u16; count * self.row_stride()];
                    fill(t * TASK_ROWS, count, &mut a);
                    self.task(&a, count, out, len, epilogue);
                })
            };
            Some(out)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = (m, epilogue, fill);
            None
        }
    }

    /// One task's `m` rows, already in bf16 in `a`: every panel over every tile.
    ///
    /// # Safety
    /// Needs AVX-512F and AVX-512 BF16; `out` addresses `len` = `m × out` floats, which this
    /// writes (every one) before reading.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bf16")]
    unsafe fn task(&self, a: &[u16], m: usize, out: *mut f32, len: usize, epilogue: Epilogue) {
        let stride = self.row_stride();
        let panel_len = self.pairs * PANEL * 2;
        for (p, panel) in self.panels.chunks_exact(panel_len).enumerate() {
            let first = p * PANEL;
            let cols = PANEL.min(self.out - first);
            let mut r = 0;
            while r < m {
                let tile = TILE_ROWS.min(m - r);
                let args = kernel::Tile {
                    a: a.as_ptr().add(r * stride),
                    lda: stride,
                    b: panel.as_ptr(),
                    pairs: self.pairs,
                    c: out.add(r * self.out + first),
                    ldc: self.out,
                    bias: self.bias.as_ptr().add(first),
                    cols,
                };
                for_tile_rows!(tile, kernel::tile, &args);
                r += tile;
            }
        }
        // SAFETY: the panels' tiles wrote all `m` rows of every column above.
        epilogue.finish(std::slice::from_raw_parts_mut(out, len));
    }
}

#[cfg(target_arch = "x86_64")]
mod kernel {
    use std::arch::x86_64::*;

    use super::PANEL;

    /// One micro-tile's operands: `R` rows of bf16 activations (`lda` apart), a packed panel,
    /// and where its `R × cols` results go (`ldc` apart), with the panel's bias.
    pub struct Tile {
        pub a: *const u16,
        pub lda: usize,
        pub b: *const u16,
        pub pairs: usize,
        pub c: *mut f32,
        pub ldc: usize,
        pub bias: *const f32,
        pub cols: usize,
    }

    /// `src` rounded to bf16 into `dst` (which is zero past `src.len()`), 16 at a time.
    ///
    /// # Safety
    /// Needs AVX-512F and AVX-512 BF16; `dst` is at least as long as `src`.
    #[target_feature(enable = "avx512f,avx512bf16")]
    pub unsafe fn round_row(src: &[f32], dst: &mut [u16]) {
        let full = src.len() / 16 * 16;
        let mut i = 0;
        while i < full {
            let x = _mm512_loadu_ps(src.as_ptr().add(i));
            let rounded: __m256i = std::mem::transmute(_mm512_cvtneps_pbh(x));
            _mm256_storeu_si256(dst.as_mut_ptr().add(i) as *mut __m256i, rounded);
            i += 16;
        }
        for (d, s) in dst[full..src.len()].iter_mut().zip(&src[full..]) {
            *d = super::to_bf16(*s);
        }
    }

    /// `C[r][c] = bias[c] + Σ_k A[r][k]·B[k][c]` for the tile's `R` rows and `cols` columns.
    ///
    /// # Safety
    /// Needs AVX-512F and AVX-512 BF16; every pointer addresses the sizes described in
    /// [`Tile`], the panel holds `pairs × PANEL × 2` values, the bias `PANEL`.
    #[target_feature(enable = "avx512f,avx512bf16")]
    pub unsafe fn tile<const R: usize>(t: &Tile) {
        let mut acc = [[_mm512_setzero_ps(); 3]; R];
        let mut b = t.b as *const __m512i;
        for j in 0..t.pairs {
            let b0: __m512bh = std::mem::transmute(_mm512_loadu_si512(b));
            let b1: __m512bh = std::mem::transmute(_mm512_loadu_si512(b.add(1)));
            let b2: __m512bh = std::mem::transmute(_mm512_loadu_si512(b.add(2)));
            b = b.add(3);
            for (r, acc) in acc.iter_mut().enumerate() {
                let pair = (t.a.add(r * t.lda + 2 * j) as *const i32).read_unaligned();
                let a: __m512bh = std::mem::transmute(_mm512_set1_epi32(pair));
                acc[0] = _mm512_dpbf16_ps(acc[0], a, b0);
                acc[1] = _mm512_dpbf16_ps(acc[1], a, b1);
                acc[2] = _mm512_dpbf16_ps(acc[2], a, b2);
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            for (v, &sum) in acc.iter().enumerate() {
                let col = v * 16;
                if col >= t.cols {
                    break;
                }
                let value = _mm512_add_ps(sum, _mm512_loadu_ps(t.bias.add(col)));
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
    use super::super::kernel_test_support::{bf16_reference, wave, worst_difference};
    use super::*;

    #[test]
    fn rounding_is_to_nearest_even() {
        assert_eq!(to_bf16(1.0), 0x3F80);
        // 1 + 2^-8 is halfway between two bf16 values: ties go to the even one (1.0).
        assert_eq!(to_bf16(1.0 + 1.0 / 256.0), 0x3F80);
        assert_eq!(to_bf16(1.0 + 3.0 / 256.0), 0x3F82);
        assert!(from_bf16(to_bf16(f32::NAN)).is_nan());
        assert_eq!(from_bf16(to_bf16(-2.5)), -2.5);
    }

    #[test]
    fn products_equal_the_rounded_reference_for_ragged_shapes() {
        if !supported() {
            eprintln!("skipped: this CPU has no AVX-512 BF16");
            return;
        }
        // Rows not a multiple of the tile or task, columns not of the panel, odd inner width.
        for (m, out, k) in [(1, 5, 3), (13, 50, 17), (70, 97, 64), (130, 48, 385)] {
            let rows = wave(m * k, 0.37, 0.1);
            let w = wave(out * k, 0.53, 0.7);
            let bias = wave(out, 1.1, 0.3);
            let packed = PackedWeights::new(&w, Some(&bias), out, k);
            let got = packed.matmul(&rows, Epilogue::Bias).unwrap();
            let expected = bf16_reference(&rows, &w, &bias, m, out, k);
            let worst = worst_difference(&got, &expected);
            assert!(worst < 1e-5, "({m}, {out}, {k}): worst difference {worst}");
        }
    }

    #[test]
    fn packing_a_transpose_equals_packing_the_weight() {
        // 50 columns (two panels), 7 inputs (an odd one left over).
        let (out, k) = (50, 7);
        let w = wave(out * k, 0.41, 0.3);
        let transposed: Vec<f32> = (0..k * out).map(|i| w[(i % out) * k + i / out]).collect();
        let direct = PackedWeights::new(&w, None, out, k);
        let from_transposed = PackedWeights::from_transposed(&transposed, out, k);
        assert_eq!(direct.panels, from_transposed.panels);
        assert!(from_transposed.bias.iter().all(|&b| b == 0.0));
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
        let packed = PackedWeights::new(&w, Some(&bias), out, k);
        let mut expected = packed.matmul(&rows, Epilogue::Bias).unwrap();
        super::super::fast_math::gelu_in_place(&mut expected);
        assert_eq!(packed.matmul(&rows, Epilogue::BiasGelu).unwrap(), expected);
    }
}
