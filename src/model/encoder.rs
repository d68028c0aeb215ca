//! The BERT encoder: embeddings and the stack of layers (`bert.embeddings.*`,
//! `bert.encoder.layer.N.*`).

use candle_core::{Result, Tensor};
use candle_nn::VarBuilder;

use super::attention::AttentionMask;
use super::config::BertConfig;
use super::dropout::DropoutRng;
use super::embeddings::Embeddings;
use super::layer::BertLayer;

/// A batch of token ids ready for the encoder; all tensors are `(batch, seq)` u32.
#[derive(Debug, Clone)]
pub struct EncoderInput {
    /// WordPiece ids, padded with the pad id.
    pub input_ids: Tensor,
    /// Segment ids: 0 for the first segment, 1 for the second.
    pub token_type_ids: Tensor,
    /// 1 for real tokens, 0 for padding.
    pub attention_mask: Tensor,
}

/// BERT without a head: token ids in, one hidden state per token out.
#[derive(Debug, Clone)]
pub struct BertEncoder {
    embeddings: Embeddings,
    layers: Vec<BertLayer>,
}

impl BertEncoder {
    /// Loads the encoder from `vb` (the `bert` prefix of a checkpoint).
    pub fn load(vb: VarBuilder, cfg: &BertConfig) -> Result<Self> {
        let embeddings = Embeddings::load(vb.pp("embeddings"), cfg)?;
        let layers_vb = vb.pp("encoder").pp("layer");
        let layers = (0..cfg.num_hidden_layers)
            .map(|index| BertLayer::load(layers_vb.pp(index), cfg))
            .collect::<Result<Vec<_>>>()?;
        Ok(BertEncoder { embeddings, layers })
    }

    /// The last hidden states, `(batch, seq, hidden)`. Dropout is active when `rng` is given.
    pub fn forward(
        &self,
        input: &EncoderInput,
        mut rng: Option<&mut DropoutRng>,
    ) -> Result<Tensor> {
        let mask = AttentionMask::new(&input.attention_mask)?;
        let mut hidden =
            self.embeddings
                .forward(&input.input_ids, &input.token_type_ids, rng.as_deref_mut())?;
        for layer in &self.layers {
            hidden = layer.forward(&hidden, &mask, rng.as_deref_mut())?;
        }
        Ok(hidden)
    }
}
