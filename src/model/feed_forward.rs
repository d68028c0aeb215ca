//! The position-wise feed-forward block (`intermediate.*`, `output.*`).

use candle_core::{CpuStorage, CustomOp1, CustomOp2, DType, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::attention::fused_kernels;
use super::cpu_buffers::contiguous_f32;
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
            HiddenAct::Gelu if fused_kernels() && inner.dtype() == DType::F32 => {
                if inner.track_op() {
                    inner.apply_op1(FastGelu)?
                } else {
                    inner.apply_op1_no_bwd(&FastGelu)?
                }
            }
            HiddenAct::Gelu => inner.gelu_erf()?,
            HiddenAct::GeluNew => inner.gelu()?,
            HiddenAct::Relu => inner.relu()?,
        };
        let projected = self.dropout.forward(&self.output.forward(&inner)?, rng)?;
        self.layer_norm.forward(&(projected + hidden)?)
    }
}

/// GELU (erf form) with [`super::fast_math::gelu_in_place`]: vectorised, over both cores; its
/// backward is one fused pass too.
struct FastGelu;

/// Elements per parallel chunk: enough to amortise scheduling, small enough to split over cores.
const CHUNK: usize = 1 << 14;

impl CustomOp1 for FastGelu {
    fn name(&self) -> &'static str {
        "fast-gelu"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let mut out = contiguous_f32(storage, layout, "gelu")?.to_vec();
        out.par_chunks_mut(CHUNK)
            .for_each(super::fast_math::gelu_in_place);
        Ok((CpuStorage::F32(out), layout.shape().clone()))
    }

    fn bwd(&self, arg: &Tensor, _res: &Tensor, grad_res: &Tensor) -> Result<Option<Tensor>> {
        let arg = arg.contiguous()?;
        let grad = grad_res.contiguous()?;
        Ok(Some(arg.apply_op2_no_bwd(&grad, &GeluBackward)?))
    }
}

/// `grad · GELU'(x)` for [`FastGelu`]'s backward.
struct GeluBackward;

impl CustomOp2 for GeluBackward {
    fn name(&self) -> &'static str {
        "fast-gelu-backward"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let xs = contiguous_f32(s1, l1, "gelu backward")?;
        let mut grads = contiguous_f32(s2, l2, "gelu backward")?.to_vec();
        if xs.len() != grads.len() {
            candle_core::bail!("gelu backward: input and gradient sizes differ");
        }
        grads
            .par_chunks_mut(CHUNK)
            .zip(xs.par_chunks(CHUNK))
            .for_each(|(g, x)| super::fast_math::gelu_backward_in_place(x, g));
        Ok((CpuStorage::F32(grads), l1.shape().clone()))
    }
}
