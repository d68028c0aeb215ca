//! The position-wise feed-forward block (`intermediate.*`, `output.*`).

use candle_core::{CpuStorage, CustomOp1, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::attention::fused_kernels;
use candle_nn::{Linear, Module, VarBuilder};

use super::config::{BertConfig, HiddenAct};
use super::dropout::{Dropout, DropoutRng};
use super::layer_norm::LayerNorm;

/// `LayerNorm(dropout(W2 · act(W1 · x)) + x)`.
#[derive(Debug, Clone)]
pub struct FeedForward {
    intermediate: Linear,
    output: Linear,
    activation: HiddenAct,
    layer_norm: LayerNorm,
    dropout: Dropout,
}

impl FeedForward {
    /// Loads `intermediate.dense`, `output.dense` and `output.LayerNorm` from `vb` (one layer's
    /// prefix).
    pub fn load(vb: VarBuilder, cfg: &BertConfig) -> Result<Self> {
        Ok(FeedForward {
            intermediate: candle_nn::linear(
                cfg.hidden_size,
                cfg.intermediate_size,
                vb.pp("intermediate").pp("dense"),
            )?,
            output: candle_nn::linear(
                cfg.intermediate_size,
                cfg.hidden_size,
                vb.pp("output").pp("dense"),
            )?,
            activation: cfg.hidden_act,
            layer_norm: LayerNorm::load(
                vb.pp("output").pp("LayerNorm"),
                cfg.hidden_size,
                cfg.layer_norm_eps,
            )?,
            dropout: Dropout::new(cfg.hidden_dropout_prob),
        })
    }

    /// Applies the block to `(batch, seq, hidden)`.
    pub fn forward(&self, hidden: &Tensor, rng: Option<&mut DropoutRng>) -> Result<Tensor> {
        let inner = self.intermediate.forward(hidden)?;
        let inner = match self.activation {
            HiddenAct::Gelu if !inner.track_op() && fused_kernels() => {
                inner.apply_op1_no_bwd(&FastGelu)?
            }
            HiddenAct::Gelu => inner.gelu_erf()?,
            HiddenAct::GeluNew => inner.gelu()?,
            HiddenAct::Relu => inner.relu()?,
        };
        let projected = self.dropout.forward(&self.output.forward(&inner)?, rng)?;
        self.layer_norm.forward(&(projected + hidden)?)
    }
}

/// GELU (erf form) for inference with [`super::fast_math::gelu_in_place`]: vectorised, over both
/// cores, no backward.
struct FastGelu;

impl CustomOp1 for FastGelu {
    fn name(&self) -> &'static str {
        "fast-gelu"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("fast gelu: input must be contiguous")
        };
        let mut out = storage.as_slice::<f32>()?[start..end].to_vec();
        // Chunks big enough to amortise scheduling, small enough to split over the cores.
        out.par_chunks_mut(1 << 14)
            .for_each(super::fast_math::gelu_in_place);
        Ok((CpuStorage::F32(out), layout.shape().clone()))
    }
}
