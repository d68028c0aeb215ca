//! Linear layers in int8 on Intel's AMX tile unit (`tdpbusd`), for CPUs that have AMX-INT8
//! (Xeon Sapphire Rapids and later); the int8 path prefers it to the AVX-512 VNNI kernel of
//! [`super::int8_gemm`].
//!
//! The quantization is the VNNI kernel's, to the byte ([`super::int8_gemm::QuantizedColumns`],
//! [`super::int8_gemm::quantize_rows`]): weights per output column, activations per row as
//! `q + 128`, the zero point's share subtracted per column. `tdpbusd` multiplies the same
//! unsigned activation bytes by the same signed weight bytes and sums them exactly in i32, so
//! the two kernels give the same integers, and with the same last step
//! (`fma(sum − share, s_w·s_x, bias)`) the same floats; the accuracy measured for int8 holds
//! here unchanged.
//!
//! One `tdpbusd` multiplies a 16 × 64 tile of bytes by a 64 × 16 one into a 16 × 16 i32 tile:
//! 16,384 multiply-adds, where `vpdpbusd` does 64. The walk over a 32 × 32 output block is the
//! bf16 kernel's ([`super::amx_tiles`]); a step covers 64 inputs. As in [`super::amx_gemm`],
//! the tile arithmetic sits behind [`TileUnit`], with [`Emulated`] doing it in scalar code over
//! the same memory, so packing and walk are tested on every CPU.

use super::amx_tiles::{self, TileOp, BLOCK, TILE, WEIGHT_TILE_BYTES};
use super::epilogue::Epilogue;
use super::int8_gemm::{quantize_rows, QuantizedColumns};

/// Inputs per tile step: a row of an activation tile holds 64 bytes.
pub const STEP: usize = 64;
/// Inputs per group `tdpbusd` sums into one lane.
const QUAD: usize = 4;

/// Whether this CPU and kernel run the AMX int8 kernel: CPUID reports AMX-TILE and AMX-INT8,
/// and Linux granted the tile state to this process.
pub fn supported() -> bool {
    amx_tiles::runs(TileOp::Int8)
}

/// One 32 × 32 block of exact sums: `c[r·BLOCK + n] = Σ_k a[r][k]·w[n][k]` over `steps` steps
/// of 64 inputs, `a` unsigned, `w` signed.
pub trait TileUnit {
    /// # Safety
    /// `a` addresses 32 rows of `steps · STEP` bytes, `a_stride` bytes apart; `b` addresses
    /// `steps` packed steps of the panel ([`QuantizedTiles`] layout). Where the unit is
    /// hardware, the tile configuration is loaded.
    unsafe fn block(
        &self,
        a: *const u8,
        a_stride: usize,
        b: *const i8,
        steps: usize,
        c: &mut [i32; BLOCK * BLOCK],
    );
}

/// The AMX hardware.
#[cfg(target_arch = "x86_64")]
pub struct Hardware;

#[cfg(target_arch = "x86_64")]
impl TileUnit for Hardware {
    unsafe fn block(
        &self,
        a: *const u8,
        a_stride: usize,
        b: *const i8,
        steps: usize,
        c: &mut [i32; BLOCK * BLOCK],
    ) {
        amx_tiles::hardware_block(
            TileOp::Int8,
            a,
            a_stride,
            b as *const u8,
            steps,
            c.as_mut_ptr() as *mut u8,
        );
    }
}

/// The tile products in scalar code over the same memory, as the hardware reads it.
pub struct Emulated;

impl TileUnit for Emulated {
    unsafe fn block(
        &self,
        a: *const u8,
        a_stride: usize,
        b: *const i8,
        steps: usize,
        c: &mut [i32; BLOCK * BLOCK],
    ) {
        c.fill(0);
        for step in 0..steps {
            for half in 0..2 {
                // The weight tile of this column half: 16 rows (input quads) × 16 columns × 4.
                let tile = b.add((2 * step + half) * WEIGHT_TILE_BYTES);
                for r in 0..BLOCK {
                    let row = a.add(r * a_stride + step * STEP);
                    for col in 0..TILE {
                        let mut sum = c[r * BLOCK + half * TILE + col];
                        for quad in 0..STEP / QUAD {
                            for t in 0..QUAD {
                                let x = *row.add(QUAD * quad + t) as i32;
                                let w = *tile.add(quad * QUAD * TILE + QUAD * col + t) as i32;
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

/// A linear layer's weight `(out, in)` quantized per column and packed for the tile unit.
/// Panel `p` (32 output columns) holds, per step `s` of 64 inputs, two tiles (column halves
/// `h`), each 16 input quads `j` × 16 columns `c` × 4: `q[32p + 16h + c][64s + 4j + t]`.
/// Columns past `out` and inputs past `in` are zero; the column arrays are padded to whole
/// panels. As for the VNNI kernel, the i32 sums are exact up to about 66,000 inputs
/// (255 · 127 · k < 2³¹), far above the encoder's widths.
#[derive(Debug, Clone)]
pub struct QuantizedTiles {
    panels: Vec<i8>,
    scales: Vec<f32>,
    zero_point_share: Vec<i32>,
    bias: Vec<f32>,
    out: usize,
    inner: usize,
    steps: usize,
}

impl QuantizedTiles {
    /// Quantizes and packs `weight` (`out × inner`, row-major) and `bias` (`out`; zeros when
    /// absent).
    pub fn new(weight: &[f32], bias: Option<&[f32]>, out: usize, inner: usize) -> Self {
        assert_eq!(weight.len(), out * inner, "quantized tiles: shape");
        let steps = inner.div_ceil(STEP).max(1);
        let panel_count = out.div_ceil(BLOCK);
        let padded = panel_count * BLOCK;
        let columns = QuantizedColumns::new(weight, out, inner, padded);
        let panel_len = steps * 2 * WEIGHT_TILE_BYTES;
        let mut panels = vec![0i8; panel_count * panel_len];
        for (p, panel) in panels.chunks_exact_mut(panel_len).enumerate() {
            for (s, step) in panel.chunks_exact_mut(2 * WEIGHT_TILE_BYTES).enumerate() {
                for (h, tile) in step.chunks_exact_mut(WEIGHT_TILE_BYTES).enumerate() {
                    for c in 0..TILE {
                        let n = p * BLOCK + h * TILE + c;
                        if n >= out {
                            break;
                        }
                        let row = &columns.values[n * inner..][..inner];
                        for j in 0..STEP / QUAD {
                            for t in 0..QUAD {
                                if let Some(&q) = row.get(s * STEP + QUAD * j + t) {
                                    tile[j * QUAD * TILE + QUAD * c + t] = q;
                                }
                            }
                        }
                    }
                }
            }
        }
        let mut padded_bias = vec![0f32; padded];
        if let Some(bias) = bias {
            padded_bias[..out].copy_from_slice(&bias[..out]);
        }
        QuantizedTiles {
            panels,
            scales: columns.scales,
            zero_point_share: columns.zero_point_share,
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

    /// `epilogue(rows · Wᵀ + bias)` for `rows` (`m × inner`, row-major f32) as `m × out` f32,
    /// each row quantized with its own scale, on the AMX unit; `None` where [`supported`] says
    /// no.
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
                |rows, out, (a, row_scales): &mut (Vec<u8>, Vec<f32>)| {
                    self.task(unit, rows, out, a, row_scales)
                },
            )
        }
    }

    /// One task's rows: quantized into `a` (rows up to whole blocks, inputs up to whole steps,
    /// the padding at the zero point, which meets zero weights), then every panel over every
    /// block.
    fn task<U: TileUnit>(
        &self,
        unit: &U,
        rows: &[f32],
        out: &mut [f32],
        a: &mut Vec<u8>,
        row_scales: &mut Vec<f32>,
    ) {
        let width = self.steps * STEP;
        let m = rows.len() / self.inner;
        let blocks = m.div_ceil(BLOCK);
        quantize_rows(rows, self.inner, width, a, row_scales);
        a.resize(blocks * BLOCK * width, 0);
        let mut c = [0i32; BLOCK * BLOCK];
        let panel_len = self.steps * 2 * WEIGHT_TILE_BYTES;
        for (p, panel) in self.panels.chunks_exact(panel_len).enumerate() {
            let first = p * BLOCK;
            let cols = BLOCK.min(self.out - first);
            let columns = Columns {
                scales: &self.scales[first..][..cols],
                zero_point_share: &self.zero_point_share[first..][..cols],
                bias: &self.bias[first..][..cols],
            };
            for block in 0..blocks {
                let r0 = block * BLOCK;
                // SAFETY: `a` holds whole blocks of rows, `width` inputs each; the panel holds
                // `steps` packed steps; where the unit is hardware, `in_tasks` loaded the tiles'
                // configuration on this thread.
                unsafe {
                    unit.block(
                        a.as_ptr().add(r0 * width),
                        width,
                        panel.as_ptr(),
                        self.steps,
                        &mut c,
                    )
                };
                for r in r0..m.min(r0 + BLOCK) {
                    columns.finish(
                        &c[(r - r0) * BLOCK..][..cols],
                        row_scales[r],
                        &mut out[r * self.out + first..][..cols],
                    );
                }
            }
        }
    }
}

/// One panel's per-column numbers, for turning exact sums into outputs.
struct Columns<'a> {
    scales: &'a [f32],
    zero_point_share: &'a [i32],
    bias: &'a [f32],
}

impl Columns<'_> {
    /// `dst[c] = fma(sums[c] − share[c], s_w[c]·row_scale, bias[c])`, the VNNI kernel's last
    /// step in the same order and with the same single rounding of the fused multiply-add.
    fn finish(&self, sums: &[i32], row_scale: f32, dst: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has FMA.
            return unsafe { self.finish_with_fma(sums, row_scale, dst) };
        }
        self.finish_plain(sums, row_scale, dst);
    }

    /// [`Columns::finish_plain`] compiled with FMA, so that `mul_add` is one instruction
    /// rather than a call into libm (the result is the same: both round once).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "fma")]
    unsafe fn finish_with_fma(&self, sums: &[i32], row_scale: f32, dst: &mut [f32]) {
        self.finish_plain(sums, row_scale, dst);
    }

    #[inline(always)]
    fn finish_plain(&self, sums: &[i32], row_scale: f32, dst: &mut [f32]) {
        for ((((d, &sum), &share), &scale), &bias) in dst
            .iter_mut()
            .zip(sums)
            .zip(self.zero_point_share)
            .zip(self.scales)
            .zip(self.bias)
        {
            *d = ((sum - share) as f32).mul_add(scale * row_scale, bias);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::int8_gemm::{self, quantize, scale_of, QuantizedWeights};
    use super::super::kernel_test_support::{quantized_reference, wave, worst_difference};
    use super::*;

    #[test]
    fn packing_interleaves_input_quads_per_column_half_and_step() {
        // 40 columns (two panels, the second mostly padding), 70 inputs (two steps).
        let (out, k) = (40, 70);
        let w: Vec<f32> = (0..out * k).map(|i| (i % 11) as f32 - 5.0).collect();
        let packed = QuantizedTiles::new(&w, None, out, k);
        assert_eq!(packed.steps, 2);
        let panel_len = packed.steps * 2 * WEIGHT_TILE_BYTES;
        assert_eq!(packed.panels.len(), 2 * panel_len);
        for n in 0..BLOCK * 2 {
            let inverse = (n < out).then(|| 1.0 / scale_of(&w[n * k..][..k]));
            for i in 0..packed.steps * STEP {
                let (p, h, c) = (n / BLOCK, (n % BLOCK) / TILE, n % TILE);
                let (s, j, t) = (i / STEP, (i % STEP) / QUAD, i % QUAD);
                let at = p * panel_len
                    + (2 * s + h) * WEIGHT_TILE_BYTES
                    + j * QUAD * TILE
                    + QUAD * c
                    + t;
                let expected = match inverse {
                    Some(inverse) if i < k => quantize(w[n * k + i], inverse),
                    _ => 0,
                };
                assert_eq!(packed.panels[at], expected, "column {n}, input {i}");
            }
        }
        assert_eq!(packed.scales.len(), 2 * BLOCK);
        assert!(packed.scales[out..].iter().all(|&s| s == 0.0));
    }

    #[test]
    fn the_tile_walk_gives_the_quantized_product_for_ragged_shapes() {
        // Rows not a multiple of a block or a task, columns not of a panel, inputs not of a
        // step or a quad.
        for (m, out, k) in [(1, 5, 3), (33, 50, 31), (70, 64, 64), (130, 97, 385)] {
            let rows = wave(m * k, 0.37, 0.1);
            let w = wave(out * k, 0.53, 0.7);
            let bias = wave(out, 1.1, 0.3);
            let packed = QuantizedTiles::new(&w, Some(&bias), out, k);
            let got = packed
                .matmul_on(&Emulated, &rows, Epilogue::Bias, false)
                .unwrap();
            let expected = quantized_reference(&rows, &w, &bias, m, out, k);
            let worst = worst_difference(&got, &expected);
            assert!(worst < 1e-5, "({m}, {out}, {k}): worst difference {worst}");
        }
    }

    #[test]
    fn the_tiles_give_the_vnni_kernels_floats_exactly() {
        if !int8_gemm::supported() {
            eprintln!("skipped: this CPU has no AVX-512 VNNI to compare with");
            return;
        }
        let (m, out, k) = (70, 97, 385);
        let rows = wave(m * k, 0.31, 0.2);
        let w = wave(out * k, 0.43, 0.9);
        let bias = wave(out, 0.7, 0.1);
        for epilogue in [Epilogue::Bias, Epilogue::BiasGelu] {
            let tiles = QuantizedTiles::new(&w, Some(&bias), out, k)
                .matmul_on(&Emulated, &rows, epilogue, false)
                .unwrap();
            let vnni = QuantizedWeights::new(&w, Some(&bias), out, k)
                .matmul(&rows, epilogue)
                .unwrap();
            assert_eq!(tiles, vnni, "{epilogue:?}");
        }
    }

    #[test]
    fn zero_rows_give_the_bias_and_the_extremes_stay_exact() {
        // A zero row quantizes to the zero point everywhere: only the bias is left. A row of
        // ±largest values reaches ±127 in every input: the i32 sums must hold them.
        let (m, out, k) = (2, 3, 1536);
        let mut rows = vec![0f32; k];
        rows.extend((0..k).map(|i| if i % 2 == 0 { 4.0 } else { -4.0 }));
        let w: Vec<f32> = (0..out * k)
            .map(|i| if (i / k + i) % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let bias = [0.5, -0.25, 2.0];
        let packed = QuantizedTiles::new(&w, Some(&bias), out, k);
        let got = packed
            .matmul_on(&Emulated, &rows, Epilogue::Bias, false)
            .unwrap();
        assert_eq!(&got[..out], &bias[..]);
        let expected = quantized_reference(&rows, &w, &bias, m, out, k);
        assert!(worst_difference(&got, &expected) < 1e-6);
        // Column 0 agrees with the row's signs in every input, column 1 disagrees everywhere.
        assert!((got[out] - (4.0 * k as f32 + 0.5)).abs() < 1.0);
        assert!((got[out + 1] - (-4.0 * k as f32 - 0.25)).abs() < 1.0);
    }

    #[test]
    fn hardware_agrees_with_the_emulation_where_the_cpu_has_amx_int8() {
        let (m, out, k) = (70, 97, 385);
        let rows = wave(m * k, 0.31, 0.2);
        let w = wave(out * k, 0.43, 0.9);
        let packed = QuantizedTiles::new(&w, None, out, k);
        match packed.matmul(&rows, Epilogue::Bias) {
            None => {
                assert!(!supported());
                eprintln!("skipped: no AMX-INT8 on this CPU (or Linux refused the tile state)");
            }
            Some(got) => {
                let expected = packed
                    .matmul_on(&Emulated, &rows, Epilogue::Bias, false)
                    .unwrap();
                assert_eq!(got, expected, "AMX int8 differs from the emulation");
            }
        }
    }

    #[test]
    fn no_rows_or_no_columns_give_an_empty_product() {
        let packed = QuantizedTiles::new(&[1.0; 6], None, 2, 3);
        let none = packed.matmul_on(&Emulated, &[], Epilogue::Bias, false);
        assert_eq!(none, Some(Vec::new()));
        let narrow = QuantizedTiles::new(&[], None, 0, 3);
        let none = narrow.matmul_on(&Emulated, &[1.0; 6], Epilogue::Bias, false);
        assert_eq!(none, Some(Vec::new()));
        if int8_gemm::supported() {
            let vnni = QuantizedWeights::new(&[], None, 0, 3).matmul(&[1.0; 6], Epilogue::Bias);
            assert_eq!(vnni, Some(Vec::new()));
        }
    }

    #[test]
    fn a_wrong_input_width_is_refused() {
        let packed = QuantizedTiles::new(&[1.0; 6], None, 2, 3);
        assert!(packed
            .matmul_on(&Emulated, &[1.0; 4], Epilogue::Bias, false)
            .is_none());
    }
}
