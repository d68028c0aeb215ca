//! Sequence-pair classifier: encoder, pooling, dropout and a linear head, with the tensor names of
//! transformers' `BertForSequenceClassification` (`bert.*`, `bert.pooler.dense.*`,
//! `classifier.*`).

use candle_core::{DType, IndexOp, Result, Tensor, D};
use candle_nn::{Linear, Module, VarBuilder};

use super::config::{BertConfig, Pooling};
use super::dropout::{Dropout, DropoutRng};
use super::encoder::{BertEncoder, EncoderInput};

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
        let pooled = self.pool(&hidden, &input.attention_mask)?;
        let pooled = self.dropout.forward(&pooled, rng)?;
        self.classifier.forward(&pooled)
    }
}
