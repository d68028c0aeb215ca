//! Word, position and segment embeddings (`bert.embeddings.*`).

use candle_core::{Result, Tensor};
use candle_nn::{Embedding, Module, VarBuilder};

use super::config::BertConfig;
use super::dropout::{Dropout, DropoutRng};
use super::layer_norm::LayerNorm;
use super::tape::Gradients;

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

    /// Chooses the LayerNorm's kernels.
    pub fn set_kernels(&self, kernels: super::kernels::Kernels) {
        self.layer_norm.set_kernels(kernels);
    }

    /// Embeds `input_ids` and `token_type_ids`, both `(batch, seq)` of u32.
    pub fn forward(
        &self,
        input_ids: &Tensor,
        token_type_ids: &Tensor,
        rng: Option<&mut DropoutRng>,
    ) -> Result<Tensor> {
        let summed = self.summed(input_ids, token_type_ids)?;
        let normed = self.layer_norm.forward(&summed)?;
        self.dropout.forward(&normed, rng)
    }

    /// `words + segments + positions`, `(batch, seq, hidden)`, for `(batch, seq)` ids.
    fn summed(&self, input_ids: &Tensor, token_type_ids: &Tensor) -> Result<Tensor> {
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
        (words + segments)?.broadcast_add(&positions)
    }
}

/// What [`Embeddings::forward_taped`] keeps for [`Embeddings::backward`].
#[derive(Debug)]
pub struct EmbeddingsTape {
    /// Flattened `(batch·seq,)` token and segment ids.
    input_ids: Tensor,
    token_type_ids: Tensor,
    batch: usize,
    seq_len: usize,
    summed: Tensor,
    mask: Option<Tensor>,
}

impl Embeddings {
    /// The three tables and the LayerNorm's weight and bias.
    pub fn params(&self) -> impl Iterator<Item = &Tensor> {
        [
            self.word_embeddings.embeddings(),
            self.position_embeddings.embeddings(),
            self.token_type_embeddings.embeddings(),
        ]
        .into_iter()
        .chain(self.layer_norm.params())
    }

    /// [`Embeddings::forward`] as rows `(batch·seq, hidden)`, without a graph, keeping what
    /// [`Embeddings::backward`] reads (see [`super::tape`]); draws from `rng` as `forward` does.
    pub fn forward_taped(
        &self,
        input_ids: &Tensor,
        token_type_ids: &Tensor,
        rng: Option<&mut DropoutRng>,
    ) -> Result<(Tensor, EmbeddingsTape)> {
        // Computed as `forward` computes it; detached, so no graph outlives this call.
        let summed = self.summed(input_ids, token_type_ids)?.detach();
        let (batch, seq_len, width) = summed.dims3()?;
        let summed = summed.reshape((batch * seq_len, width))?;
        let input_ids = input_ids.flatten_all()?;
        let token_type_ids = token_type_ids.flatten_all()?;
        let normed = self.layer_norm.forward_untracked(&summed)?;
        let mask = self.dropout.draw(normed.shape(), rng, normed.device())?;
        let out = Dropout::apply(&normed, mask.as_ref())?;
        let tape = EmbeddingsTape {
            input_ids,
            token_type_ids,
            batch,
            seq_len,
            summed,
            mask,
        };
        Ok((out, tape))
    }

    /// Backward of [`Embeddings::forward_taped`] for the output gradient `grad`
    /// `(batch·seq, hidden)`: adds the tables' and the LayerNorm's gradients to `grads`.
    pub fn backward(
        &self,
        tape: &EmbeddingsTape,
        grad: &Tensor,
        grads: &mut Gradients,
    ) -> Result<()> {
        let normed_grad = Dropout::apply(grad, tape.mask.as_ref())?;
        let summed_grad = self
            .layer_norm
            .backward(&tape.summed, &normed_grad, grads)?;
        // A table's gradient: each row's gradient added to the row it was looked up from.
        let scatter = |table: &Tensor, ids: &Tensor, rows: &Tensor| -> Result<Tensor> {
            table.zeros_like()?.index_add(ids, rows, 0)
        };
        let words = self.word_embeddings.embeddings();
        if Gradients::wants(words) {
            grads.add(words, scatter(words, &tape.input_ids, &summed_grad)?)?;
        }
        let segments = self.token_type_embeddings.embeddings();
        if Gradients::wants(segments) {
            grads.add(
                segments,
                scatter(segments, &tape.token_type_ids, &summed_grad)?,
            )?;
        }
        let positions = self.position_embeddings.embeddings();
        if Gradients::wants(positions) {
            let width = positions.dim(1)?;
            let per_position = summed_grad
                .reshape((tape.batch, tape.seq_len, width))?
                .sum(0)?;
            let ids = Tensor::arange(0u32, tape.seq_len as u32, grad.device())?;
            grads.add(positions, scatter(positions, &ids, &per_position)?)?;
        }
        Ok(())
    }
}
