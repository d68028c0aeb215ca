//! One transformer layer (`bert.encoder.layer.N.*`).

use candle_core::{Result, Tensor};
use candle_nn::VarBuilder;

use super::attention::{AttentionMask, SelfAttention, SelfOutput};
use super::config::BertConfig;
use super::dropout::DropoutRng;
use super::feed_forward::FeedForward;

/// Self-attention followed by the feed-forward block, each with its residual and LayerNorm.
#[derive(Debug, Clone)]
pub struct BertLayer {
    attention: SelfAttention,
    attention_output: SelfOutput,
    feed_forward: FeedForward,
}

impl BertLayer {
    /// Loads one layer from `vb` (the `bert.encoder.layer.N` prefix).
    pub fn load(vb: VarBuilder, cfg: &BertConfig) -> Result<Self> {
        Ok(BertLayer {
            attention: SelfAttention::load(vb.pp("attention").pp("self"), cfg)?,
            attention_output: SelfOutput::load(vb.pp("attention").pp("output"), cfg)?,
            feed_forward: FeedForward::load(vb, cfg)?,
        })
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
