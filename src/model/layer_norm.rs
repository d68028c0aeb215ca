//! LayerNorm whose training path has a backward pass.
//!
//! candle_nn's `LayerNorm` runs a fused kernel on contiguous input that has no backward, which
//! silently stops gradients at the first LayerNorm (candle issues #2168, #3011). Here the fused
//! kernel only runs when nothing needs a gradient; otherwise the normalisation is spelled out
//! with elementary ops, each of which candle can differentiate; or, faster, run as one kernel
//! with a hand-written backward ([`LayerNormOp`], tested against the elementary ops).

use candle_core::{CpuStorage, CustomOp2, CustomOp3, DType, Layout, Result, Shape, Tensor, D};
use rayon::prelude::*;

use super::cpu_buffers::{contiguous_f32, values};
use super::fast_math::{add_layer_norm, dot, sum};
use super::kernels::{KernelSwitch, Kernels};
use super::tape::Gradients;
use candle_nn::{Init, VarBuilder};

/// Layer normalisation over the last dimension, named as in transformers (`weight`, `bias`).
#[derive(Debug, Clone)]
pub struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
    kernels: KernelSwitch,
}

impl LayerNorm {
    /// Loads `weight` and `bias` of width `size` from `vb`.
    pub fn load(vb: VarBuilder, size: usize, eps: f64) -> Result<Self> {
        let weight = vb.get_with_hints(size, "weight", Init::Const(1.0))?;
        let bias = vb.get_with_hints(size, "bias", Init::Const(0.0))?;
        Ok(LayerNorm {
            weight,
            bias,
            eps,
            kernels: KernelSwitch::default(),
        })
    }

    /// Chooses the kernels: fused, a differentiated LayerNorm runs as one op with its own
    /// backward; otherwise op by op.
    pub fn set_kernels(&self, kernels: Kernels) {
        self.kernels.set(kernels);
    }

    /// Normalises `xs` over its last dimension.
    pub fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        let tracked = xs.track_op() || self.weight.track_op() || self.bias.track_op();
        if !tracked {
            candle_nn::ops::layer_norm(xs, &self.weight, &self.bias, self.eps as f32)
        } else if self.kernels.get().fused && xs.dtype() == DType::F32 {
            let op = LayerNormOp {
                eps: self.eps as f32,
            };
            xs.contiguous()?.apply_op3(&self.weight, &self.bias, op)
        } else {
            self.forward_differentiable(xs)
        }
    }

    /// `LayerNorm(a + b)` for inference, as one pass over the rows: a residual connection and
    /// its normalisation. The sum was a candle op of its own, whose thread pool's barrier cost
    /// about 5 % of `stance predict` (perf). Falls back to the two ops when a gradient may be
    /// needed, the kernels are op by op, or the input is not f32.
    pub fn forward_sum(&self, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        let tracked = [a, b, &self.weight, &self.bias]
            .iter()
            .any(|t| t.track_op());
        if tracked || !self.kernels.get().fused || a.dtype() != DType::F32 || a.shape() != b.shape()
        {
            return self.forward(&(a + b)?);
        }
        let op = AddLayerNormOp {
            weight: values(&self.weight)?,
            bias: values(&self.bias)?,
            eps: self.eps as f32,
        };
        a.contiguous()?.apply_op2_no_bwd(&b.contiguous()?, &op)
    }

    /// The normalisation without recording a graph, for the encoder's hand-written backward
    /// pass ([`super::tape`]); [`LayerNorm::backward`] is its backward.
    pub fn forward_untracked(&self, xs: &Tensor) -> Result<Tensor> {
        candle_nn::ops::layer_norm(
            &xs.detach(),
            &self.weight.detach(),
            &self.bias.detach(),
            self.eps as f32,
        )
    }

    /// Backward of [`LayerNorm::forward_untracked`] at input `xs` for the output gradient
    /// `grad`: adds the weight and bias gradients to `grads` and returns the input's.
    pub fn backward(&self, xs: &Tensor, grad: &Tensor, grads: &mut Gradients) -> Result<Tensor> {
        let (dx, dw, db) = layer_norm_gradients(xs, &self.weight, grad, self.eps as f32)?;
        grads.add(&self.weight, dw)?;
        grads.add(&self.bias, db)?;
        Ok(dx)
    }

    /// The weight and bias.
    pub fn params(&self) -> [&Tensor; 2] {
        [&self.weight, &self.bias]
    }

    /// The normalisation from elementary ops; used whenever a gradient may be needed.
    pub fn forward_differentiable(&self, xs: &Tensor) -> Result<Tensor> {
        let mean = xs.mean_keepdim(D::Minus1)?;
        let centred = xs.broadcast_sub(&mean)?;
        let variance = centred.sqr()?.mean_keepdim(D::Minus1)?;
        let normed = centred.broadcast_div(&(variance + self.eps)?.sqrt()?)?;
        normed
            .broadcast_mul(&self.weight)?
            .broadcast_add(&self.bias)
    }
}

/// LayerNorm over the last dimension as one kernel, with its backward:
/// `x̂ = (x − μ)/σ`, `y = x̂·w + b`; `db = Σ dy`, `dw = Σ dy·x̂`,
/// `dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))/σ` with `ĝ = dy·w`.
#[derive(Debug, Clone, Copy)]
pub struct LayerNormOp {
    /// Added to the variance.
    pub eps: f32,
}

/// Rows per parallel task.
const ROWS_PER_TASK: usize = 64;

/// `x̂` of one row and `1/σ`.
fn normalise(row: &[f32], eps: f32, normed: &mut [f32]) -> f32 {
    let n = row.len() as f32;
    let mean = sum(row) / n;
    for (out, x) in normed.iter_mut().zip(row) {
        *out = x - mean;
    }
    let variance = dot(normed, normed) / n;
    let inv_std = 1.0 / (variance + eps).sqrt();
    for out in normed.iter_mut() {
        *out *= inv_std;
    }
    inv_std
}

impl CustomOp3 for LayerNormOp {
    fn name(&self) -> &'static str {
        "layer-norm"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
        s3: &CpuStorage,
        l3: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (xs, weight, bias) = (
            contiguous_f32(s1, l1, "layer norm")?,
            contiguous_f32(s2, l2, "layer norm")?,
            contiguous_f32(s3, l3, "layer norm")?,
        );
        let width = weight.len();
        if width == 0 || bias.len() != width || l1.shape().dims().last() != Some(&width) {
            candle_core::bail!("layer norm: weight/bias do not match the last dimension");
        }
        let mut out = vec![0f32; xs.len()];
        out.par_chunks_mut(width * ROWS_PER_TASK)
            .zip(xs.par_chunks(width * ROWS_PER_TASK))
            .for_each(|(out, xs)| {
                for (out, row) in out.chunks_exact_mut(width).zip(xs.chunks_exact(width)) {
                    normalise(row, self.eps, out);
                    for ((y, w), b) in out.iter_mut().zip(weight).zip(bias) {
                        *y = *y * w + b;
                    }
                }
            });
        Ok((CpuStorage::F32(out), l1.shape().clone()))
    }

    fn bwd(
        &self,
        xs: &Tensor,
        weight: &Tensor,
        _bias: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> Result<(Option<Tensor>, Option<Tensor>, Option<Tensor>)> {
        let (dx, dw, db) = layer_norm_gradients(xs, weight, grad_res, self.eps)?;
        Ok((Some(dx), Some(dw), Some(db)))
    }
}

/// `LayerNorm(a + b)` at inference (see [`LayerNorm::forward_sum`]), rows in parallel.
struct AddLayerNormOp {
    weight: Vec<f32>,
    bias: Vec<f32>,
    eps: f32,
}

impl CustomOp2 for AddLayerNormOp {
    fn name(&self) -> &'static str {
        "add-layer-norm"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let (a, b) = (
            contiguous_f32(s1, l1, "add layer norm")?,
            contiguous_f32(s2, l2, "add layer norm")?,
        );
        let width = self.weight.len();
        if width == 0
            || self.bias.len() != width
            || a.len() != b.len()
            || l1.shape().dims().last() != Some(&width)
        {
            candle_core::bail!("add layer norm: inputs, weight and bias do not match");
        }
        let mut out = vec![0f32; a.len()];
        out.par_chunks_mut(width * ROWS_PER_TASK)
            .zip(a.par_chunks(width * ROWS_PER_TASK))
            .zip(b.par_chunks(width * ROWS_PER_TASK))
            .for_each(|((out, a), b)| {
                for ((out, a), b) in out
                    .chunks_exact_mut(width)
                    .zip(a.chunks_exact(width))
                    .zip(b.chunks_exact(width))
                {
                    add_layer_norm(a, b, &self.weight, &self.bias, self.eps, out);
                }
            });
        Ok((CpuStorage::F32(out), l1.shape().clone()))
    }
}

/// The gradients of [`LayerNormOp`] at input `xs` with `weight`, for the output gradient `grad`:
/// `(dx, dweight, dbias)`.
fn layer_norm_gradients(
    xs: &Tensor,
    weight: &Tensor,
    grad: &Tensor,
    eps: f32,
) -> Result<(Tensor, Tensor, Tensor)> {
    let width = weight.elem_count();
    let x = values(xs)?;
    let dy = values(grad)?;
    let w = values(weight)?;
    if width == 0 || x.len() != dy.len() || !x.len().is_multiple_of(width) {
        candle_core::bail!("layer norm backward: input, gradient and weight do not fit");
    }
    let mut dx = vec![0f32; x.len()];
    // Each task sums its rows' dw and db; the partial sums are added up after.
    let partials: Vec<(Vec<f32>, Vec<f32>)> = dx
        .par_chunks_mut(width * ROWS_PER_TASK)
        .zip(x.par_chunks(width * ROWS_PER_TASK))
        .zip(dy.par_chunks(width * ROWS_PER_TASK))
        .map(|((dx, x), dy)| {
            let (mut dw, mut db) = (vec![0f32; width], vec![0f32; width]);
            let mut normed = vec![0f32; width];
            let mut scaled = vec![0f32; width];
            for ((dx, x), dy) in dx
                .chunks_exact_mut(width)
                .zip(x.chunks_exact(width))
                .zip(dy.chunks_exact(width))
            {
                let inv_std = normalise(x, eps, &mut normed);
                for j in 0..width {
                    db[j] += dy[j];
                    dw[j] += dy[j] * normed[j];
                    scaled[j] = dy[j] * w[j];
                }
                let n = width as f32;
                let mean_g = sum(&scaled) / n;
                let mean_gx = dot(&scaled, &normed) / n;
                for j in 0..width {
                    dx[j] = (scaled[j] - mean_g - normed[j] * mean_gx) * inv_std;
                }
            }
            (dw, db)
        })
        .collect();
    let (mut dw, mut db) = (vec![0f32; width], vec![0f32; width]);
    for (pw, pb) in partials {
        dw.iter_mut().zip(pw).for_each(|(a, b)| *a += b);
        db.iter_mut().zip(pb).for_each(|(a, b)| *a += b);
    }
    let device = xs.device();
    Ok((
        Tensor::from_vec(dx, xs.shape(), device)?,
        Tensor::from_vec(dw, weight.shape(), device)?,
        Tensor::from_vec(db, weight.shape(), device)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::kernel_test_support::max_abs_difference;
    use super::*;
    use candle_core::{Device, Var};

    /// `sin(a·i + b)` for `i` in `0..n`: smooth, varied test values.
    fn wave(n: usize, a: f64, b: f64) -> Tensor {
        Tensor::arange(0f32, n as f32, &Device::Cpu)
            .unwrap()
            .affine(a, b)
            .unwrap()
            .sin()
            .unwrap()
    }

    #[test]
    fn kernel_values_and_gradients_match_the_elementary_ops() {
        let x = Var::from_tensor(
            &(wave(3 * 7 * 6, 0.7, 0.2) * 3.0)
                .unwrap()
                .reshape((3, 7, 6))
                .unwrap(),
        )
        .unwrap();
        let weight = Var::from_tensor(&(wave(6, 1.3, 0.5) + 1.0).unwrap()).unwrap();
        let bias = Var::from_tensor(&wave(6, 0.9, 2.0)).unwrap();
        let probe = wave(3 * 7 * 6, 0.31, 1.0).reshape((3, 7, 6)).unwrap();
        let norm = LayerNorm {
            weight: weight.as_tensor().clone(),
            bias: bias.as_tensor().clone(),
            eps: 1e-5,
            kernels: KernelSwitch::default(),
        };
        let fused = x
            .as_tensor()
            .apply_op3(
                weight.as_tensor(),
                bias.as_tensor(),
                LayerNormOp { eps: 1e-5 },
            )
            .unwrap();
        let elementary = norm.forward_differentiable(x.as_tensor()).unwrap();
        assert!(max_abs_difference(&fused, &elementary) < 1e-5);
        let loss = |y: &Tensor| (y * &probe).unwrap().sum_all().unwrap();
        let (a, b) = (
            loss(&fused).backward().unwrap(),
            loss(&elementary).backward().unwrap(),
        );
        for (name, var) in [("x", &x), ("weight", &weight), ("bias", &bias)] {
            let d = max_abs_difference(a.get(var).unwrap(), b.get(var).unwrap());
            assert!(d < 1e-4, "gradient of {name} differs by {d}");
        }
    }

    #[test]
    fn the_inference_sum_and_norm_in_one_pass_matches_the_two_ops() {
        let (rows, width) = (2 * 67, 40);
        let a = (wave(rows * width, 0.7, 0.2) * 3.0)
            .unwrap()
            .reshape((2, 67, width))
            .unwrap();
        let b = wave(rows * width, 0.31, 1.0)
            .reshape((2, 67, width))
            .unwrap();
        let norm = LayerNorm {
            weight: (wave(width, 1.3, 0.5) + 1.0).unwrap(),
            bias: wave(width, 0.9, 2.0),
            eps: 1e-12,
            kernels: KernelSwitch::default(),
        };
        let one_pass = norm.forward_sum(&a, &b).unwrap();
        let two_ops = norm.forward_differentiable(&(&a + &b).unwrap()).unwrap();
        assert_eq!(one_pass.dims(), two_ops.dims());
        let d = max_abs_difference(&one_pass, &two_ops);
        assert!(
            d > 0.0 || rows * width < 16,
            "the one-pass kernel did not run"
        );
        assert!(d < 1e-5, "differs by {d}");
    }
}
