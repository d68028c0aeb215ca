//! Multi-head self-attention and its output projection (`attention.self.*`, `attention.output.*`).

use candle_core::{Result, Tensor, D};
use candle_nn::VarBuilder;

use std::sync::Arc;

use super::config::BertConfig;
use super::dense::Dense;
use super::dropout::{Dropout, DropoutRng};
use super::fused_attention::FusedAttention;
use super::kernels::{KernelSwitch, Kernels};
use super::residual_norm::{ResidualNorm, ResidualNormTape};
use super::tape::{
    linear_forward, linear_input_grad, linear_param_grads, linear_params, Gradients,
};
use super::unpadded::RealTokens;

/// Softmax over the last dimension that candle can differentiate when it has to.
///
/// candle_nn's `softmax_last_dim` is a fused kernel without a backward; it only runs here when
/// no gradient can flow through `xs`.
pub fn softmax_last_dim(xs: &Tensor) -> Result<Tensor> {
    if !xs.track_op() {
        return candle_nn::ops::softmax_last_dim(xs);
    }
    // Subtracting the row maximum keeps exp() finite; softmax does not depend on it, so it needs
    // no gradient of its own.
    let max = xs.max_keepdim(D::Minus1)?.detach();
    let exp = xs.broadcast_sub(&max)?.exp()?;
    let sum = exp.sum_keepdim(D::Minus1)?;
    exp.broadcast_div(&sum)
}

/// Turns a `(batch, seq)` mask of 1 (token) and 0 (padding) into the additive bias that attention
/// adds to its scores, shaped `(batch, 1, 1, seq)`.
pub fn attention_bias(attention_mask: &Tensor) -> Result<Tensor> {
    let mask = attention_mask.to_dtype(candle_core::DType::F32)?;
    // The most negative finite value, as transformers does: exp() of it is exactly 0.
    let bias = ((mask.ones_like()? - mask)? * f32::MIN as f64)?;
    bias.unsqueeze(1)?.unsqueeze(1)
}

/// The attention mask in the forms the two attention paths read: the additive bias for the
/// differentiable path, the raw 0/1 mask for the fused kernel.
#[derive(Debug, Clone)]
pub struct AttentionMask {
    bias: Tensor,
    bytes: Arc<[u8]>,
}

impl AttentionMask {
    /// From a `(batch, seq)` mask of 1 (token) and 0 (padding).
    pub fn new(attention_mask: &Tensor) -> Result<Self> {
        Ok(AttentionMask {
            bias: attention_bias(attention_mask)?,
            bytes: FusedAttention::mask_bytes(attention_mask)?,
        })
    }

    /// The mask as 0/1 bytes, `batch × seq` row-major.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Scaled dot-product self-attention with `num_attention_heads` heads.
#[derive(Debug, Clone)]
pub struct SelfAttention {
    query: Dense,
    key: Dense,
    value: Dense,
    num_heads: usize,
    head_dim: usize,
    dropout: Dropout,
    kernels: KernelSwitch,
}

impl SelfAttention {
    /// Chooses the kernels of the projections and of attention itself ([`FusedAttention`] when
    /// fused, op by op otherwise).
    pub fn set_kernels(&self, kernels: Kernels) {
        self.query.set_kernels(kernels);
        self.key.set_kernels(kernels);
        self.value.set_kernels(kernels);
        self.kernels.set(kernels);
    }

    /// Frees the f32 copy of every linear layer packed for the precision set now (see
    /// [`super::dense::Dense::keep_only_packed`]); returns how many were freed.
    pub fn keep_only_packed(&mut self) -> usize {
        [&mut self.query, &mut self.key, &mut self.value]
            .into_iter()
            .map(|dense| usize::from(dense.keep_only_packed()))
            .sum()
    }

    /// Loads `query`, `key` and `value` from `vb` (the `attention.self` prefix).
    pub fn load(vb: VarBuilder, cfg: &BertConfig) -> Result<Self> {
        let hidden = cfg.hidden_size;
        Ok(SelfAttention {
            query: Dense::load(hidden, hidden, vb.pp("query"))?,
            key: Dense::load(hidden, hidden, vb.pp("key"))?,
            value: Dense::load(hidden, hidden, vb.pp("value"))?,
            num_heads: cfg.num_attention_heads,
            head_dim: hidden / cfg.num_attention_heads,
            dropout: Dropout::new(cfg.attention_probs_dropout_prob),
            kernels: KernelSwitch::default(),
        })
    }

    /// `(batch, seq, hidden)` → `(batch, heads, seq, head_dim)`.
    fn split_heads(&self, xs: &Tensor) -> Result<Tensor> {
        let (batch, seq, _) = xs.dims3()?;
        xs.reshape((batch, seq, self.num_heads, self.head_dim))?
            .transpose(1, 2)?
            .contiguous()
    }

    /// Whether the fused kernels run (see [`Kernels::fused`]).
    pub fn fused(&self) -> bool {
        self.kernels.get().fused
    }

    /// [`SelfAttention::forward`] at inference for the rows of the `real` tokens only
    /// (`(tokens, hidden)`, see [`super::unpadded`]): the products on those rows, the
    /// attention itself over each sequence as a block.
    pub fn forward_rows(
        &self,
        rows: &Tensor,
        real: &RealTokens,
        mask: &AttentionMask,
    ) -> Result<Tensor> {
        let (query, key, value) = (
            self.query.forward(rows)?,
            self.key.forward(rows)?,
            self.value.forward(rows)?,
        );
        if let Some(spans) = real.spans() {
            return FusedAttention::forward_spans(&query, &key, &value, spans, self.num_heads);
        }
        let (query, key, value) = (
            real.scatter(&query)?,
            real.scatter(&key)?,
            real.scatter(&value)?,
        );
        let attended = FusedAttention::forward_real_queries(
            &query,
            &key,
            &value,
            &mask.bytes,
            self.num_heads,
        )?;
        real.gather(&attended)
    }

    /// Attends over `hidden` `(batch, seq, hidden)` under `mask`. Dropout is active when `rng`
    /// is given.
    pub fn forward(
        &self,
        hidden: &Tensor,
        mask: &AttentionMask,
        rng: Option<&mut DropoutRng>,
    ) -> Result<Tensor> {
        let (batch, seq, width) = hidden.dims3()?;
        let query = self.query.forward(hidden)?;
        let key = self.key.forward(hidden)?;
        let value = self.value.forward(hidden)?;
        if self.kernels.get().fused {
            let dropout = rng.map(|rng| (self.dropout.probability(), rng.next_seed()));
            return FusedAttention::forward(
                &query,
                &key,
                &value,
                &mask.bytes,
                self.num_heads,
                dropout,
            );
        }
        let query = self.split_heads(&query)?;
        let key = self.split_heads(&key)?;
        let value = self.split_heads(&value)?;
        let scale = 1.0 / (self.head_dim as f64).sqrt();
        let scores = (query.matmul(&key.t()?)? * scale)?.broadcast_add(&mask.bias)?;
        let probs = self.dropout.forward(&softmax_last_dim(&scores)?, rng)?;
        probs
            .matmul(&value)?
            .transpose(1, 2)?
            .reshape((batch, seq, width))
    }
}

/// What [`SelfAttention::forward_taped`] keeps for [`SelfAttention::backward`]: the input rows,
/// the projections `(batch, seq, hidden)` and the dropout seed (the kernel redraws its masks).
#[derive(Debug)]
pub struct AttentionTape {
    input: Tensor,
    query: Tensor,
    key: Tensor,
    value: Tensor,
    dropout: Option<(f32, u64)>,
}

impl SelfAttention {
    /// The query, key and value weights and biases.
    pub fn params(&self) -> impl Iterator<Item = &Tensor> {
        linear_params(&self.query)
            .chain(linear_params(&self.key))
            .chain(linear_params(&self.value))
    }

    /// [`SelfAttention::forward`] on the rows `(batch·seq, hidden)` of `batch` sequences, without
    /// a graph, keeping what [`SelfAttention::backward`] reads (see [`super::tape`]). Draws from
    /// `rng` as `forward` does with the fused kernels.
    pub fn forward_taped(
        &self,
        rows: &Tensor,
        batch: usize,
        mask: &AttentionMask,
        rng: Option<&mut DropoutRng>,
    ) -> Result<(Tensor, AttentionTape)> {
        let (count, width) = rows.dims2()?;
        let shape = (batch, count / batch.max(1), width);
        let query = linear_forward(&self.query, rows)?.reshape(shape)?;
        let key = linear_forward(&self.key, rows)?.reshape(shape)?;
        let value = linear_forward(&self.value, rows)?.reshape(shape)?;
        let dropout = rng.map(|rng| (self.dropout.probability(), rng.next_seed()));
        let attended =
            FusedAttention::forward(&query, &key, &value, &mask.bytes, self.num_heads, dropout)?
                .reshape((count, width))?;
        let tape = AttentionTape {
            input: rows.clone(),
            query,
            key,
            value,
            dropout,
        };
        Ok((attended, tape))
    }

    /// Backward of [`SelfAttention::forward_taped`] for the output gradient `grad`
    /// `(batch·seq, hidden)`: adds the projections' gradients to `grads` and returns the input
    /// rows' gradient.
    pub fn backward(
        &self,
        tape: &AttentionTape,
        mask: &AttentionMask,
        grad: &Tensor,
        grads: &mut Gradients,
    ) -> Result<Tensor> {
        let rows = tape.input.dims2()?;
        let (dq, dk, dv) = FusedAttention::gradients(
            &tape.query,
            &tape.key,
            &tape.value,
            &mask.bytes,
            self.num_heads,
            tape.dropout,
            &grad.reshape(tape.query.shape())?,
        )?;
        let mut input_grad: Option<Tensor> = None;
        for (layer, d) in [(&self.query, dq), (&self.key, dk), (&self.value, dv)] {
            let d = d.reshape(rows)?;
            linear_param_grads(layer, &tape.input, &d, grads)?;
            let g = linear_input_grad(layer, &d)?;
            input_grad = Some(match input_grad {
                Some(sum) => (sum + g)?,
                None => g,
            });
        }
        input_grad.ok_or_else(|| candle_core::Error::Msg("attention has no projections".into()))
    }
}

/// Projection of the attended values, dropout, residual connection and LayerNorm.
#[derive(Debug, Clone)]
pub struct SelfOutput {
    dense: Dense,
    residual_norm: ResidualNorm,
}

impl SelfOutput {
    /// Chooses the kernels of the projection and the LayerNorm.
    pub fn set_kernels(&self, kernels: Kernels) {
        self.dense.set_kernels(kernels);
        self.residual_norm.set_kernels(kernels);
    }

    /// Frees the f32 copy of every linear layer packed for the precision set now (see
    /// [`super::dense::Dense::keep_only_packed`]); returns how many were freed.
    pub fn keep_only_packed(&mut self) -> usize {
        usize::from(self.dense.keep_only_packed())
    }

    /// Loads `dense` and `LayerNorm` from `vb` (the `attention.output` prefix).
    pub fn load(vb: VarBuilder, cfg: &BertConfig) -> Result<Self> {
        Ok(SelfOutput {
            dense: Dense::load(cfg.hidden_size, cfg.hidden_size, vb.pp("dense"))?,
            residual_norm: ResidualNorm::load(vb, cfg)?,
        })
    }

    /// `LayerNorm(dropout(dense(attended)) + residual)`.
    pub fn forward(
        &self,
        attended: &Tensor,
        residual: &Tensor,
        rng: Option<&mut DropoutRng>,
    ) -> Result<Tensor> {
        self.residual_norm
            .forward(&self.dense.forward(attended)?, residual, rng)
    }
}

/// What [`SelfOutput::forward_taped`] keeps for [`SelfOutput::backward`].
#[derive(Debug)]
pub struct OutputTape {
    attended: Tensor,
    residual_norm: ResidualNormTape,
}

impl SelfOutput {
    /// The projection's and the LayerNorm's weights and biases.
    pub fn params(&self) -> impl Iterator<Item = &Tensor> {
        linear_params(&self.dense).chain(self.residual_norm.params())
    }

    /// [`SelfOutput::forward`] on rows `(n, hidden)` without a graph, keeping what
    /// [`SelfOutput::backward`] reads; draws from `rng` as `forward` does.
    pub fn forward_taped(
        &self,
        attended: &Tensor,
        residual: &Tensor,
        rng: Option<&mut DropoutRng>,
    ) -> Result<(Tensor, OutputTape)> {
        let projected = linear_forward(&self.dense, attended)?;
        let (out, residual_norm) = self
            .residual_norm
            .forward_taped(&projected, residual, rng)?;
        let tape = OutputTape {
            attended: attended.clone(),
            residual_norm,
        };
        Ok((out, tape))
    }

    /// Backward of [`SelfOutput::forward_taped`] for the output gradient `grad`: adds the
    /// parameters' gradients to `grads` and returns the gradients of `attended` and `residual`.
    pub fn backward(
        &self,
        tape: &OutputTape,
        grad: &Tensor,
        grads: &mut Gradients,
    ) -> Result<(Tensor, Tensor)> {
        let (projected_grad, residual_grad) =
            self.residual_norm
                .backward(&tape.residual_norm, grad, grads)?;
        linear_param_grads(&self.dense, &tape.attended, &projected_grad, grads)?;
        let attended_grad = linear_input_grad(&self.dense, &projected_grad)?;
        Ok((attended_grad, residual_grad))
    }
}
