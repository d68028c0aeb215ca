//! Reading weight files (safetensors or PyTorch pickles) under the tensor names of transformers'
//! `BertForSequenceClassification`, and writing them back.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Tensor};

use crate::error::{Error, Result};

/// Tensor map keyed by canonical names (`bert.…`, `classifier.…`).
pub type Tensors = HashMap<String, Tensor>;

/// The tensor every BERT checkpoint has; its absence means the file is not a BERT model.
const WORD_EMBEDDINGS: &str = "bert.embeddings.word_embeddings.weight";

/// Reads `path` (`.safetensors`, or a PyTorch `.bin`/`.pt` pickle) into canonical names, as f32.
pub fn read_weights(path: &Path) -> Result<Tensors> {
    let invalid = |message: String| Error::InvalidWeights {
        path: path.to_path_buf(),
        message,
    };
    let is_safetensors = path.extension().is_some_and(|ext| ext == "safetensors");
    let raw: Vec<(String, Tensor)> = if is_safetensors {
        super::safetensors_stream::read(path)
            .map_err(|e| invalid(format!("cannot read safetensors: {e}")))?
    } else {
        candle_core::pickle::read_all(path)
            .map_err(|e| invalid(format!("cannot read PyTorch weights: {e}")))?
    };
    canonicalise(raw).map_err(invalid)
}

/// Maps checkpoint names onto the names `stance` uses, and keeps only the tensors it uses.
///
/// Base encoders are saved without the `bert.` prefix (sentence-transformers does this); old
/// TensorFlow conversions call LayerNorm parameters `gamma`/`beta`; `position_ids` is a buffer,
/// not a weight; masked-LM heads (`cls.*`) are of no use to a classifier.
fn canonicalise(raw: Vec<(String, Tensor)>) -> std::result::Result<Tensors, String> {
    let mut tensors = Tensors::new();
    for (name, tensor) in raw {
        if name.ends_with("position_ids") {
            continue;
        }
        let name = if name.contains("LayerNorm.") {
            name.replace("LayerNorm.gamma", "LayerNorm.weight")
                .replace("LayerNorm.beta", "LayerNorm.bias")
        } else {
            name
        };
        let name = if ["embeddings.", "encoder.", "pooler."]
            .iter()
            .any(|prefix| name.starts_with(prefix))
        {
            format!("bert.{name}")
        } else {
            name
        };
        if !(name.starts_with("bert.") || name.starts_with("classifier.")) {
            continue;
        }
        let tensor = tensor
            .to_dtype(DType::F32)
            .map_err(|e| format!("tensor {name}: {e}"))?;
        tensors.insert(name, tensor);
    }
    if !tensors.contains_key(WORD_EMBEDDINGS) {
        return Err(format!(
            "no BERT weights found (expected `{WORD_EMBEDDINGS}` or `embeddings.word_embeddings.weight`)"
        ));
    }
    Ok(tensors)
}

/// Writes `tensors` as safetensors to `path`, through a temporary file so that a crash never
/// leaves a truncated weights file behind.
pub fn write_weights(path: &Path, tensors: &Tensors) -> Result<()> {
    let tmp = path.with_extension("safetensors.partial");
    candle_core::safetensors::save(tensors, &tmp)?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    fn t() -> Tensor {
        Tensor::zeros(2, DType::F32, &Device::Cpu).unwrap()
    }

    #[test]
    fn base_names_gain_the_bert_prefix_and_buffers_are_dropped() {
        let raw = vec![
            ("embeddings.word_embeddings.weight".to_string(), t()),
            ("embeddings.position_ids".to_string(), t()),
            ("encoder.layer.0.output.LayerNorm.gamma".to_string(), t()),
            ("pooler.dense.bias".to_string(), t()),
            ("cls.predictions.bias".to_string(), t()),
            ("classifier.weight".to_string(), t()),
        ];
        let tensors = canonicalise(raw).unwrap();
        let mut names: Vec<&str> = tensors.keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "bert.embeddings.word_embeddings.weight",
                "bert.encoder.layer.0.output.LayerNorm.weight",
                "bert.pooler.dense.bias",
                "classifier.weight",
            ]
        );
    }

    #[test]
    fn a_file_without_bert_weights_is_rejected() {
        let err = canonicalise(vec![("model.layers.0.weight".to_string(), t())]).unwrap_err();
        assert!(err.contains("no BERT weights"), "{err}");
    }
}
