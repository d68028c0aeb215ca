//! Shared fixtures: a tiny WordPiece tokenizer and a tiny BERT with random weights, built inside
//! the tests so that no test needs a download.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use stance::model::{
    BertConfig, DropoutRng, EncoderInput, PairInput, SequenceClassifier, StanceModel,
};

/// Words of the tiny vocabulary (after the five special tokens).
const WORDS: &[&str] = &[
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "on",
    "said",
    "would",
    "not",
    "recognise",
    "vote",
    "referendum",
    "independence",
    "kurdish",
    "turkey",
    "iran",
    "iraq",
    "erdogan",
    "rouhani",
    "ankara",
    "tehran",
    "government",
    "president",
    "opposed",
    "backed",
    "support",
    "against",
    "trade",
    "deal",
    "climate",
    "tax",
    "court",
    "ruling",
    "minister",
    "he",
    "she",
    "they",
    ".",
    ",",
    "\"",
    "'",
    "##s",
    "##ed",
    "##ing",
    "is",
    "was",
    "will",
    "reject",
    "welcome",
];

/// Number of ids the tiny tokenizer uses.
pub fn vocab_size() -> usize {
    5 + WORDS.len()
}

/// tokenizer.json of a BERT-style WordPiece tokenizer over [`WORDS`].
pub fn tokenizer_json() -> String {
    let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
    let mut vocab = serde_json::Map::new();
    for (id, token) in specials.iter().chain(WORDS).enumerate() {
        vocab.insert(token.to_string(), serde_json::json!(id));
    }
    let added: Vec<serde_json::Value> = specials
        .iter()
        .enumerate()
        .map(|(id, token)| {
            serde_json::json!({"id": id, "special": true, "content": token, "single_word": false,
                "lstrip": false, "rstrip": false, "normalized": false})
        })
        .collect();
    let special = |token: &str, type_id: u32| serde_json::json!({"SpecialToken": {"id": token, "type_id": type_id}});
    let sequence =
        |id: &str, type_id: u32| serde_json::json!({"Sequence": {"id": id, "type_id": type_id}});
    serde_json::json!({
        "version": "1.0",
        // Baked-in truncation and padding, as in all-MiniLM-L6-v2: stance must override both.
        "truncation": {"max_length": 16, "strategy": "LongestFirst", "stride": 0},
        "padding": {"strategy": {"Fixed": 16}, "direction": "Right", "pad_to_multiple_of": null,
                    "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"},
        "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                       "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0)],
            "pair": [special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0),
                     sequence("B", 1), special("[SEP]", 1)],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}
            }
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab}
    })
    .to_string()
}

/// The tiny encoder configuration (2 layers, hidden 32, 4 heads).
pub fn tiny_config() -> BertConfig {
    BertConfig::tiny(vocab_size())
}

/// Random weights for every parameter of a classifier over `num_labels` labels, under the
/// checkpoint names. Spread wider than a fresh init so that activations (and errors) are visible;
/// LayerNorm weights and biases are random too so that their use is checked.
pub fn random_weights(cfg: &BertConfig, num_labels: usize, seed: u64) -> HashMap<String, Tensor> {
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    SequenceClassifier::load(vb, cfg, num_labels).expect("tiny classifier builds");
    let mut rng = StdRng::seed_from_u64(seed);
    let normal = Normal::new(0.0f32, 0.2).unwrap();
    let vars = varmap.data().lock().unwrap();
    let mut names: Vec<&String> = vars.keys().collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let dims = vars[name].dims().to_vec();
            let count: usize = dims.iter().product();
            let offset = if name.contains("LayerNorm.weight") {
                1.0
            } else {
                0.0
            };
            let values: Vec<f32> = (0..count)
                .map(|_| offset + normal.sample(&mut rng))
                .collect();
            (
                name.clone(),
                Tensor::from_vec(values, dims, &Device::Cpu).unwrap(),
            )
        })
        .collect()
}

/// Writes a tiny model folder to `dir`: config.json, tokenizer.json and random weights. With
/// `base_layout`, tensors are named as a sentence-transformers base encoder (no `bert.` prefix,
/// no head); otherwise as a fine-tuned classifier with a `stance` section.
pub fn write_tiny_folder(dir: &Path, seed: u64, base_layout: bool) -> BertConfig {
    std::fs::create_dir_all(dir).unwrap();
    let mut config = tiny_config();
    let labels: Vec<String> = ["FAVOR", "AGAINST", "NONE"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if !base_layout {
        config.make_classifier(
            &labels,
            stance::model::StanceSettings {
                max_length: 24,
                ..Default::default()
            },
        );
    }
    let mut tensors = random_weights(&config, labels.len(), seed);
    if base_layout {
        tensors = tensors
            .into_iter()
            .filter(|(name, _)| name.starts_with("bert."))
            .map(|(name, t)| (name.trim_start_matches("bert.").to_string(), t))
            .collect();
        let ids =
            Tensor::arange(0i64, config.max_position_embeddings as i64, &Device::Cpu).unwrap();
        tensors.insert(
            "embeddings.position_ids".to_string(),
            ids.unsqueeze(0).unwrap(),
        );
    }
    candle_core::safetensors::save(&tensors, dir.join("model.safetensors")).unwrap();
    std::fs::write(dir.join("config.json"), config.to_json_string()).unwrap();
    std::fs::write(dir.join("tokenizer.json"), tokenizer_json()).unwrap();
    config
}

/// Largest absolute element of `t`.
pub fn max_abs(t: &Tensor) -> f32 {
    t.abs()
        .unwrap()
        .max_all()
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
}

/// `model`'s batch of (`topic`, context) pairs without actors, one per text.
pub fn encode_contexts(model: &StanceModel, topic: &str, texts: &[&str]) -> EncoderInput {
    let encoded: Vec<_> = texts
        .iter()
        .map(|context| {
            model
                .inputs()
                .encode(&PairInput {
                    topic,
                    actor: None,
                    context,
                })
                .unwrap()
        })
        .collect();
    let rows: Vec<_> = encoded.iter().collect();
    model.inputs().batch(&rows, &Device::Cpu).unwrap()
}

/// Asserts that the training pass (the encoder's hand-written backward) gives the logits and,
/// for every trained parameter, the gradients of candle's autograd through `logits`, with
/// dropout seeded by `seed` on both sides; `what` names the case in failures.
pub fn assert_training_pass_matches_autograd(
    model: &StanceModel,
    input: &EncoderInput,
    targets: &Tensor,
    seed: u64,
    what: &str,
) {
    let logits = model
        .logits(input, Some(&mut DropoutRng::new(seed)))
        .unwrap();
    let expected = candle_nn::loss::cross_entropy(&logits, targets)
        .unwrap()
        .backward()
        .unwrap();
    let pass = model
        .training_forward(input, &mut DropoutRng::new(seed))
        .unwrap();
    let diff = max_abs_diff(pass.logits(), &logits);
    assert!(diff < 1e-5, "{what}: logits differ by {diff}");
    let loss = candle_nn::loss::cross_entropy(pass.logits(), targets).unwrap();
    let got = pass.backward(&loss).unwrap();
    for (name, var) in model.trainable() {
        let (Some(a), Some(b)) = (got.get(var), expected.get(var)) else {
            panic!("{what}: {name} has no gradient");
        };
        // Relative to the larger gradient, with a 1e-3 floor: the key bias's gradient is zero
        // in exact arithmetic (softmax ignores a shift shared by a row's scores), so both sides
        // hold rounding noise of order 1e-8 there.
        let diff = max_abs_diff(a, b) / max_abs(b).max(1e-3);
        assert!(
            diff < 1e-4,
            "{what}: gradient of {name} differs by {diff} (relative)"
        );
    }
}

/// Largest absolute difference between two tensors of the same shape.
pub fn max_abs_diff(a: &Tensor, b: &Tensor) -> f32 {
    (a - b)
        .unwrap()
        .abs()
        .unwrap()
        .flatten_all()
        .unwrap()
        .max(0)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
}

/// Runs the `stance` binary with `args`.
pub fn run_stance(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(args)
        .output()
        .expect("stance runs")
}

/// Checks that a run failed cleanly: non-zero exit, no panic, one line on stderr; returns it.
pub fn assert_clean_failure(output: &std::process::Output) -> String {
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "expected failure: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    err
}
