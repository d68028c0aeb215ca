//! The position-wise feed-forward block (`intermediate.*`, `output.*`).

use candle_core::{CpuStorage, CustomOp1, CustomOp2, DType, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

use super::cpu_buffers::contiguous_f32;
use super::kernels::{KernelSwitch, Kernels};
use candle_nn::VarBuilder;

use super::config::{BertConfig, HiddenAct};
use super::dense::Dense;
use super::dropout::DropoutRng;
use super::residual_norm::{ResidualNorm, ResidualNormTape};
use super::tape::{
    linear_forward, linear_input_grad, linear_param_grads, linear_params, Gradients,
};

/// `LayerNorm(dropout(W2 · act(W1 · x)) + x)`.
#[derive(Debug, Clone)]
pub struct FeedForward {
    intermediate: Dense,
    output: Dense,
    activation: HiddenAct,
    residual_norm: ResidualNorm,
    kernels: KernelSwitch,
}

impl FeedForward {
    /// Chooses the kernels of both projections, the GELU and the LayerNorm.
    pub fn set_kernels(&self, kernels: Kernels) {
        self.intermediate.set_kernels(kernels);
        self.output.set_kernels(kernels);
        self.residual_norm.set_kernels(kernels);
        self.kernels.set(kernels);
    }

    /// Frees the f32 copy of every linear layer packed for the precision set now (see
    /// [`super::dense::Dense::keep_only_packed`]); returns how many were freed.
    pub fn keep_only_packed(&mut self) -> usize {
        usize::from(self.intermediate.keep_only_packed())
            + usize::from(self.output.keep_only_packed())
    }

    /// Loads `intermediate.dense`, `output.dense` and `output.LayerNorm` from `vb` (one layer's
    /// prefix).
    pub fn load(vb: VarBuilder, cfg: &BertConfig) -> Result<Self> {
        Ok(FeedForward {
            intermediate: Dense::load(
                cfg.hidden_size,
                cfg.intermediate_size,
                vb.pp("intermediate").pp("dense"),
            )?,
            output: Dense::load(
                cfg.intermediate_size,
                cfg.hidden_size,
                vb.pp("output").pp("dense"),
            )?,
            activation: cfg.hidden_act,
            residual_norm: ResidualNorm::load(vb.pp("output"), cfg)?,
            kernels: KernelSwitch::default(),
        })
    }

    /// Applies the block to `(batch, seq, hidden)`, or to `(rows, hidden)` token rows.
    pub fn forward(&self, hidden: &Tensor, rng: Option<&mut DropoutRng>) -> Result<Tensor> {
        let (sequences, per_chunk) = match chunking(hidden) {
            Some(plan) if rng.is_none() && !hidden.track_op() => plan,
            _ => return self.forward_whole(hidden, rng),
        };
        // At inference the intermediate activations (four times the hidden width) of a whole
        // batch were the largest buffer of `stance predict`; a few sequences at a time keep
        // them small, and each sequence's rows are independent here.
        let chunks = (0..sequences)
            .step_by(per_chunk)
            .map(|start| {
                let rows = hidden.narrow(0, start, per_chunk.min(sequences - start))?;
                self.forward_whole(&rows, None)
            })
            .collect::<Result<Vec<_>>>()?;
        Tensor::cat(&chunks, 0)
    }

    fn forward_whole(&self, hidden: &Tensor, rng: Option<&mut DropoutRng>) -> Result<Tensor> {
        let activated = self.activated(hidden)?;
        self.residual_norm
            .forward(&self.output.forward(&activated)?, hidden, rng)
    }

    /// `act(W1 · x)`; the GELU runs inside the packed (bf16, int8) kernel when that applies.
    fn activated(&self, hidden: &Tensor) -> Result<Tensor> {
        if self.activation == HiddenAct::Gelu {
            if let Some(activated) = self.intermediate.forward_packed_gelu(hidden)? {
                return Ok(activated);
            }
        }
        let inner = self.intermediate.forward(hidden)?;
        match self.activation {
            HiddenAct::Gelu if self.kernels.get().fused && inner.dtype() == DType::F32 => {
                if inner.track_op() {
                    inner.apply_op1(FastGelu)
                } else {
                    inner.apply_op1_no_bwd(&FastGelu)
                }
            }
            HiddenAct::Gelu => inner.gelu_erf(),
            HiddenAct::GeluNew => inner.gelu(),
            HiddenAct::Relu => inner.relu(),
        }
    }
}

/// Token rows per inference chunk of the feed-forward block: enough to keep the kernels'
/// panels busy (and both cores), few enough that the intermediate activations stay a few MB.
const CHUNK_ROWS: usize = 1024;

/// `(sequences, sequences per chunk)` of a `(batch, seq, hidden)` input that spans more than
/// one chunk (for `(rows, hidden)`, a row is a sequence); `None` for one that fits in one, or
/// for other shapes.
fn chunking(hidden: &Tensor) -> Option<(usize, usize)> {
    match *hidden.dims() {
        [rows, _] => (CHUNK_ROWS < rows).then_some((rows, CHUNK_ROWS)),
        [sequences, seq, _] => {
            let per_chunk = (CHUNK_ROWS / seq.max(1)).max(1);
            (per_chunk < sequences).then_some((sequences, per_chunk))
        }
        _ => None,
    }
}

/// What [`FeedForward::forward_taped`] keeps for [`FeedForward::backward`]; the activation is
/// recomputed from `inner` rather than kept (a quarter of the layer's tape).
#[derive(Debug)]
pub struct FeedForwardTape {
    input: Tensor,
    inner: Tensor,
    residual_norm: ResidualNormTape,
}

impl FeedForward {
    /// The two projections' and the LayerNorm's weights and biases.
    pub fn params(&self) -> impl Iterator<Item = &Tensor> {
        linear_params(&self.intermediate)
            .chain(linear_params(&self.output))
            .chain(self.residual_norm.params())
    }

    /// Whether [`FeedForward::forward_taped`] has a backward for this block's activation (the
    /// erf GELU of BERT checkpoints; others train on candle's autograd).
    pub fn supports_tape(&self) -> bool {
        self.activation == HiddenAct::Gelu
    }

    /// [`FeedForward::forward`] on f32 rows `(n, hidden)` without a graph, keeping what
    /// [`FeedForward::backward`] reads; draws from `rng` as `forward` does.
    pub fn forward_taped(
        &self,
        rows: &Tensor,
        rng: Option<&mut DropoutRng>,
    ) -> Result<(Tensor, FeedForwardTape)> {
        if !self.supports_tape() {
            candle_core::bail!(
                "feed-forward: no hand-written backward for {:?}",
                self.activation
            );
        }
        let inner = linear_forward(&self.intermediate, rows)?;
        let activated = inner.apply_op1_no_bwd(&FastGelu)?;
        let projected = linear_forward(&self.output, &activated)?;
        let (out, residual_norm) = self.residual_norm.forward_taped(&projected, rows, rng)?;
        let tape = FeedForwardTape {
            input: rows.clone(),
            inner,
            residual_norm,
        };
        Ok((out, tape))
    }

    /// Backward of [`FeedForward::forward_taped`] for the output gradient `grad`: adds the
    /// parameters' gradients to `grads` and returns the input rows' gradient.
    pub fn backward(
        &self,
        tape: &FeedForwardTape,
        grad: &Tensor,
        grads: &mut Gradients,
    ) -> Result<Tensor> {
        let (projected_grad, residual_grad) =
            self.residual_norm
                .backward(&tape.residual_norm, grad, grads)?;
        let activated = tape.inner.apply_op1_no_bwd(&FastGelu)?;
        linear_param_grads(&self.output, &activated, &projected_grad, grads)?;
        let activated_grad = linear_input_grad(&self.output, &projected_grad)?;
        let inner_grad = tape
            .inner
            .apply_op2_no_bwd(&activated_grad, &GeluBackward)?;
        linear_param_grads(&self.intermediate, &tape.input, &inner_grad, grads)?;
        linear_input_grad(&self.intermediate, &inner_grad)? + residual_grad
    }
}

/// GELU (erf form) with [`super::fast_math::gelu_in_place`]: vectorised, over both cores; its
/// backward is one fused pass too.
struct FastGelu;

/// Elements per parallel chunk: enough to amortise scheduling, small enough to split over cores.
const CHUNK: usize = 1 << 14;

impl CustomOp1 for FastGelu {
    fn name(&self) -> &'static str {
        "fast-gelu"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let mut out = contiguous_f32(storage, layout, "gelu")?.to_vec();
        out.par_chunks_mut(CHUNK)
            .for_each(super::fast_math::gelu_in_place);
        Ok((CpuStorage::F32(out), layout.shape().clone()))
    }

    fn bwd(&self, arg: &Tensor, _res: &Tensor, grad_res: &Tensor) -> Result<Option<Tensor>> {
        let arg = arg.contiguous()?;
        let grad = grad_res.contiguous()?;
        Ok(Some(arg.apply_op2_no_bwd(&grad, &GeluBackward)?))
    }
}

/// `grad · GELU'(x)` for [`FastGelu`]'s backward.
struct GeluBackward;

impl CustomOp2 for GeluBackward {
    fn name(&self) -> &'static str {
        "fast-gelu-backward"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> Result<(CpuStorage, Shape)> {
        let xs = contiguous_f32(s1, l1, "gelu backward")?;
        let mut grads = contiguous_f32(s2, l2, "gelu backward")?.to_vec();
        if xs.len() != grads.len() {
            candle_core::bail!("gelu backward: input and gradient sizes differ");
        }
        grads
            .par_chunks_mut(CHUNK)
            .zip(xs.par_chunks(CHUNK))
            .for_each(|(g, x)| super::fast_math::gelu_backward_in_place(x, g));
        Ok((CpuStorage::F32(grads), l1.shape().clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::kernel_test_support::max_abs_difference;
    use super::*;
    use candle_core::{DType, Device};

    #[test]
    fn inference_in_chunks_equals_the_whole_batch() {
        let cfg = BertConfig::tiny(10);
        let device = Device::Cpu;
        // Loading from a VarMap names the block's weights; inference runs on frozen copies.
        let map = candle_nn::VarMap::new();
        FeedForward::load(VarBuilder::from_varmap(&map, DType::F32, &device), &cfg).unwrap();
        let frozen: std::collections::HashMap<String, Tensor> = map
            .data()
            .lock()
            .unwrap()
            .iter()
            .map(|(name, var)| (name.clone(), var.randn_like(0.0, 0.5).unwrap().detach()))
            .collect();
        let vb = VarBuilder::from_tensors(frozen, DType::F32, &device);
        let block = FeedForward::load(vb, &cfg).unwrap();
        // 2.5 chunks of sequences: two whole chunks and a ragged one.
        let seq = 100;
        let per_chunk = CHUNK_ROWS / seq;
        let batch = per_chunk * 2 + per_chunk / 2;
        let hidden = Tensor::randn(0f32, 1.0, (batch, seq, cfg.hidden_size), &device).unwrap();
        let chunked = block.forward(&hidden, None).unwrap();
        let whole = block.forward_whole(&hidden, None).unwrap();
        assert_eq!(chunked.dims(), whole.dims());
        let worst = max_abs_difference(&chunked, &whole);
        assert!(worst < 1e-5, "{worst}");
    }
}
