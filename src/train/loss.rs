//! Class-weighted cross-entropy, normalised so that gradient accumulation over micro-batches
//! gives the same gradient as one large batch.

use candle_core::{Tensor, D};

use crate::error::Result;

/// Per-label weights `n / (k · count)` ("balanced"): rare labels weigh more. Labels absent from
/// the data get weight 1 (they never occur as targets).
pub fn balanced_class_weights(counts: &[usize]) -> Vec<f32> {
    let total: usize = counts.iter().sum();
    let present = counts.iter().filter(|&&c| c > 0).count();
    counts
        .iter()
        .map(|&c| {
            if c == 0 {
                1.0
            } else {
                total as f32 / (present as f32 * c as f32)
            }
        })
        .collect()
}

/// `Σ wᵢ·(−log softmax(logits)ᵢ[yᵢ]) / denominator` for `logits (batch, labels)`, targets `y`
/// and one weight per example (see [`super::weights`]).
///
/// With `denominator` = Σ wᵢ over the whole optimizer step, summing this over micro-batches is
/// PyTorch's weighted mean cross-entropy over the step.
pub fn weighted_cross_entropy(
    logits: &Tensor,
    targets: &[u32],
    example_weights: &[f32],
    denominator: f32,
) -> Result<Tensor> {
    if example_weights.len() != targets.len() {
        return Err(crate::error::Error::InvalidInput(format!(
            "{} loss weights for {} examples: one weight per example",
            example_weights.len(),
            targets.len()
        )));
    }
    let device = logits.device();
    let log_probs = candle_nn::ops::log_softmax(logits, D::Minus1)?;
    let index = Tensor::new(targets, device)?.unsqueeze(1)?;
    let picked = log_probs.gather(&index, 1)?.squeeze(1)?;
    let w = Tensor::new(example_weights, device)?;
    Ok((picked.mul(&w)?.sum_all()?.neg()? / denominator as f64)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn balanced_weights_and_hand_computed_loss() {
        let w = balanced_class_weights(&[6, 3, 0]);
        assert_eq!(w, vec![0.75, 1.5, 1.0]);
        // logits [0, ln 3] → p = [1/4, 3/4]; targets 0 and 1, the examples weighing 2 and 1.
        let logits = Tensor::new(&[[0f32, 3f32.ln()], [0.0, 3f32.ln()]], &Device::Cpu).unwrap();
        let loss = weighted_cross_entropy(&logits, &[0, 1], &[2.0, 1.0], 3.0).unwrap();
        let expected = (2.0 * 4f32.ln() + (4.0f32 / 3.0).ln()) / 3.0;
        let got = loss.to_scalar::<f32>().unwrap();
        assert!((got - expected).abs() < 1e-6, "{got} vs {expected}");
        // Per-label weights passed by mistake are refused, not broadcast.
        let three = Tensor::new(&[[0f32, 1.0, 2.0]; 2], &Device::Cpu).unwrap();
        let err = weighted_cross_entropy(&three, &[0, 1], &[1.0, 1.0, 1.0], 2.0).unwrap_err();
        assert!(err.to_string().contains("one weight per example"), "{err}");
    }
}
