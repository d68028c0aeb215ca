//! How each of BERT's sub-layers ends: `LayerNorm(dropout(projected) + residual)`
//! (`attention.output.LayerNorm`, `output.LayerNorm`), with its taped forward and backward for
//! training (see [`super::tape`]).

use candle_core::{Result, Tensor};
use candle_nn::VarBuilder;

use super::config::BertConfig;
use super::dropout::{Dropout, DropoutRng};
use super::layer_norm::LayerNorm;
use super::tape::Gradients;

/// Dropout on a sub-layer's projection, the residual connection and the LayerNorm.
#[derive(Debug, Clone)]
pub struct ResidualNorm {
    layer_norm: LayerNorm,
    dropout: Dropout,
}

/// What [`ResidualNorm::forward_taped`] keeps for [`ResidualNorm::backward`].
#[derive(Debug)]
pub struct ResidualNormTape {
    mask: Option<Tensor>,
    summed: Tensor,
}

impl ResidualNorm {
    /// Loads `LayerNorm` from `vb` (the sub-layer's output prefix).
    pub fn load(vb: VarBuilder, cfg: &BertConfig) -> Result<Self> {
        Ok(ResidualNorm {
            layer_norm: LayerNorm::load(vb.pp("LayerNorm"), cfg.hidden_size, cfg.layer_norm_eps)?,
            dropout: Dropout::new(cfg.hidden_dropout_prob),
        })
    }

    /// Chooses the LayerNorm's kernels.
    pub fn set_kernels(&self, kernels: super::kernels::Kernels) {
        self.layer_norm.set_kernels(kernels);
    }

    /// The LayerNorm's weight and bias.
    pub fn params(&self) -> [&Tensor; 2] {
        self.layer_norm.params()
    }

    /// `LayerNorm(dropout(projected) + residual)`; dropout is active when `rng` is given.
    pub fn forward(
        &self,
        projected: &Tensor,
        residual: &Tensor,
        rng: Option<&mut DropoutRng>,
    ) -> Result<Tensor> {
        if rng.is_none() {
            return self.layer_norm.forward_sum(projected, residual);
        }
        let dropped = self.dropout.forward(projected, rng)?;
        self.layer_norm.forward(&(dropped + residual)?)
    }

    /// [`ResidualNorm::forward`] without a graph, keeping what [`ResidualNorm::backward`] reads;
    /// draws from `rng` as `forward` does.
    pub fn forward_taped(
        &self,
        projected: &Tensor,
        residual: &Tensor,
        rng: Option<&mut DropoutRng>,
    ) -> Result<(Tensor, ResidualNormTape)> {
        let mask = self
            .dropout
            .draw(projected.shape(), rng, projected.device())?;
        let summed = (Dropout::apply(projected, mask.as_ref())? + residual)?;
        let out = self.layer_norm.forward_untracked(&summed)?;
        Ok((out, ResidualNormTape { mask, summed }))
    }

    /// Backward of [`ResidualNorm::forward_taped`] for the output gradient `grad`: adds the
    /// LayerNorm's gradients to `grads` and returns the gradients of `projected` and `residual`.
    pub fn backward(
        &self,
        tape: &ResidualNormTape,
        grad: &Tensor,
        grads: &mut Gradients,
    ) -> Result<(Tensor, Tensor)> {
        let summed_grad = self.layer_norm.backward(&tape.summed, grad, grads)?;
        let projected_grad = Dropout::apply(&summed_grad, tape.mask.as_ref())?;
        Ok((projected_grad, summed_grad))
    }
}
