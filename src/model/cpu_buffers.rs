//! Reading candle tensors as plain `f32` buffers, for the hand-written kernels
//! ([`super::fused_attention`], [`super::layer_norm`], [`super::feed_forward`]).

use candle_core::{CpuStorage, Layout, Result, Tensor};

/// The elements of a contiguous CPU tensor; `op` names the kernel in the error otherwise.
pub fn contiguous_f32<'a>(storage: &'a CpuStorage, layout: &Layout, op: &str) -> Result<&'a [f32]> {
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&storage.as_slice::<f32>()?[start..end]),
        None => candle_core::bail!("{op}: inputs must be contiguous"),
    }
}

/// A copy of `tensor`'s elements in row-major order (for a kernel's backward pass).
pub fn values(tensor: &Tensor) -> Result<Vec<f32>> {
    tensor.contiguous()?.flatten_all()?.to_vec1::<f32>()
}
