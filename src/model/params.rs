//! Where a model's parameters come from when it is built for training: the checkpoint, or a
//! seeded initialiser for what the checkpoint lacks; as trainable variables or frozen tensors.

use std::sync::{Arc, Mutex};

use candle_core::{DType, Device, Shape, Tensor, Var};
use candle_nn::var_builder::SimpleBackend;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

use super::checkpoint::Tensors;
use crate::error::{Error, Result};

/// Which parameters a training run updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TrainScope {
    /// Every parameter (full fine-tuning).
    #[default]
    All,
    /// Only the head: the pooler and the classifier.
    Head,
    /// The head and the top `n` encoder layers.
    TopLayers(usize),
}

impl TrainScope {
    /// Whether the parameter `name` is trained, in an encoder of `num_layers` layers.
    pub fn includes(&self, name: &str, num_layers: usize) -> bool {
        let is_head = name.starts_with("classifier.") || name.starts_with("bert.pooler.");
        match self {
            TrainScope::All => true,
            TrainScope::Head => is_head,
            TrainScope::TopLayers(n) => {
                is_head || layer_index(name).is_some_and(|layer| layer + n >= num_layers)
            }
        }
    }
}

/// The N of `bert.encoder.layer.N.…`.
fn layer_index(name: &str) -> Option<usize> {
    name.strip_prefix("bert.encoder.layer.")?
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// What a model build took from a [`TrainingBackend`].
#[derive(Debug, Default)]
pub struct Collected {
    /// Trainable parameters, in the order the model asked for them.
    pub trainable: Vec<(String, Var)>,
    /// Frozen parameters.
    pub frozen: Tensors,
    /// Names of the parameters the checkpoint lacked, freshly initialised.
    pub fresh: Vec<String>,
    /// The first shape mismatch between checkpoint and model, if any.
    pub mismatch: Option<String>,
}

/// A candle `VarBuilder` backend that serves checkpoint tensors, initialises missing ones from a
/// seeded generator, and hands out variables only for the parameters in scope, so that frozen
/// parts of the network record no gradient graph at all.
pub struct TrainingBackend {
    checkpoint: Tensors,
    scope: TrainScope,
    num_layers: usize,
    initializer_range: f64,
    state: Mutex<(StdRng, Collected)>,
}

impl TrainingBackend {
    /// A backend over `checkpoint` for a model of `num_layers` layers.
    pub fn new(
        checkpoint: Tensors,
        scope: TrainScope,
        num_layers: usize,
        initializer_range: f64,
        rng: StdRng,
    ) -> Self {
        TrainingBackend {
            checkpoint,
            scope,
            num_layers,
            initializer_range,
            state: Mutex::new((rng, Collected::default())),
        }
    }

    /// What the model build asked for.
    pub fn into_collected(self) -> Collected {
        match self.state.into_inner() {
            Ok((_, collected)) => collected,
            Err(poisoned) => poisoned.into_inner().1,
        }
    }
}

impl SimpleBackend for TrainingBackend {
    fn get(
        &self,
        shape: Shape,
        name: &str,
        _: candle_nn::Init,
        dtype: DType,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        let mut guard = self
            .state
            .lock()
            .map_err(|_| candle_core::Error::Msg("parameter store poisoned".to_string()))?;
        let (rng, collected) = &mut *guard;
        let value = match self.checkpoint.get(name) {
            Some(tensor) if tensor.shape() == &shape => {
                tensor.to_dtype(dtype)?.to_device(device)?
            }
            Some(tensor) => {
                let message = format!(
                    "tensor {name} has shape {:?}, config.json implies {:?}",
                    tensor.dims(),
                    shape.dims()
                );
                collected.mismatch.get_or_insert(message.clone());
                candle_core::bail!("{message}")
            }
            None => {
                collected.fresh.push(name.to_string());
                fresh_parameter(name, &shape, self.initializer_range, rng)?
                    .to_dtype(dtype)?
                    .to_device(device)?
            }
        };
        if self.scope.includes(name, self.num_layers) {
            let var = Var::from_tensor(&value)?;
            let tensor = var.as_tensor().clone();
            collected.trainable.push((name.to_string(), var));
            Ok(tensor)
        } else {
            collected.frozen.insert(name.to_string(), value.clone());
            Ok(value)
        }
    }

    fn get_unchecked(
        &self,
        name: &str,
        dtype: DType,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        match self.checkpoint.get(name) {
            Some(tensor) => tensor.to_dtype(dtype)?.to_device(device),
            None => candle_core::bail!("cannot find tensor {name}"),
        }
    }

    fn contains_tensor(&self, name: &str) -> bool {
        self.checkpoint.contains_key(name)
    }
}

/// A new parameter as transformers initialises it: biases 0, LayerNorm weights 1, other weights
/// normal with standard deviation `initializer_range`.
pub fn fresh_parameter(
    name: &str,
    shape: &Shape,
    initializer_range: f64,
    rng: &mut StdRng,
) -> candle_core::Result<Tensor> {
    let count = shape.elem_count();
    let values: Vec<f32> = if name.ends_with(".bias") {
        vec![0.0; count]
    } else if name.contains("LayerNorm") {
        vec![1.0; count]
    } else {
        let normal = Normal::new(0.0f32, initializer_range as f32)
            .map_err(|e| candle_core::Error::Msg(format!("initializer_range: {e}")))?;
        (0..count).map(|_| normal.sample(rng)).collect()
    };
    Tensor::from_vec(values, shape, &Device::Cpu)
}

/// Where a model's parameters live: plain tensors for inference; variables (and frozen
/// tensors) for training.
pub enum Parameters {
    /// Every parameter as a plain tensor.
    Frozen(Tensors),
    /// Inference only: the linear layers keep only their packed weights and the checkpoint's
    /// tensors are no longer held (there is nothing to save or train).
    PackedOnly,
    /// The trained parameters as variables, the others as tensors.
    Trainable {
        /// Trained, in the order the model asked for them.
        vars: Vec<(String, Var)>,
        /// Not trained.
        frozen: Tensors,
    },
}

impl Parameters {
    /// The trainable variables and their names (empty for an inference model).
    pub fn trainable(&self) -> &[(String, Var)] {
        match self {
            Parameters::Trainable { vars, .. } => vars,
            Parameters::Frozen(_) | Parameters::PackedOnly => &[],
        }
    }

    /// Every parameter under its checkpoint name; an error for [`Parameters::PackedOnly`].
    pub fn tensors(&self) -> Result<Tensors> {
        Ok(match self {
            Parameters::PackedOnly => {
                return Err(Error::InvalidInput(
                    "this model was packed for inference and its f32 weights freed: load it \
                     again to save or train it"
                        .to_string(),
                ))
            }
            Parameters::Frozen(tensors) => tensors.clone(),
            Parameters::Trainable { vars, frozen } => {
                let mut tensors = frozen.clone();
                for (name, var) in vars {
                    // A detached copy: saving must not hold on to the training graph.
                    tensors.insert(name.clone(), var.as_tensor().detach());
                }
                tensors
            }
        })
    }
}

/// Builds a network with `build` over `backend` and returns it with the parameters it asked
/// for, or the first problem: a shape that differs from the checkpoint's, or the build's own
/// error.
pub fn build_for_training<T>(
    backend: TrainingBackend,
    build: impl FnOnce(candle_nn::VarBuilder) -> candle_core::Result<T>,
) -> std::result::Result<(T, Collected), String> {
    let backend = Arc::new(backend);
    let vb = candle_nn::VarBuilder::from_backend(
        Box::new(SharedBackend(backend.clone())),
        DType::F32,
        Device::Cpu,
    );
    let built = build(vb);
    let backend =
        Arc::try_unwrap(backend).map_err(|_| "parameter store still shared".to_string())?;
    let mut collected = backend.into_collected();
    match (built, collected.mismatch.take()) {
        (Ok(network), None) => Ok((network, collected)),
        (_, Some(mismatch)) => Err(mismatch),
        (Err(e), None) => Err(e.to_string()),
    }
}

/// Lets the model build borrow the backend while the caller keeps it, to read what was built.
struct SharedBackend(Arc<TrainingBackend>);

impl SimpleBackend for SharedBackend {
    fn get(
        &self,
        shape: candle_core::Shape,
        name: &str,
        init: candle_nn::Init,
        dtype: DType,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        self.0.get(shape, name, init, dtype, device)
    }

    fn get_unchecked(
        &self,
        name: &str,
        dtype: DType,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        self.0.get_unchecked(name, dtype, device)
    }

    fn contains_tensor(&self, name: &str) -> bool {
        self.0.contains_tensor(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_select_the_expected_parameters() {
        let names = [
            "bert.embeddings.word_embeddings.weight",
            "bert.encoder.layer.0.output.dense.weight",
            "bert.encoder.layer.4.output.dense.weight",
            "bert.encoder.layer.5.attention.self.query.bias",
            "bert.pooler.dense.weight",
            "classifier.weight",
        ];
        let picked = |scope: TrainScope| -> Vec<bool> {
            names.iter().map(|n| scope.includes(n, 6)).collect()
        };
        assert_eq!(picked(TrainScope::All), [true; 6]);
        assert_eq!(
            picked(TrainScope::Head),
            [false, false, false, false, true, true]
        );
        assert_eq!(
            picked(TrainScope::TopLayers(2)),
            [false, false, true, true, true, true]
        );
    }
}
