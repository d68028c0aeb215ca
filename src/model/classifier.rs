//! Sequence-pair classifier: encoder, pooling, dropout and a linear head, with the tensor names of
//! transformers' `BertForSequenceClassification` (`bert.*`, `bert.pooler.dense.*`,
//! `classifier.*`).

use candle_core::backprop::GradStore;
use candle_core::{DType, IndexOp, Result, Tensor, Var, D};
use candle_nn::{Linear, Module, VarBuilder};

use super::config::{BertConfig, Pooling};
use super::dropout::{Dropout, DropoutRng};
use super::encoder::{BertEncoder, EncoderInput, EncoderTape};
use super::tape::Gradients;

/// Encoder + pooling + dropout + linear head, producing one logit per label.
#[derive(Debug, Clone)]
pub struct SequenceClassifier {
    encoder: BertEncoder,
    pooling: Pooling,
    /// BERT's pooler; only used (and only loaded) with [`Pooling::Cls`].
    pooler: Option<Linear>,
    dropout: Dropout,
    classifier: Linear,
}

impl SequenceClassifier {
    /// Chooses the encoder's kernels (see [`crate::model::kernels`]).
    pub fn set_kernels(&self, kernels: crate::model::kernels::Kernels) {
        self.encoder.set_kernels(kernels);
    }

    /// Frees the f32 copy of every linear layer packed for the precision set now (see
    /// [`crate::model::dense::Dense::keep_only_packed`]); returns how many were freed.
    pub fn keep_only_packed(&mut self) -> usize {
        self.encoder.keep_only_packed()
    }

    /// Loads the classifier from `vb` (the checkpoint's root) for `num_labels` classes.
    pub fn load(vb: VarBuilder, cfg: &BertConfig, num_labels: usize) -> Result<Self> {
        let settings = cfg.settings();
        let encoder = BertEncoder::load(vb.pp("bert"), cfg)?;
        let pooler = match settings.pooling {
            Pooling::Cls => Some(candle_nn::linear(
                cfg.hidden_size,
                cfg.hidden_size,
                vb.pp("bert").pp("pooler").pp("dense"),
            )?),
            Pooling::Mean => None,
        };
        let classifier = candle_nn::linear(cfg.hidden_size, num_labels, vb.pp("classifier"))?;
        Ok(SequenceClassifier {
            encoder,
            pooling: settings.pooling,
            pooler,
            dropout: Dropout::new(cfg.head_dropout()),
            classifier,
        })
    }

    /// The encoder alone, for callers that want hidden states.
    pub fn encoder(&self) -> &BertEncoder {
        &self.encoder
    }

    /// One vector per sequence, `(batch, hidden)`, from the last hidden states.
    pub fn pool(&self, hidden: &Tensor, attention_mask: &Tensor) -> Result<Tensor> {
        match (&self.pooler, self.pooling) {
            (Some(pooler), Pooling::Cls) => pooler.forward(&hidden.i((.., 0))?)?.tanh(),
            _ => {
                let mask = attention_mask.to_dtype(DType::F32)?.unsqueeze(D::Minus1)?;
                let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
                let counts = mask.sum(1)?.clamp(1.0, f64::MAX)?;
                summed.broadcast_div(&counts)
            }
        }
    }

    /// Logits `(batch, num_labels)`. Dropout is active when `rng` is given (training).
    pub fn forward(
        &self,
        input: &EncoderInput,
        mut rng: Option<&mut DropoutRng>,
    ) -> Result<Tensor> {
        let hidden = self.encoder.forward(input, rng.as_deref_mut())?;
        self.head(&hidden, &input.attention_mask, rng)
    }
}

/// A training forward pass: the logits, and what its backward pass needs. The encoder runs on
/// its hand-written backward pass ([`super::tape`]) when it has one and is trained; the head,
/// and any other encoder, on candle's autograd.
pub struct TrainingForward<'m> {
    logits: Tensor,
    /// The encoder's output as a leaf of the head's graph, and the encoder's tape.
    encoder: Option<(Var, EncoderTape)>,
    model: &'m SequenceClassifier,
}

impl TrainingForward<'_> {
    /// Logits `(batch, num_labels)`, tracked by candle's autograd.
    pub fn logits(&self) -> &Tensor {
        &self.logits
    }

    /// The gradients of `loss` (computed from [`TrainingForward::logits`]) for every trained
    /// parameter, read with `grads.get(var)` as from `loss.backward()`.
    pub fn backward(self, loss: &Tensor) -> Result<GradStore> {
        backward_through_encoder(loss, &self.model.encoder, self.encoder)
    }
}

/// `loss.backward()` for a head on candle's autograd over an encoder that ran taped: the head's
/// gradient at the encoder's output (the leaf `hidden`) goes on through the encoder's
/// hand-written backward. Without a tape, autograd alone.
pub fn backward_through_encoder(
    loss: &Tensor,
    encoder: &BertEncoder,
    taped: Option<(Var, EncoderTape)>,
) -> Result<GradStore> {
    let mut grads = loss.backward()?;
    if let Some((hidden, tape)) = taped {
        let hidden_grad = match grads.remove(hidden.as_tensor()) {
            Some(grad) => grad,
            None => hidden.as_tensor().zeros_like()?,
        };
        encoder.backward(&tape, &hidden_grad, &mut Gradients::new(&mut grads))?;
    }
    Ok(grads)
}

impl SequenceClassifier {
    /// The forward pass of a training step, with dropout drawn from `rng`: the same logits and,
    /// after [`TrainingForward::backward`], the same gradients as [`SequenceClassifier::forward`]
    /// with candle's autograd (tested), in less time.
    pub fn forward_for_training(
        &self,
        input: &EncoderInput,
        rng: &mut DropoutRng,
    ) -> Result<TrainingForward<'_>> {
        if !self.encoder.supports_tape() || !self.encoder.is_trained() {
            return Ok(TrainingForward {
                logits: self.forward(input, Some(rng))?,
                encoder: None,
                model: self,
            });
        }
        let (hidden, tape) = self.encoder.forward_taped(input, Some(&mut *rng))?;
        let hidden = Var::from_tensor(&hidden)?;
        let logits = self.head(hidden.as_tensor(), &input.attention_mask, Some(rng))?;
        Ok(TrainingForward {
            logits,
            encoder: Some((hidden, tape)),
            model: self,
        })
    }

    /// Pooling, dropout and the linear head on the last hidden states.
    fn head(
        &self,
        hidden: &Tensor,
        attention_mask: &Tensor,
        rng: Option<&mut DropoutRng>,
    ) -> Result<Tensor> {
        let pooled = self.pool(hidden, attention_mask)?;
        let pooled = self.dropout.forward(&pooled, rng)?;
        self.classifier.forward(&pooled)
    }
}
