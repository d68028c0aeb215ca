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

/// Runs `read` on the elements of a contiguous f32 CPU tensor in place, without a copy; `op`
/// names the caller in the error otherwise.
pub fn read_f32<R>(tensor: &Tensor, op: &str, read: impl FnOnce(&[f32]) -> R) -> Result<R> {
    let (storage, layout) = tensor.storage_and_layout();
    match &*storage {
        candle_core::Storage::Cpu(cpu) => Ok(read(contiguous_f32(cpu, layout, op)?)),
        _ => candle_core::bail!("{op}: needs a CPU tensor"),
    }
}

/// A copy of `tensor`'s elements in row-major order (for a kernel's backward pass).
pub fn values(tensor: &Tensor) -> Result<Vec<f32>> {
    tensor.contiguous()?.flatten_all()?.to_vec1::<f32>()
}
