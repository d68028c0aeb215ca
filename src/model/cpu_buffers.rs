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

/// A buffer of `len` floats written by `fill` in parallel chunks of `chunk` elements (the last
/// may be shorter): `fill(index, start, count)` gets chunk `index` as `count` floats at `start`,
/// not initialised. Saves zeroing a buffer that a kernel overwrites anyway (the memset was 3-4 %
/// of a predict profile).
///
/// # Safety
/// `fill` must write every float of its chunk before reading any, and only within the chunk.
pub unsafe fn written_in_chunks(
    len: usize,
    chunk: usize,
    fill: impl Fn(usize, *mut f32, usize) + Sync,
) -> Vec<f32> {
    use rayon::prelude::*;
    let mut buffer: Vec<f32> = Vec::with_capacity(len);
    buffer.spare_capacity_mut()[..len]
        .par_chunks_mut(chunk.max(1))
        .enumerate()
        .for_each(|(index, part)| fill(index, part.as_mut_ptr().cast::<f32>(), part.len()));
    // SAFETY: the caller's `fill` wrote every float of every chunk, which cover `..len`.
    unsafe { buffer.set_len(len) };
    buffer
}
