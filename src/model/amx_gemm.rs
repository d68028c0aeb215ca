//! Linear layers in bfloat16 on Intel's AMX tile unit (`tdpbf16ps`), for CPUs that have it
//! (Xeon Sapphire Rapids and later); the bf16 path prefers it to [`super::bf16_gemm`].
//!
//! One `tdpbf16ps` multiplies a 16 × 32 bf16 tile by a 32 × 16 one into a 16 × 16 f32 tile:
//! 16,384 multiply-adds, where `vdpbf16ps` does 32. The kernel keeps a 32 × 32 block of the
//! output in four accumulator tiles and streams two tiles of activations (rows in bf16, as they
//! lie in memory) and two of weights (packed once, in the pair-interleaved layout the unit
//! reads) per 32 inputs. The tile state, its configuration and the walk in assembly are shared
//! with the int8 kernel ([`super::amx_tiles`]).
//!
//! The tile arithmetic sits behind [`TileUnit`]: the hardware runs it in assembly, and
//! [`Emulated`] does the same products in scalar code over the same memory, so the packing and
//! the tile walk are tested on every CPU, also on one without AMX.

use rayon::prelude::*;

use super::amx_tiles::{self, TileOp, BLOCK, TILE};
use super::bf16_gemm::to_bf16;
use super::epilogue::Epilogue;

/// Inputs per tile step: a row of an activation tile holds 32 bf16 (64 bytes).
pub const STEP: usize = 32;
/// bf16 values of one packed weight tile (16 input pairs × 16 columns × 2).
const WEIGHT_TILE: usize = TILE * TILE * 2;

/// Whether this CPU and kernel run the AMX bf16 kernel: CPUID reports AMX-TILE and AMX-BF16,
/// and Linux granted the tile state to this process. Asked once; later calls repeat the answer.
pub fn supported() -> bool {
    amx_tiles::runs(TileOp::Bf16)
}

/// One 32 × 32 output block: `c[r·BLOCK + n] = Σ_k a[r][k]·w[n][k]`, over `steps` steps of 32
/// inputs.
pub trait TileUnit {
    /// # Safety
    /// `a` addresses 32 rows of `steps · STEP` bf16, `a_stride` bytes apart; `b` addresses
    /// `steps` packed steps of the panel ([`TileWeights`] layout). Where the unit is hardware,
    /// the tile configuration is loaded.
    unsafe fn block(
        &self,
        a: *const u16,
        a_stride: usize,
        b: *const u16,
        steps: usize,
        c: &mut [f32; BLOCK * BLOCK],
    );
}

/// The AMX hardware.
#[cfg(target_arch = "x86_64")]
pub struct Hardware;

#[cfg(target_arch = "x86_64")]
impl TileUnit for Hardware {
    unsafe fn block(
        &self,
        a: *const u16,
        a_stride: usize,
        b: *const u16,
        steps: usize,
        c: &mut [f32; BLOCK * BLOCK],
    ) {
        amx_tiles::hardware_block(
            TileOp::Bf16,
            a as *const u8,
            a_stride,
            b as *const u8,
            steps,
            c.as_mut_ptr() as *mut u8,
        );
    }
}

/// The tile products in scalar code over the same memory, as the hardware reads it: the
/// reference the tests run the kernel's packing and walk against.
pub struct Emulated;

impl TileUnit for Emulated {
    unsafe fn block(
        &self,
        a: *const u16,
        a_stride: usize,
        b: *const u16,
        steps: usize,
        c: &mut [f32; BLOCK * BLOCK],
    ) {
        c.fill(0.0);
        let a_row = a_stride / 2;
        for step in 0..steps {
            for half in 0..2 {
                // The weight tile of this column half: 16 rows (input pairs) × 16 columns × 2.
                let tile = b.add((2 * step + half) * WEIGHT_TILE);
                for r in 0..BLOCK {
                    let row = a.add(r * a_row + step * STEP);
                    for col in 0..TILE {
                        let mut sum = c[r * BLOCK + half * TILE + col];
                        for pair in 0..STEP / 2 {
                            for t in 0..2 {
                                let x = super::bf16_gemm::from_bf16(*row.add(2 * pair + t));
                                let w = super::bf16_gemm::from_bf16(
                                    *tile.add(pair * 2 * TILE + 2 * col + t),
                                );
                                sum += x * w;
                            }
                        }
                        c[r * BLOCK + half * TILE + col] = sum;
                    }
                }
            }
        }
    }
}

/// A linear layer's weight `(out, in)` in bf16, packed for the tile unit. Panel `p` (32 output
/// columns) holds, per step `s` of 32 inputs, two tiles (column halves `h`), each 16 input
/// pairs `j` × 16 columns `c` × 2: `w[32p + 16h + c][32s + 2j + t]`. Columns past `out` and
/// inputs past `in` are zero. The bias is padded to whole panels.
#[derive(Debug, Clone)]
pub struct TileWeights {
    panels: Vec<u16>,
    bias: Vec<f32>,
    out: usize,
    inner: usize,
    steps: usize,
}

impl TileWeights {
    /// Rounds and packs `weight` (`out × inner`, row-major) and `bias` (`out`; zeros when
    /// absent).
    pub fn new(weight: &[f32], bias: Option<&[f32]>, out: usize, inner: usize) -> Self {
        assert_eq!(weight.len(), out * inner, "tile weights: shape");
        Self::pack(|n, k| weight[n * inner + k], bias, out, inner)
    }

    /// Packs the weight whose transpose is `transposed` (`inner × out`, row-major): the input
    /// gradient of mixed-precision training, `grad · W`, reads its right operand this way.
    pub fn from_transposed(transposed: &[f32], out: usize, inner: usize) -> Self {
        assert_eq!(transposed.len(), out * inner, "tile weights: shape");
        Self::pack(|n, k| transposed[k * out + n], None, out, inner)
    }

    /// Packs the weight `w(n, k)` (`out × inner`), panels in parallel (training packs every
    /// step).
    fn pack(
        w: impl Fn(usize, usize) -> f32 + Sync,
        bias: Option<&[f32]>,
        out: usize,
        inner: usize,
    ) -> Self {
        let steps = inner.div_ceil(STEP).max(1);
        let panel_count = out.div_ceil(BLOCK);
        let panel_len = steps * 2 * WEIGHT_TILE;
        let mut panels = vec![0u16; panel_count * panel_len];
        panels
            .par_chunks_mut(panel_len)
            .enumerate()
            .for_each(|(p, panel)| {
                for (s, step) in panel.chunks_exact_mut(2 * WEIGHT_TILE).enumerate() {
                    for (h, tile) in step.chunks_exact_mut(WEIGHT_TILE).enumerate() {
                        for c in 0..TILE {
                            let n = p * BLOCK + h * TILE + c;
                            if n >= out {
                                break;
                            }
                            for j in 0..STEP / 2 {
                                for t in 0..2 {
                                    let k = s * STEP + 2 * j + t;
                                    if k < inner {
                                        tile[j * 2 * TILE + 2 * c + t] = to_bf16(w(n, k));
                                    }
                                }
                            }
                        }
                    }
                }
            });
        let mut padded_bias = vec![0f32; panel_count * BLOCK];
        if let Some(bias) = bias {
            padded_bias[..out].copy_from_slice(&bias[..out]);
        }
        TileWeights {
            panels,
            bias: padded_bias,
            out,
            inner,
            steps,
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

    /// `epilogue(rows · Wᵀ + bias)` for `rows` (`m × inner`, row-major f32) as `m × out` f32
    /// on the AMX unit; `None` where [`supported`] says no.
    pub fn matmul(&self, rows: &[f32], epilogue: Epilogue) -> Option<Vec<f32>> {
        #[cfg(target_arch = "x86_64")]
        {
            if supported() {
                return self.matmul_on(&Hardware, rows, epilogue, true);
            }
        }
        let _ = (rows, epilogue);
        None
    }

    /// The product on `unit`; `configure` loads the tile configuration in each task (as the
    /// hardware needs; see [`amx_tiles::in_tasks`]). Crate-private: `configure` must be set
    /// exactly when `unit` is the hardware and [`supported`] said yes, which [`Self::matmul`]
    /// ensures and the tests (emulation, no configuration) keep to.
    pub(crate) fn matmul_on<U: TileUnit + Sync>(
        &self,
        unit: &U,
        rows: &[f32],
        epilogue: Epilogue,
        configure: bool,
    ) -> Option<Vec<f32>> {
        // SAFETY: `configure` is set only for the hardware, which `supported()` checked; `task`
        // writes every output of its rows.
        unsafe {
            amx_tiles::in_tasks(
                rows,
                self.inner,
                self.out,
                configure,
                epilogue,
                |rows, out, a| self.task(unit, rows, out, a),
            )
        }
    }

    /// One task's rows: rounded to bf16 into `a` (zero rows up to whole blocks, zero inputs up
    /// to whole steps), then every panel over every block.
    fn task<U: TileUnit>(&self, unit: &U, rows: &[f32], out: &mut [f32], a: &mut Vec<u16>) {
        let width = self.steps * STEP;
        let m = rows.len() / self.inner;
        let blocks = m.div_ceil(BLOCK);
        a.clear();
        a.resize(blocks * BLOCK * width, 0);
        for (dst, src) in a.chunks_exact_mut(width).zip(rows.chunks_exact(self.inner)) {
            for (d, &s) in dst.iter_mut().zip(src) {
                *d = to_bf16(s);
            }
        }
        let mut c = [0f32; BLOCK * BLOCK];
        let panel_len = self.steps * 2 * WEIGHT_TILE;
        for (p, panel) in self.panels.chunks_exact(panel_len).enumerate() {
            let first = p * BLOCK;
            let cols = BLOCK.min(self.out - first);
            let bias = &self.bias[first..][..BLOCK];
            for block in 0..blocks {
                let r0 = block * BLOCK;
                // SAFETY: `a` holds whole blocks of rows, `width` inputs each; the panel holds
                // `steps` packed steps; where the unit is hardware, `in_tasks` loaded the tiles'
                // configuration on this thread.
                unsafe {
                    unit.block(
                        a.as_ptr().add(r0 * width),
                        width * 2,
                        panel.as_ptr(),
                        self.steps,
                        &mut c,
                    )
                };
                for r in r0..m.min(r0 + BLOCK) {
                    let dst = &mut out[r * self.out + first..][..cols];
                    let src = &c[(r - r0) * BLOCK..][..cols];
                    for ((d, &s), &b) in dst.iter_mut().zip(src).zip(bias) {
                        *d = s + b;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::kernel_test_support::{bf16_reference, wave, worst_difference};
    use super::*;

    #[test]
    fn packing_interleaves_input_pairs_per_column_half_and_step() {
        // 40 columns (two panels, the second mostly padding), 37 inputs (two steps).
        let (out, k) = (40, 37);
        let w: Vec<f32> = (0..out * k).map(|i| i as f32).collect();
        let packed = TileWeights::new(&w, None, out, k);
        assert_eq!(packed.steps, 2);
        let panel_len = packed.steps * 2 * WEIGHT_TILE;
        assert_eq!(packed.panels.len(), 2 * panel_len);
        for n in 0..BLOCK * 2 {
            for i in 0..packed.steps * STEP {
                let (p, h, c) = (n / BLOCK, (n % BLOCK) / TILE, n % TILE);
                let (s, j, t) = (i / STEP, (i % STEP) / 2, i % 2);
                let at = p * panel_len + (2 * s + h) * WEIGHT_TILE + j * 2 * TILE + 2 * c + t;
                let expected = if n < out && i < k {
                    to_bf16(w[n * k + i])
                } else {
                    0
                };
                assert_eq!(packed.panels[at], expected, "column {n}, input {i}");
            }
        }
    }

    #[test]
    fn the_tile_walk_gives_the_bf16_product_for_ragged_shapes() {
        // Rows not a multiple of a block or a task, columns not of a panel, inputs not of a step.
        for (m, out, k) in [(1, 5, 3), (33, 50, 31), (70, 64, 64), (130, 97, 385)] {
            let rows = wave(m * k, 0.37, 0.1);
            let w = wave(out * k, 0.53, 0.7);
            let bias = wave(out, 1.1, 0.3);
            let packed = TileWeights::new(&w, Some(&bias), out, k);
            let got = packed
                .matmul_on(&Emulated, &rows, Epilogue::Bias, false)
                .unwrap();
            let expected = bf16_reference(&rows, &w, &bias, m, out, k);
            let worst = worst_difference(&got, &expected);
            assert!(worst < 1e-4, "({m}, {out}, {k}): worst difference {worst}");
        }
    }

    #[test]
    fn a_transposed_weight_packs_as_its_transpose() {
        let (m, out, k) = (40, 70, 45);
        let rows = wave(m * k, 0.29, 0.3);
        let w = wave(out * k, 0.61, 0.5);
        let transposed: Vec<f32> = (0..k * out).map(|i| w[(i % out) * k + i / out]).collect();
        let packed = TileWeights::from_transposed(&transposed, out, k);
        assert_eq!(packed.panels, TileWeights::new(&w, None, out, k).panels);
        let got = packed
            .matmul_on(&Emulated, &rows, Epilogue::Bias, false)
            .unwrap();
        let expected = bf16_reference(&rows, &w, &vec![0.0; out], m, out, k);
        assert!(worst_difference(&got, &expected) < 1e-4);
    }

    #[test]
    fn the_gelu_epilogue_follows_the_bias() {
        let (m, out, k) = (9, 20, 8);
        let rows = wave(m * k, 0.21, 0.4);
        let w = wave(out * k, 0.77, 0.2);
        let bias = wave(out, 0.9, 1.0);
        let packed = TileWeights::new(&w, Some(&bias), out, k);
        let mut expected = packed
            .matmul_on(&Emulated, &rows, Epilogue::Bias, false)
            .unwrap();
        Epilogue::BiasGelu.finish(&mut expected);
        let got = packed
            .matmul_on(&Emulated, &rows, Epilogue::BiasGelu, false)
            .unwrap();
        assert_eq!(got, expected);
    }

    #[test]
    fn hardware_agrees_with_the_emulation_where_the_cpu_has_amx() {
        let (m, out, k) = (70, 97, 385);
        let rows = wave(m * k, 0.31, 0.2);
        let w = wave(out * k, 0.43, 0.9);
        let packed = TileWeights::new(&w, None, out, k);
        match packed.matmul(&rows, Epilogue::Bias) {
            None => {
                assert!(!supported());
                eprintln!("skipped: no AMX tiles on this CPU (or Linux refused the tile state)");
            }
            Some(got) => {
                let expected = packed
                    .matmul_on(&Emulated, &rows, Epilogue::Bias, false)
                    .unwrap();
                let worst = worst_difference(&got, &expected);
                assert!(worst < 1e-3, "AMX differs from the emulation by {worst}");
            }
        }
    }

    #[test]
    fn a_wrong_input_width_is_refused() {
        let packed = TileWeights::new(&[1.0; 6], None, 2, 3);
        assert!(packed
            .matmul_on(&Emulated, &[1.0; 4], Epilogue::Bias, false)
            .is_none());
    }
}
