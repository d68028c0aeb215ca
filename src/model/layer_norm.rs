//! LayerNorm whose training path has a backward pass.
//!
//! candle_nn's `LayerNorm` runs a fused kernel on contiguous input that has no backward, which
//! silently stops gradients at the first LayerNorm (candle issues #2168, #3011). Here the fused
//! kernel only runs when nothing needs a gradient; otherwise the normalisation is spelled out
//! with elementary ops, each of which candle can differentiate.

use candle_core::{Result, Tensor, D};
use candle_nn::{Init, VarBuilder};

/// Layer normalisation over the last dimension, named as in transformers (`weight`, `bias`).
#[derive(Debug, Clone)]
pub struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    /// Loads `weight` and `bias` of width `size` from `vb`.
    pub fn load(vb: VarBuilder, size: usize, eps: f64) -> Result<Self> {
        let weight = vb.get_with_hints(size, "weight", Init::Const(1.0))?;
        let bias = vb.get_with_hints(size, "bias", Init::Const(0.0))?;
        Ok(LayerNorm { weight, bias, eps })
    }

    /// Normalises `xs` over its last dimension.
    pub fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        if xs.track_op() || self.weight.track_op() || self.bias.track_op() {
            self.forward_differentiable(xs)
        } else {
            candle_nn::ops::layer_norm(xs, &self.weight, &self.bias, self.eps as f32)
        }
    }

    /// The normalisation from elementary ops; used whenever a gradient may be needed.
    pub fn forward_differentiable(&self, xs: &Tensor) -> Result<Tensor> {
        let mean = xs.mean_keepdim(D::Minus1)?;
        let centred = xs.broadcast_sub(&mean)?;
        let variance = centred.sqr()?.mean_keepdim(D::Minus1)?;
        let normed = centred.broadcast_div(&(variance + self.eps)?.sqrt()?)?;
        normed
            .broadcast_mul(&self.weight)?
            .broadcast_add(&self.bias)
    }
}
