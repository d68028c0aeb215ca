//! The real tokens of a padded batch, for inference without padding.
//!
//! A batch is padded to its longest sequence, and outside attention every token is a row of its
//! own: the linear layers, the feed-forward block and the LayerNorms would spend their time on
//! padding too (a third of the rows of SemEval-2016 test in file order, batches of 32). At
//! inference the encoder gathers the real tokens into `(tokens, hidden)` rows once, runs those
//! blocks on the rows, and lays them out as `(batch, seq, hidden)` only for attention, which
//! needs each sequence as a block. Padding only ever reaches padding (attention leaves padded
//! keys out), so the real tokens' states are those of the padded computation; the padded
//! positions of the result are zero. Where every sequence's tokens come before its padding (as
//! the tokenizer pads), each sequence is a run of consecutive rows ([`RealTokens::spans`]), and
//! attention reads the rows in place instead of a padded copy.

use std::sync::Arc;

use candle_core::{DType, Device, Result, Tensor};

/// Where the real tokens of a `(batch, seq)` mask are.
#[derive(Debug, Clone)]
pub struct RealTokens {
    /// Flat `batch·seq` index of each real token, in order.
    gather: Tensor,
    /// For each of the `batch·seq` positions, its row among the real tokens, or `tokens` (one
    /// past them: a row of zeros) for padding.
    scatter: Tensor,
    /// Per sequence, its first row and its number of tokens, when each sequence's tokens are
    /// its first positions.
    spans: Option<Arc<[(usize, usize)]>>,
    batch: usize,
    seq: usize,
    tokens: usize,
}

impl RealTokens {
    /// The real tokens of `mask` (`batch × seq`, non-zero for a token), or `None` when every
    /// position is a token (nothing to leave out).
    pub fn of(mask: &[u8], batch: usize, seq: usize, device: &Device) -> Result<Option<Self>> {
        if mask.len() != batch * seq {
            candle_core::bail!(
                "unpadded: the mask has {} positions, not {batch} × {seq}",
                mask.len()
            );
        }
        let gather: Vec<u32> = (0..mask.len() as u32)
            .filter(|&i| mask[i as usize] != 0)
            .collect();
        let tokens = gather.len();
        if tokens == mask.len() {
            return Ok(None);
        }
        let mut next = 0u32;
        let scatter: Vec<u32> = mask
            .iter()
            .map(|&m| {
                if m != 0 {
                    next += 1;
                    next - 1
                } else {
                    tokens as u32
                }
            })
            .collect();
        Ok(Some(RealTokens {
            gather: Tensor::from_vec(gather, tokens, device)?,
            scatter: Tensor::from_vec(scatter, batch * seq, device)?,
            spans: spans_of(mask, seq),
            batch,
            seq,
            tokens,
        }))
    }

    /// Each sequence's run of rows, `(first row, tokens)`, when every sequence's tokens come
    /// before its padding; `None` when a sequence has padding before a token.
    pub fn spans(&self) -> Option<&Arc<[(usize, usize)]>> {
        self.spans.as_ref()
    }

    /// The number of real tokens.
    pub fn tokens(&self) -> usize {
        self.tokens
    }

    /// `(batch, seq, width)` → the real tokens' rows, `(tokens, width)`.
    pub fn gather(&self, padded: &Tensor) -> Result<Tensor> {
        let width = padded.dim(candle_core::D::Minus1)?;
        padded
            .reshape((self.batch * self.seq, width))?
            .index_select(&self.gather, 0)
    }

    /// `(tokens, width)` rows → `(batch, seq, width)`, zero at the padded positions.
    pub fn scatter(&self, rows: &Tensor) -> Result<Tensor> {
        let width = rows.dim(candle_core::D::Minus1)?;
        let zero = Tensor::zeros((1, width), DType::F32, rows.device())?.to_dtype(rows.dtype())?;
        Tensor::cat(&[rows, &zero], 0)?
            .index_select(&self.scatter, 0)?
            .reshape((self.batch, self.seq, width))
    }
}

/// The runs of [`RealTokens::spans`] for a mask of sequences `seq` long (`seq > 0`).
fn spans_of(mask: &[u8], seq: usize) -> Option<Arc<[(usize, usize)]>> {
    let mut first = 0;
    let mut spans = Vec::with_capacity(mask.len() / seq.max(1));
    for sequence in mask.chunks_exact(seq.max(1)) {
        let tokens = sequence.iter().take_while(|&&m| m != 0).count();
        if sequence[tokens..].iter().any(|&m| m != 0) {
            return None;
        }
        spans.push((first, tokens));
        first += tokens;
    }
    Some(spans.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathering_then_scattering_keeps_the_tokens_and_zeroes_the_padding() {
        let dev = Device::Cpu;
        let mask = [1, 1, 1, 1, 0, 0, 1, 0, 1];
        let real = RealTokens::of(&mask, 3, 3, &dev).unwrap().unwrap();
        assert_eq!(real.tokens(), 6);
        let padded = Tensor::arange(0f32, 18.0, &dev)
            .unwrap()
            .reshape((3, 3, 2))
            .unwrap();
        let rows = real.gather(&padded).unwrap();
        assert_eq!(
            rows.to_vec2::<f32>().unwrap(),
            [
                [0., 1.],
                [2., 3.],
                [4., 5.],
                [6., 7.],
                [12., 13.],
                [16., 17.]
            ]
        );
        // The second sequence has a hole: no runs.
        assert!(real.spans().is_none());
        let back = real.scatter(&rows).unwrap().flatten_all().unwrap();
        let want: Vec<f32> = (0..18)
            .map(|i| if mask[i / 2] != 0 { i as f32 } else { 0.0 })
            .collect();
        assert_eq!(back.to_vec1::<f32>().unwrap(), want);
    }

    #[test]
    fn sequences_padded_at_the_end_are_runs_of_rows() {
        let mask = [1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0];
        let real = RealTokens::of(&mask, 4, 3, &Device::Cpu).unwrap().unwrap();
        assert_eq!(&real.spans().unwrap()[..], [(0, 2), (2, 0), (2, 3), (5, 1)]);
    }

    #[test]
    fn a_batch_without_padding_needs_nothing_and_a_wrong_mask_is_an_error() {
        let dev = Device::Cpu;
        assert!(RealTokens::of(&[1, 1, 1, 1], 2, 2, &dev).unwrap().is_none());
        assert!(RealTokens::of(&[1, 1, 1], 2, 2, &dev).is_err());
    }
}
