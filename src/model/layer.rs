//! One transformer layer (`bert.encoder.layer.N.*`).

use candle_core::{Result, Tensor};
use candle_nn::VarBuilder;

use super::attention::{AttentionMask, AttentionTape, OutputTape, SelfAttention, SelfOutput};
use super::config::BertConfig;
use super::dropout::DropoutRng;
use super::feed_forward::{FeedForward, FeedForwardTape};
use super::tape::Gradients;
use super::unpadded::RealTokens;

/// Self-attention followed by the feed-forward block, each with its residual and LayerNorm.
#[derive(Debug, Clone)]
pub struct BertLayer {
    attention: SelfAttention,
    attention_output: SelfOutput,
    feed_forward: FeedForward,
}

impl BertLayer {
    /// Chooses the kernels of every sub-layer (see [`crate::model::kernels`]).
    pub fn set_kernels(&self, kernels: crate::model::kernels::Kernels) {
        self.attention.set_kernels(kernels);
        self.attention_output.set_kernels(kernels);
        self.feed_forward.set_kernels(kernels);
    }

    /// Frees the f32 copy of every linear layer packed for the precision set now (see
    /// [`super::dense::Dense::keep_only_packed`]); returns how many were freed.
    pub fn keep_only_packed(&mut self) -> usize {
        self.attention.keep_only_packed()
            + self.attention_output.keep_only_packed()
            + self.feed_forward.keep_only_packed()
    }

    /// Loads one layer from `vb` (the `bert.encoder.layer.N` prefix).
    pub fn load(vb: VarBuilder, cfg: &BertConfig) -> Result<Self> {
        Ok(BertLayer {
            attention: SelfAttention::load(vb.pp("attention").pp("self"), cfg)?,
            attention_output: SelfOutput::load(vb.pp("attention").pp("output"), cfg)?,
            feed_forward: FeedForward::load(vb, cfg)?,
        })
    }

    /// Whether the fused kernels run (the unpadded inference path needs them).
    pub fn fused(&self) -> bool {
        self.attention.fused()
    }

    /// [`BertLayer::forward`] at inference on the rows of the `real` tokens only
    /// (`(tokens, hidden)`, see [`super::unpadded`]).
    pub fn forward_rows(
        &self,
        rows: &Tensor,
        real: &RealTokens,
        mask: &AttentionMask,
    ) -> Result<Tensor> {
        let attended = self.attention.forward_rows(rows, real, mask)?;
        let hidden = self.attention_output.forward(&attended, rows, None)?;
        self.feed_forward.forward(&hidden, None)
    }

    /// Transforms `(batch, seq, hidden)` under the attention `mask`.
    pub fn forward(
        &self,
        hidden: &Tensor,
        mask: &AttentionMask,
        mut rng: Option<&mut DropoutRng>,
    ) -> Result<Tensor> {
        let attended = self.attention.forward(hidden, mask, rng.as_deref_mut())?;
        let hidden = self
            .attention_output
            .forward(&attended, hidden, rng.as_deref_mut())?;
        self.feed_forward.forward(&hidden, rng)
    }
}

/// What [`BertLayer::forward_taped`] keeps for [`BertLayer::backward`], block by block.
#[derive(Debug)]
pub struct LayerTape {
    attention: AttentionTape,
    attention_output: OutputTape,
    feed_forward: FeedForwardTape,
}

impl BertLayer {
    /// Every weight and bias of the layer.
    pub fn params(&self) -> impl Iterator<Item = &Tensor> {
        self.attention
            .params()
            .chain(self.attention_output.params())
            .chain(self.feed_forward.params())
    }

    /// Whether [`BertLayer::forward_taped`] can run (see [`FeedForward::supports_tape`]).
    pub fn supports_tape(&self) -> bool {
        self.feed_forward.supports_tape()
    }

    /// [`BertLayer::forward`] on the rows `(batch·seq, hidden)` of `batch` sequences without a
    /// graph, keeping what [`BertLayer::backward`] reads (see [`super::tape`]).
    pub fn forward_taped(
        &self,
        rows: &Tensor,
        batch: usize,
        mask: &AttentionMask,
        mut rng: Option<&mut DropoutRng>,
    ) -> Result<(Tensor, LayerTape)> {
        let (attended, attention) =
            self.attention
                .forward_taped(rows, batch, mask, rng.as_deref_mut())?;
        let (hidden, attention_output) =
            self.attention_output
                .forward_taped(&attended, rows, rng.as_deref_mut())?;
        let (out, feed_forward) = self.feed_forward.forward_taped(&hidden, rng)?;
        let tape = LayerTape {
            attention,
            attention_output,
            feed_forward,
        };
        Ok((out, tape))
    }

    /// Backward of [`BertLayer::forward_taped`] for the output gradient `grad`: adds the
    /// parameters' gradients to `grads` and returns the input rows' gradient.
    pub fn backward(
        &self,
        tape: &LayerTape,
        mask: &AttentionMask,
        grad: &Tensor,
        grads: &mut Gradients,
    ) -> Result<Tensor> {
        let hidden_grad = self
            .feed_forward
            .backward(&tape.feed_forward, grad, grads)?;
        let (attended_grad, residual_grad) =
            self.attention_output
                .backward(&tape.attention_output, &hidden_grad, grads)?;
        self.attention
            .backward(&tape.attention, mask, &attended_grad, grads)?
            + residual_grad
    }
}
