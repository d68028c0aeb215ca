//! Attention in one CPU kernel, forward and backward: for each (sequence, head),
//! `dropout(softmax(Q·Kᵀ·scale + mask))·V` computed on cache-sized blocks, reading Q, K and V
//! where the projections wrote them and writing the heads straight into the `(batch, seq,
//! hidden)` output.
//!
//! The op-by-op path (split heads, scores, scale, mask, softmax, dropout, weighted sum, merge
//! heads) makes about ten passes over a `(batch, heads, seq, seq)` tensor, tens of megabytes for
//! a batch of 32 × 128 tokens, and as many again backward, and keeps them all for the backward
//! pass. Here each head's scores stay in a 64 KB block; the backward recomputes them (and the
//! dropout mask, drawn from a per-call seed) instead of storing them, which costs one more
//! `Q·Kᵀ` and saves hundreds of megabytes per step. Values and gradients match the op-by-op
//! path to float rounding (tested).

use std::sync::Arc;

use candle_core::{CpuStorage, CustomOp3, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::cpu_buffers::{contiguous_f32, values};
use super::fast_math::{dot, masked_softmax};

/// The fused attention of one layer over `(batch, seq, hidden)` projections.
#[derive(Debug, Clone)]
pub struct FusedAttention {
    heads: usize,
    /// Per sequence, 1 for tokens to attend to, 0 for padding; `batch × seq`.
    mask: Arc<[u8]>,
    /// Probability of dropping an attention weight, and the seed of this call's masks.
    dropout: Option<(f32, u64)>,
    /// Only the queries up to each sequence's last token (inference on real tokens: the rows
    /// after it are zero in the output).
    real_queries_only: bool,
    /// Inference on rows of real tokens only: each sequence is a run of consecutive rows
    /// (first row, tokens) of `(tokens, hidden)` inputs, every key a token; `mask` then holds
    /// ones for the longest run.
    spans: Option<Arc<[(usize, usize)]>>,
}

/// Where one (sequence, head) block lies in the inputs, and which of its keys are tokens.
struct Block<'a> {
    /// The block's first element in the Q, K, V and output buffers (rows `hidden` apart).
    offset: usize,
    /// Query rows computed (the rest of the sequence's rows stay zero).
    queries: usize,
    /// Keys read: up to the sequence's last token.
    keys: usize,
    /// Per key, 1 for a token, 0 for padding.
    mask: &'a [u8],
}

impl FusedAttention {
    /// The `(batch, seq)` attention mask of 1 (token) and 0 (padding) as the kernel reads it;
    /// computed once per forward pass and shared by the layers.
    pub fn mask_bytes(attention_mask: &Tensor) -> Result<Arc<[u8]>> {
        Ok(attention_mask
            .flatten_all()?
            .to_dtype(candle_core::DType::F32)?
            .to_vec1::<f32>()?
            .into_iter()
            .map(|m| u8::from(m != 0.0))
            .collect())
    }

    fn new(mask: &Arc<[u8]>, heads: usize, dropout: Option<(f32, u64)>) -> Self {
        FusedAttention {
            heads,
            mask: mask.clone(),
            dropout: dropout.filter(|(p, _)| *p > 0.0),
            real_queries_only: false,
            spans: None,
        }
    }

    /// Attends with `query`, `key` and `value` of shape `(batch, seq, hidden)` under `mask`
    /// (from [`FusedAttention::mask_bytes`]), with dropout on the attention weights when
    /// `dropout` gives a probability and a seed. Gradients flow to the three inputs when they
    /// need one.
    pub fn forward(
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        mask: &Arc<[u8]>,
        heads: usize,
        dropout: Option<(f32, u64)>,
    ) -> Result<Tensor> {
        let op = FusedAttention::new(mask, heads, dropout);
        let (query, key, value) = (query.contiguous()?, key.contiguous()?, value.contiguous()?);
        if query.track_op() || key.track_op() || value.track_op() {
            query.apply_op3(&key, &value, op)
        } else {
            query.apply_op3_no_bwd(&key, &value, &op)
        }
    }

    /// [`FusedAttention::forward`] at inference for the real tokens only: a sequence's rows after
    /// its last token (padding) are left out and zero in the output. For the encoder's unpadded
    /// path ([`super::unpadded`]), which drops those rows anyway; no gradient flows.
    pub fn forward_real_queries(
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        mask: &Arc<[u8]>,
        heads: usize,
    ) -> Result<Tensor> {
        let op = FusedAttention {
            real_queries_only: true,
            ..FusedAttention::new(mask, heads, None)
        };
        let (query, key, value) = (query.contiguous()?, key.contiguous()?, value.contiguous()?);
        query.apply_op3_no_bwd(&key, &value, &op)
    }

    /// Attention at inference over rows of real tokens only, `(tokens, hidden)` inputs in which
    /// sequence `i` is the `spans[i] = (first row, tokens)` run of rows (the encoder's unpadded
    /// path when every sequence's tokens come before its padding, see [`super::unpadded`]):
    /// the same values as [`FusedAttention::forward_real_queries`] at the real positions,
    /// without laying the rows out as a padded batch first. No gradient flows.
    pub fn forward_spans(
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        spans: &Arc<[(usize, usize)]>,
        heads: usize,
    ) -> Result<Tensor> {
        let longest = spans.iter().map(|&(_, len)| len).max().unwrap_or(0);
        let op = FusedAttention {
            spans: Some(spans.clone()),
            ..FusedAttention::new(&vec![1u8; longest].into(), heads, None)
        };
        let (query, key, value) = (query.contiguous()?, key.contiguous()?, value.contiguous()?);
        query.apply_op3_no_bwd(&key, &value, &op)
    }

    /// The gradients of `query`, `key` and `value` for the output gradient `grad` of
    /// [`FusedAttention::forward`] called with the same arguments (the same `dropout` seed gives
    /// the same masks); for the encoder's hand-written backward pass ([`super::tape`]).
    pub fn gradients(
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        mask: &Arc<[u8]>,
        heads: usize,
        dropout: Option<(f32, u64)>,
        grad: &Tensor,
    ) -> Result<(Tensor, Tensor, Tensor)> {
        FusedAttention::new(mask, heads, dropout).input_gradients(query, key, value, grad)
    }

    fn input_gradients(
        &self,
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        grad: &Tensor,
    ) -> Result<(Tensor, Tensor, Tensor)> {
        let shape = query.shape().clone();
        let g = self.geometry(&shape)?;
        if key.shape() != &shape || value.shape() != &shape || grad.shape() != &shape {
            candle_core::bail!("fused attention backward: input and gradient shapes differ");
        }
        let (q, k, v, grad) = (values(query)?, values(key)?, values(value)?, values(grad)?);
        let (dq, dk, dv) = self.backward(&g, &q, &k, &v, &grad);
        let device = query.device();
        Ok((
            Tensor::from_vec(dq, &shape, device)?,
            Tensor::from_vec(dk, &shape, device)?,
            Tensor::from_vec(dv, &shape, device)?,
        ))
    }

    /// The (sequence, head) blocks' shared geometry for inputs of `shape`: `(batch, seq,
    /// hidden)`, or `(tokens, hidden)` over spans (`batch` the spans, `seq` the longest).
    fn geometry(&self, shape: &Shape) -> Result<Geometry> {
        if let Some(spans) = &self.spans {
            let (tokens, hidden) = shape.dims2()?;
            let fits = spans.iter().all(|&(first, len)| first + len <= tokens);
            if self.heads == 0 || !hidden.is_multiple_of(self.heads) || !fits {
                candle_core::bail!(
                    "fused attention: heads or spans do not fit ({tokens}, {hidden})"
                );
            }
            let head_dim = hidden / self.heads;
            return Ok(Geometry {
                batch: spans.len(),
                seq: self.mask.len(),
                hidden,
                head_dim,
                scale: 1.0 / (head_dim as f32).sqrt(),
            });
        }
        let (batch, seq, hidden) = shape.dims3()?;
        if self.heads == 0 || !hidden.is_multiple_of(self.heads) || self.mask.len() != batch * seq {
            candle_core::bail!(
                "fused attention: heads or mask do not fit ({batch}, {seq}, {hidden})"
            );
        }
        let head_dim = hidden / self.heads;
        Ok(Geometry {
            batch,
            seq,
            hidden,
            head_dim,
            scale: 1.0 / (head_dim as f32).sqrt(),
        })
    }

    /// Where block `task` = (sequence, head) lies. `queries` is `seq`, or `keys` with
    /// [`FusedAttention::forward_real_queries`]; over spans, the run's tokens.
    fn block(&self, g: &Geometry, task: usize) -> Block<'_> {
        let b = task / self.heads;
        let h = task % self.heads;
        if let Some(spans) = &self.spans {
            let (first, len) = spans[b];
            return Block {
                offset: first * g.hidden + h * g.head_dim,
                queries: len,
                keys: len,
                mask: &self.mask[..len],
            };
        }
        let mask = &self.mask[b * g.seq..(b + 1) * g.seq];
        // Keys after the last real token are padding: leave them out of every product.
        let keys = mask
            .iter()
            .rposition(|&m| m != 0)
            .map_or(g.seq, |last| last + 1);
        let queries = match (self.real_queries_only, mask.iter().any(|&m| m != 0)) {
            (false, _) => g.seq,
            (true, true) => keys,
            // A sequence of padding only has no query to keep: its rows stay zero.
            (true, false) => 0,
        };
        Block {
            offset: b * g.seq * g.hidden + h * g.head_dim,
            queries,
            keys,
            mask,
        }
    }

    /// Block `task` = (sequence, head): writes the attention weights of its queries over its
    /// first `keys` keys into `probs` (`queries × keys`, dropout applied when `dropped`), and
    /// returns `(queries, keys)` and the block's offset in the input buffers (see
    /// [`FusedAttention::block`]).
    fn weights(
        &self,
        g: &Geometry,
        task: usize,
        q: &[f32],
        k: &[f32],
        probs: &mut [f32],
        dropped: bool,
    ) -> (usize, usize, usize) {
        let Block {
            offset,
            queries,
            keys,
            mask,
        } = self.block(g, task);
        let probs = &mut probs[..queries * keys];
        if queries == 0 {
            return (queries, keys, offset);
        }
        let probs = &mut probs[..queries * keys];
        if queries == 0 {
            return (queries, keys, offset);
        }
        // SAFETY: `q` and `k` hold (batch, seq, hidden), or (tokens, hidden) with every span
        // inside (checked in `geometry`); the block at `offset` spans `queries` and `keys` rows
        // of head_dim columns with row stride `hidden`. `probs` holds seq × seq floats.
        unsafe {
            block_matmul(
                queries,
                keys,
                g.head_dim,
                (probs.as_mut_ptr(), keys as isize),
                Operand {
                    ptr: q.as_ptr().add(offset),
                    col: 1,
                    row: g.hidden as isize,
                },
                Operand {
                    ptr: k.as_ptr().add(offset),
                    col: g.hidden as isize,
                    row: 1,
                },
                g.scale,
            );
        }
        for row in probs.chunks_exact_mut(keys) {
            masked_softmax(row, &mask[..keys]);
        }
        if dropped {
            if let Some((p, seed)) = self.dropout {
                let keep = 1.0 / (1.0 - p);
                let mut bits = BlockRng::new(seed, task);
                for x in probs.iter_mut() {
                    *x *= if bits.uniform() < p { 0.0 } else { keep };
                }
            }
        }
        (queries, keys, offset)
    }

    /// Gradients of Q, K and V from the output's gradient `grad` (all `(batch, seq, hidden)`).
    fn backward(
        &self,
        g: &Geometry,
        q: &[f32],
        k: &[f32],
        v: &[f32],
        grad: &[f32],
    ) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let size = g.batch * g.seq * g.hidden;
        let (mut dq, mut dk, mut dv) = (vec![0f32; size], vec![0f32; size], vec![0f32; size]);
        let out = (
            SharedOut(dq.as_mut_ptr()),
            SharedOut(dk.as_mut_ptr()),
            SharedOut(dv.as_mut_ptr()),
        );
        let seq = g.seq;
        (0..g.batch * self.heads).into_par_iter().for_each_init(
            || {
                (
                    vec![0f32; seq * seq],
                    vec![0f32; seq * seq],
                    vec![0f32; seq * seq],
                )
            },
            |(probs, dropped, dprobs), task| {
                let (_, keys, offset) = self.weights(g, task, q, k, probs, false);
                let n = seq * keys;
                // The weights as used (after dropout), and the dropout factors on their own.
                dropped[..n].copy_from_slice(&probs[..n]);
                let factors = self.dropout.map(|(p, seed)| {
                    let keep = 1.0 / (1.0 - p);
                    let mut bits = BlockRng::new(seed, task);
                    (0..n)
                        .map(|_| if bits.uniform() < p { 0.0 } else { keep })
                        .collect::<Vec<f32>>()
                });
                if let Some(factors) = &factors {
                    dropped[..n]
                        .iter_mut()
                        .zip(factors)
                        .for_each(|(x, f)| *x *= f);
                }
                let ld = g.hidden as isize;
                // SAFETY (all four products): blocks at `offset` span seq rows × head_dim columns
                // with row stride `hidden`; probs/dropped/dprobs hold seq × keys floats; each task
                // writes only its own (sequence, head) block of dq, dk and dv.
                unsafe {
                    // dV = dropped(P)ᵀ · dO
                    block_matmul(
                        keys,
                        g.head_dim,
                        seq,
                        (out.2.ptr().add(offset), ld),
                        Operand {
                            ptr: dropped.as_ptr(),
                            col: keys as isize,
                            row: 1,
                        },
                        Operand {
                            ptr: grad.as_ptr().add(offset),
                            col: 1,
                            row: ld,
                        },
                        1.0,
                    );
                    // d(dropped P) = dO · Vᵀ
                    block_matmul(
                        seq,
                        keys,
                        g.head_dim,
                        (dprobs.as_mut_ptr(), keys as isize),
                        Operand {
                            ptr: grad.as_ptr().add(offset),
                            col: 1,
                            row: ld,
                        },
                        Operand {
                            ptr: v.as_ptr().add(offset),
                            col: ld,
                            row: 1,
                        },
                        1.0,
                    );
                }
                if let Some(factors) = &factors {
                    dprobs[..n]
                        .iter_mut()
                        .zip(factors)
                        .for_each(|(x, f)| *x *= f);
                }
                // Softmax backward, row by row: dS = P ∘ (dP − Σ dP∘P).
                for (p_row, d_row) in probs[..n]
                    .chunks_exact(keys)
                    .zip(dprobs[..n].chunks_exact_mut(keys))
                {
                    let weighted = dot(p_row, d_row);
                    d_row
                        .iter_mut()
                        .zip(p_row)
                        .for_each(|(d, p)| *d = p * (*d - weighted));
                }
                unsafe {
                    // dQ = scale · dS · K
                    block_matmul(
                        seq,
                        g.head_dim,
                        keys,
                        (out.0.ptr().add(offset), ld),
                        Operand {
                            ptr: dprobs.as_ptr(),
                            col: 1,
                            row: keys as isize,
                        },
                        Operand {
                            ptr: k.as_ptr().add(offset),
                            col: 1,
                            row: ld,
                        },
                        g.scale,
                    );
                    // dK = scale · dSᵀ · Q
                    block_matmul(
                        keys,
                        g.head_dim,
                        seq,
                        (out.1.ptr().add(offset), ld),
                        Operand {
                            ptr: dprobs.as_ptr(),
                            col: keys as isize,
                            row: 1,
                        },
                        Operand {
                            ptr: q.as_ptr().add(offset),
                            col: 1,
                            row: ld,
                        },
                        g.scale,
                    );
                }
            },
        );
        (dq, dk, dv)
    }
}

/// A matrix operand read in place: its first element and its column and row strides (elements).
#[derive(Clone, Copy)]
struct Operand {
    ptr: *const f32,
    col: isize,
    row: isize,
}

/// `dst = scale · lhs · rhs` for an `m × k` by `k × n` product on the calling thread (the tasks
/// already split the work over the cores); `dst` is `(first element, row stride)` with contiguous
/// rows.
///
/// # Safety
/// Every operand must address valid `f32`s for the given sizes and strides, and `dst` must be
/// written by no one else meanwhile.
unsafe fn block_matmul(
    m: usize,
    n: usize,
    k: usize,
    (dst, dst_row): (*mut f32, isize),
    lhs: Operand,
    rhs: Operand,
    scale: f32,
) {
    gemm::gemm(
        m,
        n,
        k,
        dst,
        1,
        dst_row,
        false,
        lhs.ptr,
        lhs.col,
        lhs.row,
        rhs.ptr,
        rhs.col,
        rhs.row,
        0.0,
        scale,
        false,
        false,
        false,
        gemm::Parallelism::None,
    );
}

/// Sizes shared by every (sequence, head) block.
struct Geometry {
    batch: usize,
    seq: usize,
    hidden: usize,
    head_dim: usize,
    scale: f32,
}

/// A raw pointer that tasks share to write disjoint parts of one buffer.
#[derive(Clone, Copy)]
struct SharedOut(*mut f32);
// SAFETY: every task writes a distinct (sequence, head) block of the buffer; nothing reads it
// while the tasks run.
unsafe impl Send for SharedOut {}
unsafe impl Sync for SharedOut {}

impl SharedOut {
    /// The pointer; a method, so that closures capture the whole (Send) wrapper.
    fn ptr(self) -> *mut f32 {
        self.0
    }
}

/// SplitMix64 seeded by (call seed, block): the dropout mask of a block is the same in the
/// forward and the backward pass, whatever thread computes it.
struct BlockRng(u64);

impl BlockRng {
    fn new(seed: u64, block: usize) -> Self {
        BlockRng(seed ^ (block as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// Uniform in [0, 1) with 24 bits.
    fn uniform(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 40) as f32 / (1u32 << 24) as f32
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
        if l2.shape() != l1.shape() || l3.shape() != l1.shape() {
            candle_core::bail!("fused attention: query, key and value shapes differ");
        }
        let g = self.geometry(l1.shape())?;
        let (q, k, v) = (
            contiguous_f32(s1, l1, "fused attention")?,
            contiguous_f32(s2, l2, "fused attention")?,
            contiguous_f32(s3, l3, "fused attention")?,
        );
        let mut out = vec![0f32; l1.shape().elem_count()];
        let shared = SharedOut(out.as_mut_ptr());
        (0..g.batch * self.heads).into_par_iter().for_each_init(
            || vec![0f32; g.seq * g.seq],
            |probs, task| {
                let (queries, keys, offset) = self.weights(&g, task, q, k, probs, true);
                if queries == 0 {
                    return;
                }
                // SAFETY: as in `weights`; each task writes its own block of `out`.
                unsafe {
                    block_matmul(
                        queries,
                        g.head_dim,
                        keys,
                        (shared.ptr().add(offset), g.hidden as isize),
                        Operand {
                            ptr: probs.as_ptr(),
                            col: 1,
                            row: keys as isize,
                        },
                        Operand {
                            ptr: v.as_ptr().add(offset),
                            col: 1,
                            row: g.hidden as isize,
                        },
                        1.0,
                    );
                }
            },
        );
        Ok((CpuStorage::F32(out), l1.shape().clone()))
    }

    fn bwd(
        &self,
        query: &Tensor,
        key: &Tensor,
        value: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (dq, dk, dv) = self.input_gradients(query, key, value, grad_res)?;
        Ok((Some(dq), Some(dk), Some(dv)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::kernel_test_support::max_abs_difference;
    use super::super::unpadded::RealTokens;
    use super::*;
    use candle_core::{Device, IndexOp, Var, D};

    const HEADS: usize = 2;
    const SHAPE: (usize, usize, usize) = (2, 5, 8);

    /// Attention op by op, as the differentiable path computes it, with an optional dropout
    /// factor tensor `(batch, heads, seq, seq)`.
    fn reference(
        q: &Tensor,
        k: &Tensor,
        v: &Tensor,
        mask: &[u8],
        factors: Option<&Tensor>,
    ) -> Result<Tensor> {
        let (b, s, hidden) = q.dims3()?;
        let d = hidden / HEADS;
        let split = |x: &Tensor| x.reshape((b, s, HEADS, d))?.transpose(1, 2)?.contiguous();
        let (q, k, v) = (split(q)?, split(k)?, split(v)?);
        let bias: Vec<f32> = mask
            .iter()
            .map(|&m| if m != 0 { 0.0 } else { f32::MIN })
            .collect();
        let bias = Tensor::from_vec(bias, (b, 1, 1, s), q.device())?;
        let scores = ((q.matmul(&k.t()?)? / (d as f64).sqrt())?).broadcast_add(&bias)?;
        let max = scores.max_keepdim(D::Minus1)?.detach();
        let exp = scores.broadcast_sub(&max)?.exp()?;
        let mut probs = exp.broadcast_div(&exp.sum_keepdim(D::Minus1)?)?;
        if let Some(factors) = factors {
            probs = (probs * factors)?;
        }
        probs.matmul(&v)?.transpose(1, 2)?.reshape((b, s, hidden))
    }

    fn inputs() -> (Var, Var, Var, Tensor, Vec<u8>) {
        let dev = Device::Cpu;
        let var = |seed: f64| {
            let t = Tensor::arange(0f32, 80.0, &dev)
                .unwrap()
                .affine(0.37, seed)
                .unwrap()
                .sin()
                .unwrap()
                .reshape(SHAPE)
                .unwrap();
            Var::from_tensor(&t).unwrap()
        };
        // The second sequence has two padding positions.
        let mask = vec![1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
        let weights = Tensor::arange(0f32, 80.0, &dev)
            .unwrap()
            .affine(0.11, 0.5)
            .unwrap()
            .cos()
            .unwrap()
            .reshape(SHAPE)
            .unwrap();
        (var(0.1), var(1.3), var(2.7), weights, mask)
    }

    /// Outputs at real positions and gradients of q, k, v for both paths.
    fn compare(dropout: Option<(f32, u64)>) {
        let (q, k, v, weights, mask) = inputs();
        let mask_tensor = Tensor::from_vec(
            mask.iter().map(|&m| m as u32).collect::<Vec<_>>(),
            (SHAPE.0, SHAPE.1),
            &Device::Cpu,
        )
        .unwrap();
        let mask_bytes = FusedAttention::mask_bytes(&mask_tensor).unwrap();
        let fused = FusedAttention::forward(&q, &k, &v, &mask_bytes, HEADS, dropout).unwrap();
        // The dropout factors the kernel draws, laid out for the reference path.
        let factors = dropout.map(|(p, seed)| {
            let (b, s, _) = SHAPE;
            let mut all = vec![0f32; b * HEADS * s * s];
            for task in 0..b * HEADS {
                let keys = if task / HEADS == 1 { 3 } else { s };
                let mut bits = BlockRng::new(seed, task);
                for i in 0..s * keys {
                    let f = if bits.uniform() < p {
                        0.0
                    } else {
                        1.0 / (1.0 - p)
                    };
                    all[task * s * s + (i / keys) * s + i % keys] = f;
                }
            }
            Tensor::from_vec(all, (b, HEADS, s, s), &Device::Cpu).unwrap()
        });
        let expected = reference(&q, &k, &v, &mask, factors.as_ref()).unwrap();
        assert!(
            max_abs_difference(&fused, &expected) < 1e-5,
            "outputs differ"
        );

        let loss = |out: &Tensor| (out * &weights).unwrap().sum_all().unwrap();
        let fused_grads = loss(&fused).backward().unwrap();
        let expected_grads = loss(&expected).backward().unwrap();
        for (name, var) in [("q", &q), ("k", &k), ("v", &v)] {
            let a = fused_grads.get(var).unwrap();
            let b = expected_grads.get(var).unwrap();
            let scale = b
                .abs()
                .unwrap()
                .max_all()
                .unwrap()
                .to_scalar::<f32>()
                .unwrap();
            assert!(scale > 1e-3, "degenerate gradient of {name}");
            let diff = max_abs_difference(a, b);
            assert!(diff < 1e-5, "gradient of {name} differs by {diff}");
        }
    }

    #[test]
    fn real_queries_only_match_the_full_rows_and_leave_padding_zero() {
        let (q, k, v, _, mask) = inputs();
        real_queries_match(&q, &k, &v, mask);
        // A hole inside a sequence, and a sequence of padding only.
        real_queries_match(&q, &k, &v, vec![1, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    }

    /// The real tokens' rows of `forward_real_queries` equal `forward`'s; rows after a
    /// sequence's last token are zero.
    fn real_queries_match(q: &Var, k: &Var, v: &Var, mask: Vec<u8>) {
        let mask: Arc<[u8]> = mask.into();
        let (q, k, v) = (q.as_tensor(), k.as_tensor(), v.as_tensor());
        let full = FusedAttention::forward(q, k, v, &mask, HEADS, None).unwrap();
        let real = FusedAttention::forward_real_queries(q, k, v, &mask, HEADS).unwrap();
        let (batch, seq, _) = SHAPE;
        for b in 0..batch {
            let row = &mask[b * seq..(b + 1) * seq];
            let last = row.iter().rposition(|&m| m != 0);
            for (t, &token) in row.iter().enumerate() {
                let (want, got) = (full.i((b, t)).unwrap(), real.i((b, t)).unwrap());
                if token != 0 {
                    assert!(max_abs_difference(&want, &got) < 1e-6, "({b}, {t})");
                } else if last.is_none_or(|last| t > last) {
                    let largest = got.abs().unwrap().max(0).unwrap();
                    assert_eq!(largest.to_scalar::<f32>().unwrap(), 0.0, "({b}, {t})");
                }
            }
        }
    }

    #[test]
    fn runs_of_real_rows_match_the_real_queries_of_the_padded_batch() {
        let (q, k, v, _, _) = inputs();
        let (batch, seq, _) = SHAPE;
        // Padding at the end, and a sequence of padding only.
        for mask in [
            vec![1, 1, 1, 0, 0, 1, 1, 1, 1, 1],
            vec![0, 0, 0, 0, 0, 1, 1, 0, 0, 0],
        ] {
            let real = RealTokens::of(&mask, batch, seq, &Device::Cpu)
                .unwrap()
                .unwrap();
            let spans = real.spans().expect("padding at the end only");
            let rows = |x: &Var| real.gather(x.as_tensor()).unwrap();
            let got = FusedAttention::forward_spans(&rows(&q), &rows(&k), &rows(&v), spans, HEADS)
                .unwrap();
            let mask: Arc<[u8]> = mask.into();
            let padded = FusedAttention::forward_real_queries(
                q.as_tensor(),
                k.as_tensor(),
                v.as_tensor(),
                &mask,
                HEADS,
            )
            .unwrap();
            let want = real.gather(&padded).unwrap();
            assert_eq!(got.dims(), want.dims());
            assert!(max_abs_difference(&got, &want) < 1e-6);
        }
    }

    #[test]
    fn values_and_gradients_match_the_op_by_op_path() {
        compare(None);
    }

    #[test]
    fn dropout_masks_are_the_same_forward_and_backward() {
        compare(Some((0.3, 42)));
    }
}
