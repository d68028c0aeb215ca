//! Model folders: creating a classifier from a base encoder, saving, reloading, and the errors a
//! broken folder gives.

mod common;

use std::path::Path;

use candle_core::Device;
use common::{max_abs_diff, write_tiny_folder};
use stance::model::{ClassifierSpec, EncoderInput, PairInput, StanceModel, TrainScope};

fn sample_input(model: &StanceModel) -> EncoderInput {
    let pairs = [
        PairInput {
            topic: "the referendum",
            actor: Some("Iran"),
            context: "Tehran would not recognise the vote, Rouhani said.",
        },
        PairInput {
            topic: "the climate tax",
            actor: None,
            context: "The court ruling backed the tax.",
        },
    ];
    let encoded: Vec<_> = pairs
        .iter()
        .map(|p| model.inputs().encode(p).unwrap())
        .collect();
    let rows: Vec<_> = encoded.iter().collect();
    model.inputs().batch(&rows, &Device::Cpu).unwrap()
}

fn logits(model: &StanceModel) -> Vec<Vec<f32>> {
    model
        .logits(&sample_input(model), None)
        .unwrap()
        .to_vec2()
        .unwrap()
}

#[test]
fn a_saved_folder_reloads_with_bit_identical_logits() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    write_tiny_folder(&base, 1, true);
    let (trainable, fresh) =
        StanceModel::for_training(&base, &ClassifierSpec::default(), TrainScope::All, 3).unwrap();
    assert_eq!(fresh, ["classifier.weight", "classifier.bias"]);

    let first = tmp.path().join("first");
    trainable.save(&first).unwrap();
    let loaded = StanceModel::from_dir(&first).unwrap();
    let reference = logits(&loaded);

    // Saving a loaded model, or reloading the saved one for training, changes no bit.
    let second = tmp.path().join("second");
    loaded.save(&second).unwrap();
    assert_eq!(logits(&StanceModel::from_dir(&second).unwrap()), reference);
    let (retrained, fresh) =
        StanceModel::for_training(&first, &ClassifierSpec::default(), TrainScope::All, 99).unwrap();
    assert!(fresh.is_empty(), "{fresh:?}");
    let third = tmp.path().join("third");
    retrained.save(&third).unwrap();
    assert_eq!(logits(&StanceModel::from_dir(&third).unwrap()), reference);
}

#[test]
fn saved_folders_use_the_transformers_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    write_tiny_folder(&base, 1, true);
    let (model, _) =
        StanceModel::for_training(&base, &ClassifierSpec::default(), TrainScope::All, 0).unwrap();
    let out = tmp.path().join("out");
    model.save(&out).unwrap();

    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["architectures"][0], "BertForSequenceClassification");
    assert_eq!(config["model_type"], "bert");
    assert_eq!(config["id2label"]["1"], "AGAINST");
    assert_eq!(config["label2id"]["NONE"], 2);
    assert_eq!(config["stance"]["pooling"], "cls");

    let tensors =
        candle_core::safetensors::load(out.join("model.safetensors"), &Device::Cpu).unwrap();
    for name in [
        "bert.embeddings.word_embeddings.weight",
        "bert.embeddings.LayerNorm.weight",
        "bert.encoder.layer.1.attention.self.query.weight",
        "bert.encoder.layer.0.attention.output.LayerNorm.bias",
        "bert.encoder.layer.1.intermediate.dense.weight",
        "bert.encoder.layer.1.output.dense.bias",
        "bert.pooler.dense.weight",
        "classifier.weight",
        "classifier.bias",
    ] {
        assert!(tensors.contains_key(name), "missing {name}");
    }
    assert!(tensors
        .keys()
        .all(|n| n.starts_with("bert.") || n.starts_with("classifier.")));
    assert_eq!(tensors["classifier.weight"].dims(), [3, 32]);

    let tokenizer: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("tokenizer.json")).unwrap())
            .unwrap();
    assert!(
        tokenizer["padding"].is_null(),
        "fixed padding must not be saved"
    );
    assert_eq!(tokenizer["truncation"]["strategy"], "OnlySecond");
}

#[test]
fn the_head_is_seeded_and_replaced_when_labels_change() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    write_tiny_folder(&base, 1, true);
    let head = |dir: &Path, spec: &ClassifierSpec, seed| {
        let (model, fresh) = StanceModel::for_training(dir, spec, TrainScope::All, seed).unwrap();
        let weight = model.tensors().unwrap()["classifier.weight"].clone();
        (model, fresh, weight)
    };
    let spec = ClassifierSpec::default();
    let (model, _, a) = head(&base, &spec, 7);
    let (_, _, b) = head(&base, &spec, 7);
    let (_, _, c) = head(&base, &spec, 8);
    assert_eq!(max_abs_diff(&a, &b), 0.0);
    assert!(max_abs_diff(&a, &c) > 0.0);

    let saved = tmp.path().join("saved");
    model.save(&saved).unwrap();
    let two_labels = ClassifierSpec {
        labels: Some(vec!["PRO".to_string(), "CON".to_string()]),
        ..ClassifierSpec::default()
    };
    let (relabelled, fresh, weight) = head(&saved, &two_labels, 7);
    assert_eq!(fresh, ["classifier.weight", "classifier.bias"]);
    assert_eq!(weight.dims(), [2, 32]);
    assert_eq!(relabelled.labels(), ["PRO", "CON"]);
}

#[test]
fn long_contexts_are_cut_on_the_context_side_only() {
    let tmp = tempfile::tempdir().unwrap();
    write_tiny_folder(tmp.path(), 1, false);
    let model = StanceModel::from_dir(tmp.path()).unwrap();
    let max_length = model.inputs().settings().max_length;
    let context = "the vote was backed by the government and ".repeat(40);
    let encoded = model
        .inputs()
        .encode(&PairInput {
            topic: "the independence referendum",
            actor: Some("Turkey"),
            context: &context,
        })
        .unwrap();
    assert_eq!(encoded.input_ids.len(), max_length);
    assert!(encoded.truncated);
    let first_segment = encoded.token_type_ids.iter().filter(|&&t| t == 0).count();
    // [CLS] the independence referendum [SEP] turkey [SEP]
    assert_eq!(first_segment, 7);
    let short = model
        .inputs()
        .encode(&PairInput {
            topic: "the vote",
            actor: None,
            context: "Turkey opposed it.",
        })
        .unwrap();
    assert!(!short.truncated);
    // [CLS] the vote [SEP] turkey opposed [UNK] . [SEP]: no padding to a fixed length.
    assert_eq!(short.input_ids.len(), 9);
}

#[test]
fn broken_folders_give_errors_that_name_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("m");
    write_tiny_folder(&dir, 1, false);
    let error_of = |dir: &Path| {
        StanceModel::from_dir(dir)
            .err()
            .map(|e| e.to_string())
            .unwrap()
    };

    std::fs::write(dir.join("config.json"), "{\"hidden_size\": 32").unwrap();
    let err = error_of(&dir);
    assert!(
        err.contains("config.json") && err.contains("invalid JSON"),
        "{err}"
    );

    write_tiny_folder(&dir, 1, false);
    std::fs::remove_file(dir.join("tokenizer.json")).unwrap();
    let err = error_of(&dir);
    assert!(err.contains("missing tokenizer.json"), "{err}");

    write_tiny_folder(&dir, 1, false);
    let mut config = common::tiny_config();
    config.hidden_size = 48;
    config.num_attention_heads = 4;
    std::fs::write(dir.join("config.json"), config.to_json_string()).unwrap();
    let err = error_of(&dir);
    assert!(err.contains("model.safetensors"), "{err}");
    assert!(err.contains("shape"), "{err}");

    let base = tmp.path().join("base");
    write_tiny_folder(&base, 1, true);
    let err = error_of(&base);
    assert!(err.contains("no classification head"), "{err}");

    std::fs::write(base.join("model.safetensors"), b"not a safetensors file").unwrap();
    let err = error_of(&base);
    assert!(
        err.contains("model.safetensors") && err.contains("cannot read"),
        "{err}"
    );

    let err = error_of(&tmp.path().join("absent"));
    assert!(
        err.contains("absent") && err.contains("fetch-model"),
        "{err}"
    );
}

#[test]
fn a_logit_shift_moves_the_prior_in_the_saved_weights_and_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("model");
    write_tiny_folder(&dir, 5, false);
    let mut model = StanceModel::from_dir(&dir).unwrap();
    model.set_temperature(2.0).unwrap();
    let before = logits(&model);
    model
        .shift_logits(&[("FAVOR".to_string(), 0.75), ("NONE".to_string(), -0.5)])
        .unwrap();
    let after = logits(&model);
    // softmax(z / T + s) = softmax((z + T·s) / T): the raw logits move by T·s.
    for (b, a) in before.iter().zip(&after) {
        assert!((a[0] - b[0] - 1.5).abs() < 1e-5, "{b:?} → {a:?}");
        assert!((a[1] - b[1]).abs() < 1e-6, "{b:?} → {a:?}");
        assert!((a[2] - b[2] + 1.0).abs() < 1e-5, "{b:?} → {a:?}");
    }
    model.save(&dir).unwrap();
    let reloaded = StanceModel::from_dir(&dir).unwrap();
    assert_eq!(
        logits(&reloaded),
        after,
        "the shift is in the saved head's bias"
    );
    let recorded = reloaded.config().settings().logit_shift;
    assert_eq!(recorded.get("FAVOR"), Some(&0.75));
    assert_eq!(recorded.get("NONE"), Some(&-0.5));

    let mut unknown = StanceModel::from_dir(&dir).unwrap();
    let err = unknown
        .shift_logits(&[("NEUTRAL".to_string(), 1.0)])
        .unwrap_err();
    assert!(err.to_string().contains("no label NEUTRAL"), "{err}");
}

#[test]
fn model_shift_and_eval_logit_shift_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("model");
    write_tiny_folder(&dir, 6, false);
    let data = tmp.path().join("dev.jsonl");
    std::fs::write(
        &data,
        "{\"topic\":\"the dam\",\"text\":\"Egypt condemned the dam.\",\"label\":\"AGAINST\"}\n\
         {\"topic\":\"the tax\",\"text\":\"The court backed the tax.\",\"label\":\"FAVOR\"}\n",
    )
    .unwrap();
    let predictions = |model: &Path, extra: &[&str], out: &str| {
        let out = tmp.path().join(out);
        let mut args = vec!["eval", "-q", "-m", model.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[
            "--predictions",
            out.to_str().unwrap(),
            data.to_str().unwrap(),
        ]);
        let run = common::run_stance(&args);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::fs::read_to_string(out).unwrap()
    };
    // A large shift decides every example, so the test fails if the shift is ignored.
    let trial = predictions(&dir, &["--logit-shift", "AGAINST=50"], "trial.jsonl");
    assert_eq!(
        trial.matches("\"predicted\":\"AGAINST\"").count(),
        2,
        "{trial}"
    );
    let run = common::run_stance(&[
        "model",
        "shift",
        dir.to_str().unwrap(),
        "--shift",
        "AGAINST=50",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(predictions(&dir, &[], "shifted.jsonl"), trial);

    let bad = common::run_stance(&[
        "model",
        "shift",
        dir.to_str().unwrap(),
        "--shift",
        "AGAINST",
    ]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && !err.contains("panicked"), "{err}");
    assert!(
        err.lines().next().unwrap_or("").contains("LABEL=X"),
        "{err}"
    );
}
