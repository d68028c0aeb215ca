//! The arithmetic of the encoder's linear layers at inference, and which of it this CPU runs.

use super::{amx_gemm, amx_int8_gemm, bf16_gemm, int8_gemm};

/// Arithmetic of the encoder's linear layers at inference (training always runs in f32).
///
/// ```
/// use stance::model::precision::Precision;
/// let int8: Precision = "int8".parse().unwrap();
/// assert_eq!(int8.name(), "int8");
/// assert!("fp8".parse::<Precision>().is_err());
/// // Whatever the CPU, a precision it lacks runs as f32.
/// assert!(int8.runs_here() || int8.effective() == Precision::F32);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// f32 throughout (the default).
    #[default]
    F32,
    /// Operands rounded to bfloat16, products summed in f32: about twice the multiply-adds per
    /// instruction on CPUs with AVX-512 BF16; f32 elsewhere.
    Bf16,
    /// Dynamic int8 quantization (weights per output column, activations per row), products
    /// summed exactly in i32: four times f32's multiply-adds per instruction on CPUs with
    /// AVX-512 VNNI, on the AMX tile unit where the CPU has AMX-INT8 (the same integers); f32
    /// elsewhere. Costs more accuracy than bf16 (docs/results.md).
    Int8,
}

impl std::str::FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "f32" => Ok(Precision::F32),
            "bf16" => Ok(Precision::Bf16),
            "int8" => Ok(Precision::Int8),
            other => Err(format!(
                "unknown precision `{other}` (expected f32, bf16 or int8)"
            )),
        }
    }
}

impl Precision {
    /// Every precision, f32 first.
    pub const ALL: [Precision; 3] = [Precision::F32, Precision::Bf16, Precision::Int8];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::Bf16 => "bf16",
            Precision::Int8 => "int8",
        }
    }

    /// Whether this CPU has the kernel (f32 always).
    pub fn runs_here(self) -> bool {
        match self {
            Precision::F32 => true,
            Precision::Bf16 => bf16_gemm::supported() || amx_gemm::supported(),
            Precision::Int8 => int8_gemm::supported() || amx_int8_gemm::supported(),
        }
    }

    /// The precision that actually runs when this one is asked for: itself, or f32 on a CPU
    /// without its kernel.
    pub fn effective(self) -> Precision {
        if self.runs_here() {
            self
        } else {
            Precision::F32
        }
    }

    /// The instructions the kernel needs, for messages.
    pub fn instructions(self) -> &'static str {
        match self {
            Precision::F32 => "no special instructions",
            Precision::Bf16 => "AVX-512 BF16 or AMX",
            Precision::Int8 => "AVX-512 VNNI or AMX",
        }
    }

    /// The kernel that runs this precision's linear layers on this CPU, for reports ("f32"
    /// where the CPU lacks this precision's instructions).
    pub fn kernel_here(self) -> &'static str {
        match self.effective() {
            Precision::F32 => "f32 (candle's gemm)",
            Precision::Bf16 if amx_gemm::supported() => "bf16 on AMX tiles",
            Precision::Bf16 => "bf16 on AVX-512 BF16",
            Precision::Int8 if amx_int8_gemm::supported() => "int8 on AMX tiles",
            Precision::Int8 => "int8 on AVX-512 VNNI",
        }
    }
}
