//! The encoder's linear layers: candle's f32 `Linear`, and for inference, optionally bf16 (the
//! AMX tiles of [`super::amx_gemm`] where the CPU has them, else the AVX-512 BF16 kernel of
//! [`super::bf16_gemm`]) or int8 (the AMX tiles of [`super::amx_int8_gemm`] where the CPU has
//! them, else the AVX-512 VNNI kernel of [`super::int8_gemm`]). The precision belongs to the
//! loaded layer ([`Dense::set_kernels`], set for a whole model by its own `set_kernels`), so two
//! models in one process can run different paths.

use std::sync::{Arc, OnceLock};

use candle_core::{CpuStorage, CustomOp1, DType, Layout, Result, Shape, Tensor};
use candle_nn::{Linear, Module, VarBuilder};

use super::amx_gemm::{self, TileWeights};
use super::amx_int8_gemm::{self, QuantizedTiles};
use super::bf16_gemm::PackedWeights;
use super::cpu_buffers::contiguous_f32;
use super::epilogue::Epilogue;
use super::int8_gemm::QuantizedWeights;
use super::kernels::{KernelSwitch, Kernels};

pub use super::precision::Precision;

/// A layer's f32 weights, or the precision they were packed for when
/// [`Dense::keep_only_packed`] freed them.
#[derive(Debug, Clone)]
enum Plain {
    Kept(Linear),
    Freed(Precision),
}

/// A linear layer (`weight` `(out, in)`, `bias` `(out,)`), named as in the checkpoint.
#[derive(Debug, Clone)]
pub struct Dense {
    /// The f32 layer, until [`Dense::keep_only_packed`] frees it.
    plain: Plain,
    /// The bf16 panels, packed on first bf16 use (never for trained weights).
    bf16: Arc<OnceLock<Option<PackedWeights>>>,
    /// The AMX tiles, packed on first bf16 use on a CPU with AMX (never for trained weights).
    amx: Arc<OnceLock<Option<TileWeights>>>,
    /// The int8 panels, quantized on first int8 use (never for trained weights).
    int8: Arc<OnceLock<Option<QuantizedWeights>>>,
    /// The int8 AMX tiles, quantized on first int8 use on a CPU with AMX-INT8.
    amx_int8: Arc<OnceLock<Option<QuantizedTiles>>>,
    /// This layer's kernels; its [`Precision`] at inference is f32 until set.
    kernels: KernelSwitch,
}

impl Dense {
    /// Loads `weight` and `bias` for `in_dim → out_dim` from `vb`.
    pub fn load(in_dim: usize, out_dim: usize, vb: VarBuilder) -> Result<Self> {
        Ok(Dense {
            plain: Plain::Kept(candle_nn::linear(in_dim, out_dim, vb)?),
            bf16: Arc::new(OnceLock::new()),
            amx: Arc::new(OnceLock::new()),
            int8: Arc::new(OnceLock::new()),
            amx_int8: Arc::new(OnceLock::new()),
            kernels: KernelSwitch::default(),
        })
    }

    /// Sets the arithmetic of this layer at inference. Training always runs in f32 (trained
    /// weights change every step; they are never packed), whatever is set here.
    pub fn set_kernels(&self, kernels: Kernels) {
        self.kernels.set(kernels);
    }

    /// The kernels set with [`Dense::set_kernels`].
    pub fn kernels(&self) -> Kernels {
        self.kernels.get()
    }

    /// The arithmetic set with [`Dense::set_kernels`].
    pub fn precision(&self) -> Precision {
        self.kernels.get().precision
    }

    /// The f32 layer, as the training path reads it; an error once
    /// [`Dense::keep_only_packed`] freed it.
    pub fn linear(&self) -> Result<&Linear> {
        match &self.plain {
            Plain::Kept(linear) => Ok(linear),
            Plain::Freed(precision) => candle_core::bail!(
                "this linear layer was packed for {} inference and its f32 weights freed; \
                 it runs only at that precision (load the model again for another)",
                precision.name()
            ),
        }
    }

    /// Packs the weights for the precision set now (when it is bf16 or int8 and this CPU has
    /// the kernel) and frees the f32 copy, to save memory in a model that only runs inference.
    /// Afterwards the layer runs only at that precision, on input that needs no gradient.
    /// Returns whether the f32 copy was freed (not for f32, trained weights or a packing that
    /// failed).
    pub fn keep_only_packed(&mut self) -> bool {
        if matches!(self.plain, Plain::Freed(_)) || self.packed_now().is_none() {
            return false;
        }
        self.plain = Plain::Freed(self.precision().effective());
        true
    }

    /// `xs · Wᵀ + b` over the last dimension.
    pub fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        match self.packed_for(xs) {
            Some(packed) => run_packed(packed, xs, Epilogue::Bias),
            None => self.linear()?.forward(xs),
        }
    }

    /// `gelu(xs · Wᵀ + b)` (erf form) from a packed kernel (bf16 or int8), the activation
    /// applied inside it, when a packed path applies to `xs`; `None` otherwise (the caller
    /// then runs [`Dense::forward`] and its own GELU).
    pub fn forward_packed_gelu(&self, xs: &Tensor) -> Result<Option<Tensor>> {
        match self.packed_for(xs) {
            Some(packed) => Ok(Some(run_packed(packed, xs, Epilogue::BiasGelu)?)),
            None => Ok(None),
        }
    }

    /// The packed weights when a packed path applies to `xs`: bf16 or int8 precision, a CPU
    /// that has its kernel, f32 input that needs no gradient, and weights that are not being
    /// trained.
    fn packed_for(&self, xs: &Tensor) -> Option<&dyn PackedProduct> {
        if xs.dtype() != DType::F32 || xs.track_op() {
            return None;
        }
        self.packed_now()
    }

    /// The packed weights for the precision set now (packed on first use): bf16 or int8, a CPU
    /// that has its kernel, and weights that are not being trained.
    fn packed_now(&self) -> Option<&dyn PackedProduct> {
        let precision = self.precision().effective();
        let trained = matches!(&self.plain, Plain::Kept(l) if l.weight().is_variable());
        if precision == Precision::F32 || trained {
            return None;
        }
        match precision {
            Precision::Bf16 if amx_gemm::supported() => self.packed(&self.amx, TileWeights::new),
            Precision::Bf16 => self.packed(&self.bf16, PackedWeights::new),
            Precision::Int8 if amx_int8_gemm::supported() => {
                self.packed(&self.amx_int8, QuantizedTiles::new)
            }
            Precision::Int8 => self.packed(&self.int8, QuantizedWeights::new),
            Precision::F32 => None,
        }
    }

    /// The weights packed by `pack` into `cell` on first use (`None` if they cannot be read).
    fn packed<'a, P: PackedProduct + 'static>(
        &self,
        cell: &'a OnceLock<Option<P>>,
        pack: Packer<P>,
    ) -> Option<&'a dyn PackedProduct> {
        cell.get_or_init(|| {
            let w = self.plain_weights()?;
            Some(pack(&w.weight, w.bias.as_deref(), w.out, w.inner))
        })
        .as_ref()
        .map(|p| p as &dyn PackedProduct)
    }

    /// The weight and bias as plain values, for packing.
    fn plain_weights(&self) -> Option<PlainWeights> {
        let Plain::Kept(linear) = &self.plain else {
            return None;
        };
        let weight = linear.weight();
        let (out, inner) = weight.dims2().ok()?;
        let bias = match linear.bias() {
            Some(b) => Some(b.to_vec1::<f32>().ok()?),
            None => None,
        };
        Some(PlainWeights {
            weight: weight.flatten_all().ok()?.to_vec1::<f32>().ok()?,
            bias,
            out,
            inner,
        })
    }
}

/// A layer's weight `(out, inner)` row-major and its bias, copied out of candle.
struct PlainWeights {
    weight: Vec<f32>,
    bias: Option<Vec<f32>>,
    out: usize,
    inner: usize,
}

/// A packed type's constructor: `(weight, bias, out, inner)`.
type Packer<P> = fn(&[f32], Option<&[f32]>, usize, usize) -> P;

/// A linear layer's weights packed for one of the reduced-precision kernels (also what
/// mixed-precision training packs each step, [`super::tape`]).
pub(super) trait PackedProduct: Sync {
    /// The kernel's name in errors.
    fn name(&self) -> &'static str;
    fn inner(&self) -> usize;
    fn out(&self) -> usize;
    /// `epilogue(rows · Wᵀ + bias)`, `None` on a CPU without the kernel.
    fn matmul(&self, rows: &[f32], epilogue: Epilogue) -> Option<Vec<f32>>;
}

/// Each packed weight type answers [`PackedProduct`] with its own methods.
macro_rules! packed_product {
    ($weights:ty, $name:literal) => {
        impl PackedProduct for $weights {
            fn name(&self) -> &'static str {
                $name
            }
            fn inner(&self) -> usize {
                <$weights>::inner(self)
            }
            fn out(&self) -> usize {
                <$weights>::out(self)
            }
            fn matmul(&self, rows: &[f32], epilogue: Epilogue) -> Option<Vec<f32>> {
                <$weights>::matmul(self, rows, epilogue)
            }
        }
    };
}

packed_product!(PackedWeights, "bf16 linear");
packed_product!(TileWeights, "AMX bf16 linear");
packed_product!(QuantizedWeights, "int8 linear");
packed_product!(QuantizedTiles, "AMX int8 linear");

fn run_packed(packed: &dyn PackedProduct, xs: &Tensor, epilogue: Epilogue) -> Result<Tensor> {
    xs.contiguous()?
        .apply_op1_no_bwd(&PackedMatmul { packed, epilogue })
}

/// A packed product as a candle op, so that it reads the input where it is.
struct PackedMatmul<'a> {
    packed: &'a dyn PackedProduct,
    epilogue: Epilogue,
}

impl CustomOp1 for PackedMatmul<'_> {
    fn name(&self) -> &'static str {
        "packed-linear"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let dims = layout.shape().dims();
        let name = self.packed.name();
        if dims.last() != Some(&self.packed.inner()) {
            candle_core::bail!(
                "{name}: input {:?} does not end in {}",
                dims,
                self.packed.inner()
            );
        }
        let rows = contiguous_f32(storage, layout, name)?;
        let Some(out) = self.packed.matmul(rows, self.epilogue) else {
            candle_core::bail!("{name}: this CPU lacks the kernel's instructions");
        };
        let mut shape = dims.to_vec();
        if let Some(last) = shape.last_mut() {
            *last = self.packed.out();
        }
        Ok((CpuStorage::F32(out), Shape::from(shape)))
    }
}
