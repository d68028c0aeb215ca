//! The BERT encoder: embeddings and the stack of layers (`bert.embeddings.*`,
//! `bert.encoder.layer.N.*`).

use candle_core::{Result, Tensor};
use candle_nn::VarBuilder;

use super::attention::AttentionMask;
use super::config::BertConfig;
use super::dropout::DropoutRng;
use super::embeddings::{Embeddings, EmbeddingsTape};
use super::layer::{BertLayer, LayerTape};
use super::tape::{any_trained, Gradients};
use super::unpadded::RealTokens;

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
    /// Chooses the kernels of the embeddings' LayerNorm and of every layer (see
    /// [`crate::model::kernels`]).
    pub fn set_kernels(&self, kernels: crate::model::kernels::Kernels) {
        self.embeddings.set_kernels(kernels);
        for layer in &self.layers {
            layer.set_kernels(kernels);
        }
    }

    /// Frees the f32 copy of every linear layer packed for the precision set now (see
    /// [`super::dense::Dense::keep_only_packed`]); returns how many were freed.
    pub fn keep_only_packed(&mut self) -> usize {
        self.layers
            .iter_mut()
            .map(BertLayer::keep_only_packed)
            .sum()
    }

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
        if let Some(real) = self.unpadded_rows(&hidden, &mask, rng.is_some())? {
            let mut rows = real.gather(&hidden)?;
            for layer in &self.layers {
                rows = layer.forward_rows(&rows, &real, &mask)?;
            }
            return real.scatter(&rows);
        }
        for layer in &self.layers {
            hidden = layer.forward(&hidden, &mask, rng.as_deref_mut())?;
        }
        Ok(hidden)
    }
}

impl BertEncoder {
    /// The real tokens of a padded batch when the layers may run on them alone: inference
    /// (no dropout, nothing trained, no graph) with the fused kernels, and some padding to
    /// leave out (see [`super::unpadded`]).
    fn unpadded_rows(
        &self,
        hidden: &Tensor,
        mask: &AttentionMask,
        dropout: bool,
    ) -> Result<Option<RealTokens>> {
        if dropout
            || hidden.track_op()
            || self.is_trained()
            || !self.layers.iter().all(BertLayer::fused)
        {
            return Ok(None);
        }
        let (batch, seq, _) = hidden.dims3()?;
        RealTokens::of(mask.bytes(), batch, seq, hidden.device())
    }
}

/// What [`BertEncoder::forward_taped`] keeps for [`BertEncoder::backward`].
#[derive(Debug)]
pub struct EncoderTape {
    mask: AttentionMask,
    embeddings: EmbeddingsTape,
    layers: Vec<LayerTape>,
    shape: (usize, usize, usize),
}

impl BertEncoder {
    /// Whether [`BertEncoder::forward_taped`] can run for this configuration; other
    /// configurations train on candle's autograd.
    pub fn supports_tape(&self) -> bool {
        self.layers.iter().all(BertLayer::supports_tape)
    }

    /// Whether any encoder parameter is trained.
    pub fn is_trained(&self) -> bool {
        any_trained(self.embeddings.params()) || self.layers.iter().any(|l| any_trained(l.params()))
    }

    /// [`BertEncoder::forward`] without a graph, keeping what [`BertEncoder::backward`] reads
    /// (see [`super::tape`]). Draws the same dropout masks from `rng` as `forward` with the
    /// fused kernels.
    pub fn forward_taped(
        &self,
        input: &EncoderInput,
        mut rng: Option<&mut DropoutRng>,
    ) -> Result<(Tensor, EncoderTape)> {
        let (batch, _) = input.input_ids.dims2()?;
        let mask = AttentionMask::new(&input.attention_mask)?;
        let (mut rows, embeddings) = self.embeddings.forward_taped(
            &input.input_ids,
            &input.token_type_ids,
            rng.as_deref_mut(),
        )?;
        let mut layers = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let (out, tape) = layer.forward_taped(&rows, batch, &mask, rng.as_deref_mut())?;
            rows = out;
            layers.push(tape);
        }
        let (count, width) = rows.dims2()?;
        let shape = (batch, count / batch.max(1), width);
        let tape = EncoderTape {
            mask,
            embeddings,
            layers,
            shape,
        };
        Ok((rows.reshape(shape)?, tape))
    }

    /// Backward of [`BertEncoder::forward_taped`] for the gradient `grad` of the last hidden
    /// states `(batch, seq, hidden)`: adds every trained parameter's gradient to `grads`, and
    /// stops below the lowest trained layer.
    pub fn backward(&self, tape: &EncoderTape, grad: &Tensor, grads: &mut Gradients) -> Result<()> {
        if grad.dims3()? != tape.shape || tape.layers.len() != self.layers.len() {
            candle_core::bail!("encoder backward: the tape is not of this encoder and batch");
        }
        let (batch, seq, width) = tape.shape;
        let mut grad = grad.reshape((batch * seq, width))?;
        // trained_below[i]: a parameter of layer < i or of the embeddings is trained.
        let mut trained_below = Vec::with_capacity(self.layers.len() + 1);
        trained_below.push(any_trained(self.embeddings.params()));
        for (i, layer) in self.layers.iter().enumerate() {
            trained_below.push(trained_below[i] || any_trained(layer.params()));
        }
        for (i, (layer, layer_tape)) in self.layers.iter().zip(&tape.layers).enumerate().rev() {
            if !trained_below[i + 1] {
                return Ok(());
            }
            grad = layer.backward(layer_tape, &tape.mask, &grad, grads)?;
        }
        if trained_below[0] {
            self.embeddings.backward(&tape.embeddings, &grad, grads)?;
        }
        Ok(())
    }
}
