//! What the two AMX kernels ([`super::amx_gemm`] in bf16, [`super::amx_int8_gemm`] in int8)
//! share: whether the CPU and Linux allow the tile unit, the tile configuration, and the
//! hardware walk over one 32 × 32 output block.
//!
//! Both kernels use the same eight tile registers, each 16 rows of 64 bytes: four 16 × 16
//! accumulators (f32 or i32, 4 bytes each), two tiles of activations and two of packed weights.
//! Only the instruction differs: `tdpbf16ps` takes 32 bf16 inputs per row, `tdpbusd` 64
//! unsigned × signed bytes. Linux hands out the tile registers only on request
//! (`arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)`); [`runs`] asks once and says no when
//! the CPU or the kernel refuses, so the callers fall back to their AVX-512 paths.

use std::sync::OnceLock;

use super::epilogue::Epilogue;

/// Rows and columns of an accumulator tile.
pub const TILE: usize = 16;
/// Output rows and columns of one block: 2 × 2 accumulator tiles.
pub const BLOCK: usize = 2 * TILE;
/// Bytes per tile row: every tile the kernels use is 16 rows of 64 bytes.
pub const ROW_BYTES: usize = 64;
/// Bytes of one packed weight tile.
pub const WEIGHT_TILE_BYTES: usize = TILE * ROW_BYTES;

/// The tile product an AMX kernel runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileOp {
    /// `tdpbf16ps`: bf16 pairs into f32 (CPUID AMX-BF16).
    Bf16,
    /// `tdpbusd`: quads of unsigned × signed bytes into i32 (CPUID AMX-INT8).
    Int8,
}

impl TileOp {
    /// The CPUID leaf 7 EDX bit that reports this product.
    fn cpuid_bit(self) -> u32 {
        match self {
            TileOp::Bf16 => 22,
            TileOp::Int8 => 25,
        }
    }
}

/// Whether this process can run `op` on the tile unit: CPUID reports AMX-TILE and the
/// product, and Linux granted the tile state. The request is made once per process.
pub fn runs(op: TileOp) -> bool {
    // CPUID is serialising (and traps to the hypervisor in a VM): asked once per product.
    static ANSWERS: [OnceLock<bool>; 2] = [OnceLock::new(), OnceLock::new()];
    let slot = match op {
        TileOp::Bf16 => 0,
        TileOp::Int8 => 1,
    };
    *ANSWERS[slot].get_or_init(|| cpu_has(op) && tile_state_granted())
}

/// CPUID leaf 7: EDX bit 24 is AMX-TILE; the product's own bit beside it.
fn cpu_has(op: TileOp) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        // Leaf 7 is read only where the CPU reports it.
        let max_leaf = std::arch::x86_64::__cpuid(0).eax;
        if max_leaf < 7 {
            return false;
        }
        let edx = std::arch::x86_64::__cpuid_count(7, 0).edx;
        edx & (1 << 24) != 0 && edx & (1 << op.cpuid_bit()) != 0
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = op;
        false
    }
}

fn tile_state_granted() -> bool {
    static GRANTED: OnceLock<bool> = OnceLock::new();
    *GRANTED.get_or_init(os::request_tile_state)
}

mod os {
    /// `arch_prctl` code that asks for an extended state component (Linux 5.16+).
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    const ARCH_REQ_XCOMP_PERM: libc::c_long = 0x1023;
    /// The AMX tile data component of XSAVE.
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    const XFEATURE_XTILEDATA: libc::c_long = 18;

    /// Asks Linux for the tile registers; `false` when it refuses (older kernel, no AMX).
    pub fn request_tile_state() -> bool {
        #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
        {
            // SAFETY: arch_prctl with these arguments only changes this process's permissions.
            unsafe {
                libc::syscall(
                    libc::SYS_arch_prctl,
                    ARCH_REQ_XCOMP_PERM,
                    XFEATURE_XTILEDATA,
                ) == 0
            }
        }
        #[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
        {
            false
        }
    }
}

/// The tile configuration `ldtilecfg` reads: palette 1, then per tile register its bytes per
/// row (u16 at 16 + 2i) and rows (u8 at 48 + i). The kernels use tmm0–7, each 16 × 64 bytes.
pub fn tile_config() -> [u8; 64] {
    let mut config = [0u8; 64];
    config[0] = 1;
    for tile in 0..8 {
        config[16 + 2 * tile..][..2].copy_from_slice(&(ROW_BYTES as u16).to_le_bytes());
        config[48 + tile] = TILE as u8;
    }
    config
}

/// Loads [`tile_config`] into this thread's tile unit.
///
/// # Safety
/// The CPU has AMX and the process holds the tile state ([`runs`] said yes).
#[cfg(target_arch = "x86_64")]
pub unsafe fn configure() {
    let config = tile_config();
    std::arch::asm!("ldtilecfg [{}]", in(reg) config.as_ptr(), options(nostack, readonly));
}

/// Releases this thread's tiles after [`configure`].
///
/// # Safety
/// As for [`configure`].
#[cfg(target_arch = "x86_64")]
pub unsafe fn release() {
    std::arch::asm!("tilerelease", options(nostack, nomem));
}

/// Rows per parallel task of both AMX kernels: two blocks.
pub const TASK_ROWS: usize = 2 * BLOCK;

/// The frame both AMX kernels run their product in: `rows` (`m × inner`, row-major f32) split
/// into tasks of [`TASK_ROWS`] rows in parallel, each writing its rows of the `m × out` result
/// through `task(rows, out, scratch)` (scratch buffers kept per thread), then applying
/// `epilogue` to them. With `configure`, each task loads the tile configuration first and
/// releases the tiles before the epilogue, as the hardware needs. `None` for rows that are not
/// whole rows of `inner`.
///
/// # Safety
/// With `configure`, the CPU has AMX and the process holds the tile state ([`runs`]); `task`
/// writes every element of its `out` and does not run rayon work itself (work stolen onto this
/// thread could release the tiles between its products).
pub unsafe fn in_tasks<S: Default + Send>(
    rows: &[f32],
    inner: usize,
    out_width: usize,
    configure: bool,
    epilogue: Epilogue,
    task: impl Fn(&[f32], &mut [f32], &mut S) + Sync,
) -> Option<Vec<f32>> {
    use rayon::prelude::*;
    if inner == 0 || !rows.len().is_multiple_of(inner) {
        return None;
    }
    let m = rows.len() / inner;
    if m == 0 || out_width == 0 {
        return Some(Vec::new());
    }
    let mut out = vec![0f32; m * out_width];
    out.par_chunks_mut(TASK_ROWS * out_width)
        .zip(rows.par_chunks(TASK_ROWS * inner))
        .for_each_init(S::default, |scratch, (out, rows)| {
            #[cfg(target_arch = "x86_64")]
            if configure {
                // SAFETY: the caller vouches for the tile state.
                unsafe { self::configure() };
            }
            task(rows, out, scratch);
            #[cfg(target_arch = "x86_64")]
            if configure {
                // SAFETY: as above; the tiles were configured on this thread.
                unsafe { release() };
            }
            epilogue.finish(out);
        });
    Some(out)
}

/// The walk over one 32 × 32 block in assembly: `$op` is the product's mnemonic.
#[cfg(target_arch = "x86_64")]
macro_rules! tile_walk {
    ($op:literal, $a:expr, $a_stride:expr, $b:expr, $steps:expr, $c:expr) => {
        // tmm0 = C[0..16][0..16], tmm1 = C[0..16][16..32], tmm2 = C[16..32][0..16],
        // tmm3 = C[16..32][16..32]; tmm4/5 the two row halves of A; tmm6/7 the two column
        // halves of the weights. Per step A moves 64 bytes right, the weights one packed step
        // (two tiles) on.
        std::arch::asm!(
            "tilezero tmm0",
            "tilezero tmm1",
            "tilezero tmm2",
            "tilezero tmm3",
            "2:",
            "tileloadd tmm4, [{a} + {a_stride}*1]",
            "tileloadd tmm5, [{a2} + {a_stride}*1]",
            "tileloadd tmm6, [{b} + {b_stride}*1]",
            "tileloadd tmm7, [{b2} + {b_stride}*1]",
            concat!($op, " tmm0, tmm4, tmm6"),
            concat!($op, " tmm1, tmm4, tmm7"),
            concat!($op, " tmm2, tmm5, tmm6"),
            concat!($op, " tmm3, tmm5, tmm7"),
            "add {a}, 64",
            "add {a2}, 64",
            "add {b}, {b_step}",
            "add {b2}, {b_step}",
            "dec {steps}",
            "jnz 2b",
            "tilestored [{c} + {c_stride}*1], tmm0",
            "add {c}, 64",
            "tilestored [{c} + {c_stride}*1], tmm1",
            "add {c}, {down}",
            "tilestored [{c} + {c_stride}*1], tmm2",
            "add {c}, 64",
            "tilestored [{c} + {c_stride}*1], tmm3",
            a = inout(reg) $a => _,
            a2 = inout(reg) $a.add(TILE * $a_stride) => _,
            a_stride = in(reg) $a_stride,
            b = inout(reg) $b => _,
            b2 = inout(reg) $b.add(WEIGHT_TILE_BYTES) => _,
            b_stride = in(reg) ROW_BYTES,
            b_step = const 2 * WEIGHT_TILE_BYTES,
            steps = inout(reg) $steps => _,
            c = inout(reg) $c => _,
            c_stride = in(reg) BLOCK * 4,
            down = const TILE * BLOCK * 4 - 64,
            options(nostack),
        )
    };
}

/// `c = A · B` for one 32 × 32 block on the tile unit: `a` addresses 32 rows of `steps · 64`
/// bytes, `a_stride` bytes apart; `b` addresses `steps` packed steps of two weight tiles each;
/// `c` receives the 32 × 32 sums (f32 for bf16, i32 for int8), rows 128 bytes apart.
///
/// # Safety
/// The CPU runs `op` ([`runs`]), [`configure`] ran on this thread, `steps ≥ 1`, and the
/// pointers address the sizes above.
#[cfg(target_arch = "x86_64")]
pub unsafe fn hardware_block(
    op: TileOp,
    a: *const u8,
    a_stride: usize,
    b: *const u8,
    steps: usize,
    c: *mut u8,
) {
    match op {
        TileOp::Bf16 => tile_walk!("tdpbf16ps", a, a_stride, b, steps, c),
        TileOp::Int8 => tile_walk!("tdpbusd", a, a_stride, b, steps, c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tile_configuration_sets_eight_tiles_of_16_rows_of_64_bytes() {
        let config = tile_config();
        assert_eq!(config[0], 1, "palette 1");
        assert!(config[1..16].iter().all(|&b| b == 0));
        for tile in 0..8 {
            assert_eq!(
                u16::from_le_bytes([config[16 + 2 * tile], config[17 + 2 * tile]]),
                64
            );
            assert_eq!(config[48 + tile], 16);
        }
        assert!(config[32..48].iter().all(|&b| b == 0), "tiles 8-15 unused");
        assert!(config[56..].iter().all(|&b| b == 0));
    }

    #[test]
    fn each_product_has_its_own_cpuid_bit_and_the_answer_is_stable() {
        assert_ne!(TileOp::Bf16.cpuid_bit(), TileOp::Int8.cpuid_bit());
        for op in [TileOp::Bf16, TileOp::Int8] {
            assert_eq!(runs(op), runs(op));
            // No product runs without the tile unit itself.
            if runs(op) {
                assert!(cpu_has(op));
            }
        }
    }
}
