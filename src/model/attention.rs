//! Multi-head self-attention and its output projection (`attention.self.*`, `attention.output.*`).

use candle_core::{Result, Tensor, D};
use candle_nn::{Linear, Module, VarBuilder};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::config::BertConfig;
use super::dropout::{Dropout, DropoutRng};
use super::fused_attention::FusedAttention;
use super::layer_norm::LayerNorm;

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

/// Whether inference may use the fused kernels ([`FusedAttention`]); on by default. Tests and
/// benchmarks turn it off to compare with the op-by-op path.
static FUSED_KERNELS: AtomicBool = AtomicBool::new(true);

/// Whether the fused inference kernels are on (see [`set_fused_kernels`]).
pub fn fused_kernels() -> bool {
    FUSED_KERNELS.load(Ordering::Relaxed)
}

/// Turns the fused inference kernels on or off for the whole process.
pub fn set_fused_kernels(enabled: bool) {
    FUSED_KERNELS.store(enabled, Ordering::Relaxed);
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
}

/// Scaled dot-product self-attention with `num_attention_heads` heads.
#[derive(Debug, Clone)]
pub struct SelfAttention {
    query: Linear,
    key: Linear,
    value: Linear,
    num_heads: usize,
    head_dim: usize,
    dropout: Dropout,
}

impl SelfAttention {
    /// Loads `query`, `key` and `value` from `vb` (the `attention.self` prefix).
    pub fn load(vb: VarBuilder, cfg: &BertConfig) -> Result<Self> {
        let hidden = cfg.hidden_size;
        Ok(SelfAttention {
            query: candle_nn::linear(hidden, hidden, vb.pp("query"))?,
            key: candle_nn::linear(hidden, hidden, vb.pp("key"))?,
            value: candle_nn::linear(hidden, hidden, vb.pp("value"))?,
            num_heads: cfg.num_attention_heads,
            head_dim: hidden / cfg.num_attention_heads,
            dropout: Dropout::new(cfg.attention_probs_dropout_prob),
        })
    }

    /// `(batch, seq, hidden)` → `(batch, heads, seq, head_dim)`.
    fn split_heads(&self, xs: &Tensor) -> Result<Tensor> {
        let (batch, seq, _) = xs.dims3()?;
        xs.reshape((batch, seq, self.num_heads, self.head_dim))?
            .transpose(1, 2)?
            .contiguous()
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
        if fused_kernels() {
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

/// Projection of the attended values, dropout, residual connection and LayerNorm.
#[derive(Debug, Clone)]
pub struct SelfOutput {
    dense: Linear,
    layer_norm: LayerNorm,
    dropout: Dropout,
}

impl SelfOutput {
    /// Loads `dense` and `LayerNorm` from `vb` (the `attention.output` prefix).
    pub fn load(vb: VarBuilder, cfg: &BertConfig) -> Result<Self> {
        Ok(SelfOutput {
            dense: candle_nn::linear(cfg.hidden_size, cfg.hidden_size, vb.pp("dense"))?,
            layer_norm: LayerNorm::load(vb.pp("LayerNorm"), cfg.hidden_size, cfg.layer_norm_eps)?,
            dropout: Dropout::new(cfg.hidden_dropout_prob),
        })
    }

    /// `LayerNorm(dropout(dense(attended)) + residual)`.
    pub fn forward(
        &self,
        attended: &Tensor,
        residual: &Tensor,
        rng: Option<&mut DropoutRng>,
    ) -> Result<Tensor> {
        let projected = self.dropout.forward(&self.dense.forward(attended)?, rng)?;
        self.layer_norm.forward(&(projected + residual)?)
    }
}
