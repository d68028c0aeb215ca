//! Dropout with a seeded random source, so that training runs repeat exactly.
//!
//! candle's CPU device cannot be seeded, so masks are drawn from a [`DropoutRng`] that the
//! training loop owns and passes down the forward pass. Inference passes `None`: no dropout.

use candle_core::{Device, Result, Shape, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The random source of every dropout mask in one forward pass.
#[derive(Debug, Clone)]
pub struct DropoutRng {
    rng: StdRng,
}

impl DropoutRng {
    /// A source whose masks are fully determined by `seed`.
    pub fn new(seed: u64) -> Self {
        DropoutRng {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// A fresh seed for a kernel that draws its own masks (see
    /// [`super::fused_attention::FusedAttention`]).
    pub fn next_seed(&mut self) -> u64 {
        self.rng.random()
    }

    /// A mask of `shape` holding 0 with probability `p` and `1 / (1 - p)` otherwise.
    pub fn mask(&mut self, shape: &Shape, p: f32, device: &Device) -> Result<Tensor> {
        let keep_scale = 1.0 / (1.0 - p);
        // Compare 24-bit integers rather than floats: one u32 draw per element, no division.
        let threshold = (p as f64 * (1u32 << 24) as f64) as u32;
        let values: Vec<f32> = (0..shape.elem_count())
            .map(|_| {
                if (self.rng.random::<u32>() >> 8) < threshold {
                    0.0
                } else {
                    keep_scale
                }
            })
            .collect();
        Tensor::from_vec(values, shape, device)
    }
}

/// Inverted dropout: zeroes activations with probability `p` during training, scales the rest.
#[derive(Debug, Clone, Copy)]
pub struct Dropout {
    p: f32,
}

impl Dropout {
    /// Dropout with probability `p` (0 disables it).
    pub fn new(p: f64) -> Self {
        Dropout { p: p as f32 }
    }

    /// The probability of dropping an activation.
    pub fn probability(&self) -> f32 {
        self.p
    }

    /// The mask [`Dropout::forward`] would multiply a tensor of `shape` by (drawn the same way
    /// from `rng`), or `None` when nothing is dropped; the encoder's hand-written backward pass
    /// keeps it for the gradient.
    pub fn draw(
        &self,
        shape: &Shape,
        rng: Option<&mut DropoutRng>,
        device: &Device,
    ) -> Result<Option<Tensor>> {
        match rng {
            Some(rng) if self.p > 0.0 => Ok(Some(rng.mask(shape, self.p, device)?)),
            _ => Ok(None),
        }
    }

    /// `xs` times `mask` (from [`Dropout::draw`]); also the backward of that product.
    pub fn apply(xs: &Tensor, mask: Option<&Tensor>) -> Result<Tensor> {
        match mask {
            Some(mask) => xs.mul(mask),
            None => Ok(xs.clone()),
        }
    }

    /// Applies dropout when a random source is given (training), and is the identity otherwise.
    pub fn forward(&self, xs: &Tensor, rng: Option<&mut DropoutRng>) -> Result<Tensor> {
        let mask = self.draw(xs.shape(), rng, xs.device())?;
        let mask = mask.map(|m| m.to_dtype(xs.dtype())).transpose()?;
        Self::apply(xs, mask.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_repeat_with_the_seed_and_keep_the_expectation() {
        let shape = Shape::from((200, 50));
        let a = DropoutRng::new(7).mask(&shape, 0.1, &Device::Cpu).unwrap();
        let b = DropoutRng::new(7).mask(&shape, 0.1, &Device::Cpu).unwrap();
        let c = DropoutRng::new(8).mask(&shape, 0.1, &Device::Cpu).unwrap();
        let a: Vec<f32> = a.flatten_all().unwrap().to_vec1().unwrap();
        let b: Vec<f32> = b.flatten_all().unwrap().to_vec1().unwrap();
        let c: Vec<f32> = c.flatten_all().unwrap().to_vec1().unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        let zeros = a.iter().filter(|v| **v == 0.0).count() as f64 / a.len() as f64;
        assert!((zeros - 0.1).abs() < 0.02, "dropped fraction {zeros}");
        let mean = a.iter().map(|v| *v as f64).sum::<f64>() / a.len() as f64;
        assert!((mean - 1.0).abs() < 0.03, "mean {mean}");
    }

    #[test]
    fn no_rng_means_identity() {
        let xs = Tensor::ones((3, 4), candle_core::DType::F32, &Device::Cpu).unwrap();
        let ys = Dropout::new(0.5).forward(&xs, None).unwrap();
        assert_eq!(ys.to_vec2::<f32>().unwrap(), xs.to_vec2::<f32>().unwrap());
    }
}
