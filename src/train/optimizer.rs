//! AdamW (Loshchilov & Hutter) with decoupled weight decay, and a state that can be saved and
//! restored so that a resumed run continues exactly where it stopped.

use std::collections::HashMap;

use candle_core::{Tensor, Var};
use rayon::prelude::*;

/// Elements per parallel chunk of the update.
const CHUNK: usize = 1 << 15;

use crate::error::Result;

/// AdamW hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamWConfig {
    /// Exponential decay of the first moment.
    pub beta1: f64,
    /// Exponential decay of the second moment.
    pub beta2: f64,
    /// Added to the denominator for numerical stability.
    pub eps: f64,
    /// Decoupled weight decay (applied as `θ -= lr · wd · θ`).
    pub weight_decay: f64,
}

impl Default for AdamWConfig {
    fn default() -> Self {
        AdamWConfig {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.01,
        }
    }
}

/// Whether a parameter is decayed: biases and LayerNorm parameters are not, as is usual for
/// BERT fine-tuning.
pub fn decays(name: &str) -> bool {
    !(name.ends_with(".bias") || name.contains("LayerNorm."))
}

/// The optimizer over a fixed list of named variables.
pub struct AdamW {
    config: AdamWConfig,
    step: u64,
    moments: Vec<Option<(Tensor, Tensor)>>,
}

impl AdamW {
    /// A fresh optimizer for `count` variables.
    pub fn new(config: AdamWConfig, count: usize) -> Self {
        AdamW {
            config,
            step: 0,
            moments: vec![None; count],
        }
    }

    /// Updates taken so far.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// One update of `vars` with `grads` (same order; `None` leaves a variable unchanged) at
    /// learning rate `lr`.
    pub fn step(
        &mut self,
        vars: &[(String, Var)],
        grads: &[Option<Tensor>],
        lr: f64,
    ) -> Result<()> {
        self.step += 1;
        let AdamWConfig {
            beta1,
            beta2,
            eps,
            weight_decay,
        } = self.config;
        let bias1 = 1.0 - beta1.powi(self.step as i32);
        let bias2 = 1.0 - beta2.powi(self.step as i32);
        for (((name, var), grad), moments) in vars.iter().zip(grads).zip(&mut self.moments) {
            let Some(grad) = grad else { continue };
            let shape = var.shape().clone();
            let flat = |t: &Tensor| t.flatten_all()?.to_vec1::<f32>();
            let g = flat(grad)?;
            let (mut m, mut v) = match moments.take() {
                Some((m, v)) => (flat(&m)?, flat(&v)?),
                None => (vec![0f32; g.len()], vec![0f32; g.len()]),
            };
            let mut theta = flat(var.as_tensor())?;
            let decay = if weight_decay > 0.0 && decays(name) {
                (1.0 - lr * weight_decay) as f32
            } else {
                1.0
            };
            // 1 − β in f64 first: 1 − (β as f32) loses five digits for β = 0.999.
            let (b1, b2, c1, c2) = (beta1 as f32, beta2 as f32, bias1 as f32, bias2 as f32);
            let (rest1, rest2) = ((1.0 - beta1) as f32, (1.0 - beta2) as f32);
            let (eps, lr) = (eps as f32, lr as f32);
            // One pass over each parameter and its moments instead of a dozen tensor ops, each
            // allocating a tensor of the parameter's size.
            theta
                .par_chunks_mut(CHUNK)
                .zip(m.par_chunks_mut(CHUNK))
                .zip(v.par_chunks_mut(CHUNK))
                .zip(g.par_chunks(CHUNK))
                .for_each(|(((theta, m), v), g)| {
                    for i in 0..theta.len() {
                        m[i] = m[i] * b1 + g[i] * rest1;
                        v[i] = v[i] * b2 + g[i] * g[i] * rest2;
                        let update = (m[i] / c1) / ((v[i] / c2).sqrt() + eps);
                        theta[i] = theta[i] * decay - update * lr;
                    }
                });
            let device = grad.device();
            var.set(&Tensor::from_vec(theta, &shape, device)?)?;
            *moments = Some((
                Tensor::from_vec(m, &shape, device)?,
                Tensor::from_vec(v, &shape, device)?,
            ));
        }
        Ok(())
    }

    /// The moments as named tensors (`m.NAME`, `v.NAME`) for a checkpoint.
    pub fn state_tensors(&self, vars: &[(String, Var)]) -> HashMap<String, Tensor> {
        let mut tensors = HashMap::new();
        for ((name, _), moments) in vars.iter().zip(&self.moments) {
            if let Some((m, v)) = moments {
                tensors.insert(format!("m.{name}"), m.clone());
                tensors.insert(format!("v.{name}"), v.clone());
            }
        }
        tensors
    }

    /// Restores moments saved by [`AdamW::state_tensors`] after `step` updates.
    pub fn restore(
        config: AdamWConfig,
        vars: &[(String, Var)],
        step: u64,
        tensors: &HashMap<String, Tensor>,
    ) -> Self {
        let moments = vars
            .iter()
            .map(|(name, _)| {
                match (
                    tensors.get(&format!("m.{name}")),
                    tensors.get(&format!("v.{name}")),
                ) {
                    (Some(m), Some(v)) => Some((m.clone(), v.clone())),
                    _ => None,
                }
            })
            .collect();
        AdamW {
            config,
            step,
            moments,
        }
    }
}

/// Scales `grads` so that their global L2 norm is at most `max_norm` (0 disables clipping);
/// returns the norm before clipping.
pub fn clip_grad_norm(grads: &mut [Option<Tensor>], max_norm: f64) -> Result<f64> {
    let mut sum = 0f64;
    for grad in grads.iter().flatten() {
        sum += grad.sqr()?.sum_all()?.to_scalar::<f32>()? as f64;
    }
    let norm = sum.sqrt();
    if max_norm > 0.0 && norm > max_norm {
        let scale = max_norm / (norm + 1e-6);
        for grad in grads.iter_mut().flatten() {
            *grad = (&*grad * scale)?;
        }
    }
    Ok(norm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn first_steps_match_hand_computed_adamw() {
        // One scalar weight θ=1, gradient 0.5 each step, lr 0.1, wd 0.1.
        // Step 1: m=0.05, v=0.00025, m̂=0.5, v̂=0.25, update=0.5/(0.5+eps)≈1,
        //         θ = 1·(1-0.01) - 0.1·1 = 0.89.
        // Step 2: m=0.095, v=0.00049975, m̂=0.5, v̂=0.25 → θ = 0.89·0.99 - 0.1 = 0.7811.
        let var = Var::new(&[1f32], &Device::Cpu).unwrap();
        let vars = vec![("w.weight".to_string(), var.clone())];
        let config = AdamWConfig {
            weight_decay: 0.1,
            ..Default::default()
        };
        let mut opt = AdamW::new(config, 1);
        let grad = Tensor::new(&[0.5f32], &Device::Cpu).unwrap();
        opt.step(&vars, &[Some(grad.clone())], 0.1).unwrap();
        let after1 = var.as_tensor().to_vec1::<f32>().unwrap()[0];
        assert!((after1 - 0.89).abs() < 1e-6, "{after1}");
        opt.step(&vars, &[Some(grad)], 0.1).unwrap();
        let after2 = var.as_tensor().to_vec1::<f32>().unwrap()[0];
        assert!((after2 - 0.7811).abs() < 1e-6, "{after2}");
    }

    #[test]
    fn biases_are_not_decayed_and_state_round_trips() {
        assert!(!decays("bert.encoder.layer.0.output.LayerNorm.weight"));
        assert!(!decays("classifier.bias"));
        assert!(decays("classifier.weight"));
        let make = || Var::new(&[1f32, -2.0], &Device::Cpu).unwrap();
        let grad = Tensor::new(&[0.3f32, -0.1], &Device::Cpu).unwrap();
        let (a, b) = (make(), make());
        let vars_a = vec![("x.weight".to_string(), a.clone())];
        let vars_b = vec![("x.weight".to_string(), b.clone())];
        let mut opt_a = AdamW::new(AdamWConfig::default(), 1);
        let mut opt_b = AdamW::new(AdamWConfig::default(), 1);
        opt_a.step(&vars_a, &[Some(grad.clone())], 0.01).unwrap();
        opt_b.step(&vars_b, &[Some(grad.clone())], 0.01).unwrap();
        // Continue `b` through a save/restore; both must stay identical.
        let saved = opt_b.state_tensors(&vars_b);
        let mut opt_b = AdamW::restore(AdamWConfig::default(), &vars_b, opt_b.steps(), &saved);
        opt_a.step(&vars_a, &[Some(grad.clone())], 0.01).unwrap();
        opt_b.step(&vars_b, &[Some(grad)], 0.01).unwrap();
        assert_eq!(
            a.as_tensor().to_vec1::<f32>().unwrap(),
            b.as_tensor().to_vec1::<f32>().unwrap()
        );
    }

    #[test]
    fn clipping_scales_to_the_max_norm() {
        let mut grads = vec![
            Some(Tensor::new(&[3f32], &Device::Cpu).unwrap()),
            None,
            Some(Tensor::new(&[4f32], &Device::Cpu).unwrap()),
        ];
        let norm = clip_grad_norm(&mut grads, 1.0).unwrap();
        assert!((norm - 5.0).abs() < 1e-6);
        let clipped: f32 = grads[0].as_ref().unwrap().to_vec1::<f32>().unwrap()[0];
        assert!((clipped - 0.6).abs() < 1e-5);
    }
}
