//! The one real-model test: all-MiniLM-L6-v2 against outputs PyTorch/transformers computed on the
//! same weights (../shared/examples/minilm-reference.json), through both the fused inference path
//! and the differentiable training path, in one padded batch.
//!
//! Needs `scripts/fetch-model.sh` (the README's test command runs it). Set
//! STANCE_SKIP_REAL_MODEL=1 to skip it on a machine without the weights.

use std::path::PathBuf;

use candle_core::{DType, Device, IndexOp, Tensor};
use candle_nn::VarBuilder;
use serde::Deserialize;
use stance::model::checkpoint::read_weights;
use stance::model::folder::ModelFiles;
use stance::model::{BertEncoder, ClassifierSpec, PairInput, StanceModel, TrainScope};

#[derive(Deserialize)]
struct Reference {
    items: Vec<Item>,
    cosine_matrix: Vec<Vec<f32>>,
    pair_example: PairExample,
}

#[derive(Deserialize)]
struct Item {
    text: String,
    ids: Vec<u32>,
    cls_hidden_first8: Vec<f32>,
    last_hidden_sum: f32,
    mean_pooled_normed_first8: Vec<f32>,
}

#[derive(Deserialize)]
struct PairExample {
    ids: Vec<u32>,
    type_ids: Vec<u32>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn model_dir() -> Option<PathBuf> {
    let dir = root().join("models/all-MiniLM-L6-v2");
    if dir.join("model.safetensors").is_file() {
        return Some(dir);
    }
    if std::env::var_os("STANCE_SKIP_REAL_MODEL").is_some() {
        eprintln!(
            "skipping: {} is absent and STANCE_SKIP_REAL_MODEL is set",
            dir.display()
        );
        return None;
    }
    panic!(
        "{} is missing: run scripts/fetch-model.sh (or set STANCE_SKIP_REAL_MODEL=1)",
        dir.display()
    );
}

fn reference() -> Reference {
    let path = root().join("../shared/examples/minilm-reference.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (../shared must sit beside the project)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

fn assert_close(what: &str, ours: &[f32], theirs: &[f32], tolerance: f32) {
    assert_eq!(ours.len(), theirs.len(), "{what}: lengths");
    for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
        assert!(
            (a - b).abs() <= tolerance,
            "{what}[{i}]: stance {a} vs PyTorch {b}"
        );
    }
}

#[test]
fn minilm_matches_the_pytorch_reference() {
    let Some(dir) = model_dir() else { return };
    let reference = reference();
    let files = ModelFiles::locate(&dir).unwrap();
    let config = files.read_config().unwrap();

    // Tokenizer: single sentences, and a (topic, context) pair framed by stance.
    let (trainable, _) =
        StanceModel::for_training(&dir, &ClassifierSpec::default(), TrainScope::All, 0).unwrap();
    let tokenizer = trainable.inputs().tokenizer();
    for item in &reference.items {
        let encoding = tokenizer.encode(item.text.as_str(), true).unwrap();
        assert_eq!(encoding.get_ids(), item.ids, "ids of {:?}", item.text);
    }
    let pair = trainable
        .inputs()
        .encode(&PairInput {
            topic: "climate policy",
            actor: None,
            context: "I strongly oppose the new climate policy!",
        })
        .unwrap();
    assert_eq!(pair.input_ids, reference.pair_example.ids);
    assert_eq!(pair.token_type_ids, reference.pair_example.type_ids);

    // Encoder: one padded batch, through the fused path and through the trainable variables.
    let vb = VarBuilder::from_tensors(
        read_weights(&files.weights).unwrap(),
        DType::F32,
        &Device::Cpu,
    );
    let fused = BertEncoder::load(vb.pp("bert"), &config).unwrap();
    let encoded: Vec<_> = reference
        .items
        .iter()
        .map(|item| stance::model::EncodedPair {
            input_ids: item.ids.clone(),
            token_type_ids: vec![0; item.ids.len()],
            truncated: false,
        })
        .collect();
    let rows: Vec<_> = encoded.iter().collect();
    let batch = trainable.inputs().batch(&rows, &Device::Cpu).unwrap();
    let encoders = [
        ("fused", &fused),
        ("differentiable", trainable.classifier().encoder()),
    ];
    for (path, encoder) in encoders {
        let hidden = encoder.forward(&batch, None).unwrap();
        let mut pooled = Vec::new();
        for (row, item) in reference.items.iter().enumerate() {
            let tokens = hidden.i((row, 0..item.ids.len())).unwrap();
            let cls: Vec<f32> = tokens.i((0, 0..8)).unwrap().to_vec1().unwrap();
            assert_close(
                &format!("{path} cls of {:?}", item.text),
                &cls,
                &item.cls_hidden_first8,
                2e-4,
            );
            let sum = tokens.sum_all().unwrap().to_scalar::<f32>().unwrap();
            assert!(
                (sum - item.last_hidden_sum).abs() < 5e-3,
                "{path} hidden sum of {:?}: {sum} vs {}",
                item.text,
                item.last_hidden_sum
            );
            let mean = tokens.mean(0).unwrap();
            let norm = mean.sqr().unwrap().sum_all().unwrap().sqrt().unwrap();
            let normed = mean.broadcast_div(&norm).unwrap();
            let first8: Vec<f32> = normed.i(0..8).unwrap().to_vec1().unwrap();
            assert_close(
                &format!("{path} mean of {:?}", item.text),
                &first8,
                &item.mean_pooled_normed_first8,
                1e-4,
            );
            pooled.push(normed);
        }
        let pooled = Tensor::stack(&pooled, 0).unwrap();
        let cosine: Vec<Vec<f32>> = pooled
            .matmul(&pooled.t().unwrap())
            .unwrap()
            .to_vec2()
            .unwrap();
        for (ours, theirs) in cosine.iter().zip(&reference.cosine_matrix) {
            assert_close(&format!("{path} cosine"), ours, theirs, 1e-4);
        }
    }
}
