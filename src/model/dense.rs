//! The encoder's linear layers: candle's f32 `Linear`, and for inference on CPUs with AVX-512
//! BF16, optionally the bf16 kernel of [`super::bf16_gemm`]. The precision belongs to the
//! loaded layer ([`Dense::set_kernels`], set for a whole model by its own `set_kernels`), so two
//! models in one process can run different paths.

use std::sync::{Arc, OnceLock};

use candle_core::{CpuStorage, CustomOp1, DType, Layout, Result, Shape, Tensor};
use candle_nn::{Linear, Module, VarBuilder};

use super::bf16_gemm::{self, Epilogue, PackedWeights};
use super::cpu_buffers::contiguous_f32;
use super::kernels::{KernelSwitch, Kernels};

/// Arithmetic of the encoder's linear layers at inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// f32 throughout (the default).
    #[default]
    F32,
    /// Operands rounded to bfloat16, products summed in f32: about twice the multiply-adds per
    /// instruction on CPUs with AVX-512 BF16; f32 elsewhere.
    Bf16,
}

impl std::str::FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "f32" => Ok(Precision::F32),
            "bf16" => Ok(Precision::Bf16),
            other => Err(format!(
                "unknown precision `{other}` (expected f32 or bf16)"
            )),
        }
    }
}

impl Precision {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::Bf16 => "bf16",
        }
    }
}

/// A linear layer (`weight` `(out, in)`, `bias` `(out,)`), named as in the checkpoint.
#[derive(Debug, Clone)]
pub struct Dense {
    linear: Linear,
    /// The bf16 panels, packed on first bf16 use (never for trained weights).
    packed: Arc<OnceLock<Option<PackedWeights>>>,
    /// This layer's kernels; its [`Precision`] at inference is f32 until set.
    kernels: KernelSwitch,
}

impl Dense {
    /// Loads `weight` and `bias` for `in_dim → out_dim` from `vb`.
    pub fn load(in_dim: usize, out_dim: usize, vb: VarBuilder) -> Result<Self> {
        Ok(Dense {
            linear: candle_nn::linear(in_dim, out_dim, vb)?,
            packed: Arc::new(OnceLock::new()),
            kernels: KernelSwitch::default(),
        })
    }

    /// Sets the arithmetic of this layer at inference. Training always runs in f32 (trained
    /// weights change every step; they are never packed), whatever is set here.
    pub fn set_kernels(&self, kernels: Kernels) {
        self.kernels.set(kernels);
    }

    /// The arithmetic set with [`Dense::set_kernels`].
    pub fn precision(&self) -> Precision {
        self.kernels.get().precision
    }

    /// The f32 layer, as the training path reads it.
    pub fn linear(&self) -> &Linear {
        &self.linear
    }

    /// `xs · Wᵀ + b` over the last dimension.
    pub fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        match self.packed_for(xs) {
            Some(packed) => Self::run_packed(packed, xs, Epilogue::Bias),
            None => self.linear.forward(xs),
        }
    }

    /// `gelu(xs · Wᵀ + b)` (erf form) from the bf16 kernel, the activation applied inside it,
    /// when the bf16 path applies to `xs`; `None` otherwise.
    pub fn forward_bf16_gelu(&self, xs: &Tensor) -> Result<Option<Tensor>> {
        match self.packed_for(xs) {
            Some(packed) => Ok(Some(Self::run_packed(packed, xs, Epilogue::BiasGelu)?)),
            None => Ok(None),
        }
    }

    fn run_packed(packed: &PackedWeights, xs: &Tensor, epilogue: Epilogue) -> Result<Tensor> {
        xs.contiguous()?
            .apply_op1_no_bwd(&PackedMatmul { packed, epilogue })
    }

    /// The packed weights when the bf16 path applies to `xs`: bf16 precision, a CPU that has
    /// it, f32 input that needs no gradient, and weights that are not being trained.
    fn packed_for(&self, xs: &Tensor) -> Option<&PackedWeights> {
        let weight = self.linear.weight();
        if self.precision() != Precision::Bf16
            || xs.dtype() != DType::F32
            || xs.track_op()
            || weight.is_variable()
            || !bf16_gemm::supported()
        {
            return None;
        }
        self.packed
            .get_or_init(|| {
                let (out, inner) = weight.dims2().ok()?;
                let w = weight.flatten_all().ok()?.to_vec1::<f32>().ok()?;
                let bias = match self.linear.bias() {
                    Some(b) => Some(b.to_vec1::<f32>().ok()?),
                    None => None,
                };
                Some(PackedWeights::new(&w, bias.as_deref(), out, inner))
            })
            .as_ref()
    }
}

/// The bf16 product as a candle op, so that it reads the input where it is.
struct PackedMatmul<'a> {
    packed: &'a PackedWeights,
    epilogue: Epilogue,
}

impl CustomOp1 for PackedMatmul<'_> {
    fn name(&self) -> &'static str {
        "bf16-linear"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let dims = layout.shape().dims();
        if dims.last() != Some(&self.packed.inner()) {
            candle_core::bail!(
                "bf16 linear: input {:?} does not end in {}",
                dims,
                self.packed.inner()
            );
        }
        let rows = contiguous_f32(storage, layout, "bf16 linear")?;
        let Some(out) = self.packed.matmul(rows, self.epilogue) else {
            candle_core::bail!("bf16 linear: this CPU has no AVX-512 BF16");
        };
        let mut shape = dims.to_vec();
        if let Some(last) = shape.last_mut() {
            *last = self.packed.out();
        }
        Ok((CpuStorage::F32(out), Shape::from(shape)))
    }
}
