//! The encoder's hand-written backward pass: where its blocks put their parameters' gradients,
//! and the linear layer's forward and backward that they all share.
//!
//! candle's autograd differentiates any graph, but pays for every node: each gradient it
//! accumulates starts as a fresh zero tensor plus an addition, and each op keeps its inputs
//! alive in the graph. Measured on a 32 × 128 fine-tuning step of all-MiniLM-L6-v2, that
//! bookkeeping was 0.8–1 s of a 2.1 s backward pass. The encoder's blocks are few and fixed, so
//! in training each block runs its forward pass without a graph, keeps what its backward pass
//! reads (its *tape*), and computes its own gradients, writing each parameter's once. The head
//! stays on candle's autograd. Tested against candle's autograd on the same weights and dropout
//! masks (`tests/encoder.rs`).

use candle_core::backprop::GradStore;
use candle_core::{Result, Tensor};
use candle_nn::{Linear, Module};

use super::amx_gemm::{self, TileWeights};
use super::bf16_gemm::PackedWeights;
use super::cpu_buffers::read_f32;
use super::dense::{Dense, PackedProduct};
use super::epilogue::Epilogue;
use super::precision::Precision;

/// Collects parameter gradients into a [`GradStore`], keyed like candle's autograd keys them, so
/// that callers read them with `grads.get(var)` either way. Frozen parameters (not variables)
/// get none.
pub struct Gradients<'a> {
    store: &'a mut GradStore,
}

impl<'a> Gradients<'a> {
    /// Gradients go into `store`, next to what candle's autograd put there.
    pub fn new(store: &'a mut GradStore) -> Self {
        Gradients { store }
    }

    /// Whether `param` is trained (so its gradient is worth computing).
    pub fn wants(param: &Tensor) -> bool {
        param.is_variable()
    }

    /// Adds `grad` to `param`'s gradient; ignored for frozen parameters.
    pub fn add(&mut self, param: &Tensor, grad: Tensor) -> Result<()> {
        if !Self::wants(param) {
            return Ok(());
        }
        let grad = match self.store.remove(param) {
            Some(previous) => (previous + grad)?,
            None => grad,
        };
        self.store.insert(param, grad);
        Ok(())
    }
}

/// Whether any of `params` is trained.
pub fn any_trained<'p>(params: impl IntoIterator<Item = &'p Tensor>) -> bool {
    params.into_iter().any(Gradients::wants)
}

/// `layer`'s weight and bias, as its forward and backward read them.
/// (none once the layer kept only its packed weights: nothing of it can be trained then).
pub fn linear_params(layer: &Dense) -> impl Iterator<Item = &Tensor> {
    layer
        .linear()
        .ok()
        .into_iter()
        .flat_map(|linear| std::iter::once(linear.weight()).chain(linear.bias()))
}

/// Whether `layer` trains with bf16 products: mixed-precision training asked for, on a CPU
/// with a bf16 kernel (AMX tiles or AVX-512 BF16).
fn bf16_products(layer: &Dense) -> bool {
    layer.kernels().mixed_training && Precision::Bf16.runs_here()
}

/// A training step's bf16 copy of `weight` `(out, inner)` for `rows · Wᵀ + bias`, on the kernel
/// the CPU has: AMX tiles where it has them, else the AVX-512 BF16 panels. Packed anew each
/// step (the weights change).
fn bf16_weight(
    weight: &[f32],
    bias: Option<&[f32]>,
    out: usize,
    inner: usize,
) -> Box<dyn PackedProduct> {
    if amx_gemm::supported() {
        Box::new(TileWeights::new(weight, bias, out, inner))
    } else {
        Box::new(PackedWeights::new(weight, bias, out, inner))
    }
}

/// [`bf16_weight`] for `rows · W`, `weight` `(inner, out)`: the product's transposed operand.
fn bf16_transposed(weight: &[f32], out: usize, inner: usize) -> Box<dyn PackedProduct> {
    if amx_gemm::supported() {
        Box::new(TileWeights::from_transposed(weight, out, inner))
    } else {
        Box::new(PackedWeights::from_transposed(weight, out, inner))
    }
}

/// `layer(xs)` for rows `xs` `(n, in)` without recording a graph (the weights are detached).
pub fn linear_forward(layer: &Dense, xs: &Tensor) -> Result<Tensor> {
    let linear = layer.linear()?;
    if bf16_products(layer) {
        let (out, inner) = linear.weight().dims2()?;
        let bias = linear.bias().map(|b| b.to_vec1::<f32>()).transpose()?;
        let packed = read_f32(linear.weight(), OP, |w| {
            bf16_weight(w, bias.as_deref(), out, inner)
        })?;
        return bf16_product(packed.as_ref(), xs);
    }
    let detached = Linear::new(linear.weight().detach(), linear.bias().map(Tensor::detach));
    detached.forward(xs)
}

/// Adds the weight and bias gradients of `layer`, at input rows `xs` `(n, in)` and output
/// gradient `grad` `(n, out)`, to `grads` (frozen ones are skipped).
pub fn linear_param_grads(
    layer: &Dense,
    xs: &Tensor,
    grad: &Tensor,
    grads: &mut Gradients,
) -> Result<()> {
    let linear = layer.linear()?;
    let weight = linear.weight();
    if Gradients::wants(weight) {
        // Kept in f32 under mixed precision too: its inner width is the batch's rows, so the
        // bf16 kernel would have to round a transposed copy of `grad` first, and that cost
        // more than the bf16 product saved (measured: the backward got slower).
        // (out, n) · (n, in): gemm reads the transposed operand in place.
        let weight_grad = grad.t()?.matmul(xs)?;
        grads.add(weight, weight_grad)?;
    }
    if let Some(bias) = linear.bias().filter(|b| Gradients::wants(b)) {
        grads.add(bias, column_sums(grad)?)?;
    }
    Ok(())
}

/// The gradient of `layer`'s input rows for the output gradient `grad` `(n, out)`.
pub fn linear_input_grad(layer: &Dense, grad: &Tensor) -> Result<Tensor> {
    let weight = layer.linear()?.weight();
    if bf16_products(layer) {
        // grad · W: W `(out, in)` is the transpose of the right operand `(in, out)`.
        let (out, inner) = weight.dims2()?;
        let packed = read_f32(weight, OP, |w| bf16_transposed(w, inner, out))?;
        return bf16_product(packed.as_ref(), grad);
    }
    grad.matmul(&weight.detach())
}

/// The name of the mixed-precision products in errors.
const OP: &str = "bf16 training product";

fn no_kernel() -> candle_core::Error {
    candle_core::Error::Msg(format!("{OP}: this CPU has no AVX-512 BF16 or AMX"))
}

/// `rows · packedᵀ (+ bias)` for f32 rows `(n, inner)`, as an f32 tensor `(n, out)`.
fn bf16_product(packed: &dyn PackedProduct, rows: &Tensor) -> Result<Tensor> {
    let (n, _) = rows.dims2()?;
    let rows = rows.contiguous()?;
    let product =
        read_f32(&rows, OP, |r| packed.matmul(r, Epilogue::Bias))?.ok_or_else(no_kernel)?;
    Tensor::from_vec(product, (n, packed.out()), rows.device())
}

/// The sum of the rows of `xs` `(n, width)`, as a `(width,)` vector: a ones-vector product,
/// which gemm runs far faster than a reduction over the first dimension.
pub fn column_sums(xs: &Tensor) -> Result<Tensor> {
    let (rows, _) = xs.dims2()?;
    let ones = Tensor::ones((1, rows), xs.dtype(), xs.device())?;
    ones.matmul(xs)?.squeeze(0)
}
