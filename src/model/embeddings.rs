//! Word, position and segment embeddings (`bert.embeddings.*`).

use candle_core::{Result, Tensor};
use candle_nn::{Embedding, Module, VarBuilder};

use super::config::BertConfig;
use super::dropout::{Dropout, DropoutRng};
use super::layer_norm::LayerNorm;

/// The sum of the three embeddings, normalised, as BERT's input to its first layer.
#[derive(Debug, Clone)]
pub struct Embeddings {
    word_embeddings: Embedding,
    position_embeddings: Embedding,
    token_type_embeddings: Embedding,
    layer_norm: LayerNorm,
    dropout: Dropout,
    max_positions: usize,
}

impl Embeddings {
    /// Loads the tables from `vb` (the `bert.embeddings` prefix).
    pub fn load(vb: VarBuilder, cfg: &BertConfig) -> Result<Self> {
        let hidden = cfg.hidden_size;
        Ok(Embeddings {
            word_embeddings: candle_nn::embedding(
                cfg.vocab_size,
                hidden,
                vb.pp("word_embeddings"),
            )?,
            position_embeddings: candle_nn::embedding(
                cfg.max_position_embeddings,
                hidden,
                vb.pp("position_embeddings"),
            )?,
            token_type_embeddings: candle_nn::embedding(
                cfg.type_vocab_size,
                hidden,
                vb.pp("token_type_embeddings"),
            )?,
            layer_norm: LayerNorm::load(vb.pp("LayerNorm"), hidden, cfg.layer_norm_eps)?,
            dropout: Dropout::new(cfg.hidden_dropout_prob),
            max_positions: cfg.max_position_embeddings,
        })
    }

    /// Embeds `input_ids` and `token_type_ids`, both `(batch, seq)` of u32.
    pub fn forward(
        &self,
        input_ids: &Tensor,
        token_type_ids: &Tensor,
        rng: Option<&mut DropoutRng>,
    ) -> Result<Tensor> {
        let (_, seq_len) = input_ids.dims2()?;
        if seq_len > self.max_positions {
            candle_core::bail!(
                "sequence of {seq_len} tokens exceeds max_position_embeddings {}",
                self.max_positions
            );
        }
        let positions = Tensor::arange(0u32, seq_len as u32, input_ids.device())?;
        let words = self.word_embeddings.forward(input_ids)?;
        let segments = self.token_type_embeddings.forward(token_type_ids)?;
        let positions = self.position_embeddings.forward(&positions)?;
        let summed = (words + segments)?.broadcast_add(&positions)?;
        let normed = self.layer_norm.forward(&summed)?;
        self.dropout.forward(&normed, rng)
    }
}
