//! Attention for inference in one CPU kernel: for each (sequence, head), `softmax(Q·Kᵀ·scale +
//! mask)·V` computed on cache-sized blocks, reading Q, K and V where the projections wrote them
//! and writing the heads straight into the `(batch, seq, hidden)` output.
//!
//! The op-by-op path (split heads, scores, scale, mask, softmax, weighted sum, merge heads) makes
//! about ten passes over a `(batch, heads, seq, seq)` tensor, tens of megabytes for a batch of 32
//! × 128 tokens, plus three copies of Q, K and V; here each head's scores stay in a 64 KB block.
//! It has no backward and only runs when no gradient is needed; [`super::attention`] falls back
//! on the differentiable path otherwise. Results match that path to float rounding (tested).

use candle_core::{CpuStorage, CustomOp3, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::fast_math::masked_softmax;

/// The fused attention of one layer: `heads` heads over `(batch, seq, hidden)` projections.
pub struct FusedAttention {
    heads: usize,
    /// Per sequence, 1 for tokens to attend to, 0 for padding; `batch × seq`.
    mask: Vec<u8>,
}

impl FusedAttention {
    /// Attends with `query`, `key` and `value` of shape `(batch, seq, hidden)` (contiguous) and
    /// `attention_mask` `(batch, seq)` of 1 (token) and 0 (padding).
    pub fn forward(
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        attention_mask: &Tensor,
        heads: usize,
    ) -> Result<Tensor> {
        let mask = attention_mask
            .flatten_all()?
            .to_dtype(candle_core::DType::F32)?
            .to_vec1::<f32>()?
            .into_iter()
            .map(|m| u8::from(m != 0.0))
            .collect();
        query.apply_op3_no_bwd(key, value, &FusedAttention { heads, mask })
    }
}

/// A raw pointer that tasks share to write disjoint parts of one buffer.
#[derive(Clone, Copy)]
struct SharedOut(*mut f32);
// SAFETY: every task writes a distinct (sequence, head) block of the output; nothing reads it
// while the tasks run.
unsafe impl Send for SharedOut {}
unsafe impl Sync for SharedOut {}

fn contiguous<'a>(storage: &'a CpuStorage, layout: &Layout, what: &str) -> Result<&'a [f32]> {
    let data = storage.as_slice::<f32>()?;
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&data[start..end]),
        None => candle_core::bail!("fused attention: {what} must be contiguous"),
    }
}

impl CustomOp3 for FusedAttention {
    fn name(&self) -> &'static str {
        "fused-attention"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (batch, seq, hidden) = l1.shape().dims3()?;
        if l2.shape() != l1.shape() || l3.shape() != l1.shape() {
            candle_core::bail!("fused attention: query, key and value shapes differ");
        }
        if self.heads == 0 || !hidden.is_multiple_of(self.heads) || self.mask.len() != batch * seq {
            candle_core::bail!(
                "fused attention: heads or mask do not fit ({batch}, {seq}, {hidden})"
            );
        }
        let (q, k, v) = (
            contiguous(s1, l1, "query")?,
            contiguous(s2, l2, "key")?,
            contiguous(s3, l3, "value")?,
        );
        let head_dim = hidden / self.heads;
        let scale = 1.0 / (head_dim as f32).sqrt();
        let mut out = vec![0f32; batch * seq * hidden];
        let shared = SharedOut(out.as_mut_ptr());
        (0..batch * self.heads).into_par_iter().for_each_init(
            || vec![0f32; seq * seq],
            |scores, task| {
                let (b, h) = (task / self.heads, task % self.heads);
                let mask = &self.mask[b * seq..(b + 1) * seq];
                // Keys after the last real token are padding: leave them out of both products.
                let keys = mask
                    .iter()
                    .rposition(|&m| m != 0)
                    .map_or(seq, |last| last + 1);
                let offset = b * seq * hidden + h * head_dim;
                let (hidden_stride, key_count) = (hidden as isize, keys);
                // SAFETY: the pointers address (seq × head_dim) blocks inside q, k, v and out
                // with row stride `hidden`; `scores` holds seq × seq floats. Tasks write disjoint
                // blocks of `out`.
                unsafe {
                    gemm::gemm(
                        seq,
                        key_count,
                        head_dim,
                        scores.as_mut_ptr(),
                        1,
                        key_count as isize,
                        false,
                        q.as_ptr().add(offset),
                        1,
                        hidden_stride,
                        k.as_ptr().add(offset),
                        hidden_stride,
                        1,
                        0.0,
                        scale,
                        false,
                        false,
                        false,
                        gemm::Parallelism::None,
                    );
                }
                for row in scores[..seq * key_count].chunks_exact_mut(key_count) {
                    masked_softmax(row, &mask[..key_count]);
                }
                let shared = shared;
                unsafe {
                    gemm::gemm(
                        seq,
                        head_dim,
                        key_count,
                        shared.0.add(offset),
                        1,
                        hidden_stride,
                        false,
                        scores.as_ptr(),
                        1,
                        key_count as isize,
                        v.as_ptr().add(offset),
                        1,
                        hidden_stride,
                        0.0,
                        1.0,
                        false,
                        false,
                        false,
                        gemm::Parallelism::None,
                    );
                }
            },
        );
        Ok((CpuStorage::F32(out), Shape::from((batch, seq, hidden))))
    }
}
