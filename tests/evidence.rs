//! The evidence gate: a stance model with an evidence scorer decides NONE from the scorer.

mod common;

use std::path::Path;

use candle_core::{Device, Tensor};
use stance::model::{PairInput, StanceModel, StanceSettings};

/// A tiny classifier folder over `labels` whose head outputs `bias` whatever the input (zero
/// weights), so its probabilities are known.
fn fixed_output_folder(dir: &Path, labels: &[&str], bias: &[f32]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut config = common::tiny_config();
    let labels: Vec<String> = labels.iter().map(|s| s.to_string()).collect();
    config.make_classifier(
        &labels,
        StanceSettings {
            max_length: 24,
            ..Default::default()
        },
    );
    let mut tensors = common::random_weights(&config, labels.len(), 3);
    let hidden = config.hidden_size;
    tensors.insert(
        "classifier.weight".to_string(),
        Tensor::zeros(
            (labels.len(), hidden),
            candle_core::DType::F32,
            &Device::Cpu,
        )
        .unwrap(),
    );
    tensors.insert(
        "classifier.bias".to_string(),
        Tensor::from_vec(bias.to_vec(), labels.len(), &Device::Cpu).unwrap(),
    );
    candle_core::safetensors::save(&tensors, dir.join("model.safetensors")).unwrap();
    std::fs::write(dir.join("config.json"), config.to_json_string()).unwrap();
    std::fs::write(dir.join("tokenizer.json"), common::tokenizer_json()).unwrap();
}

const CONTEXTS: [&str; 3] = [
    "the vote said. a vote would not recognise the vote.",
    "not the vote.",
    "the vote would recognise.",
];

fn labels_of(model: &StanceModel) -> Vec<String> {
    let pairs: Vec<PairInput> = CONTEXTS
        .iter()
        .map(|context| PairInput {
            topic: "the vote",
            actor: Some("a"),
            context,
        })
        .collect();
    model
        .classify(&pairs, 2)
        .unwrap()
        .into_iter()
        .map(|c| c.label)
        .collect()
}

#[test]
fn none_is_decided_by_the_scorer() {
    let dir = tempfile::tempdir().unwrap();
    let stance_dir = dir.path().join("stance");
    // Never NONE on its own: FAVOR and AGAINST far above NONE.
    fixed_output_folder(
        &stance_dir,
        &["FAVOR", "AGAINST", "NONE"],
        &[2.0, 1.9, -6.0],
    );
    let silent = dir.path().join("silent");
    fixed_output_folder(&silent, &["EVIDENCE", "OTHER"], &[-8.0, 8.0]);
    let telling = dir.path().join("telling");
    fixed_output_folder(&telling, &["EVIDENCE", "OTHER"], &[8.0, -8.0]);

    let alone = StanceModel::from_dir(&stance_dir).unwrap();
    let ungated = labels_of(&alone);
    assert!(ungated.iter().all(|l| l != "NONE"), "{ungated:?}");

    let mut with_silent = StanceModel::from_dir(&stance_dir).unwrap();
    with_silent
        .set_evidence(StanceModel::from_dir(&silent).unwrap(), 0.3)
        .unwrap();
    assert_eq!(labels_of(&with_silent), ["NONE", "NONE", "NONE"]);

    let mut with_telling = StanceModel::from_dir(&stance_dir).unwrap();
    with_telling
        .set_evidence(StanceModel::from_dir(&telling).unwrap(), 0.3)
        .unwrap();
    assert_eq!(labels_of(&with_telling), ungated);

    // The score is reported, and a gated NONE is also the most probable label.
    let pair = PairInput {
        topic: "the vote",
        actor: Some("a"),
        context: CONTEXTS[0],
    };
    let gated = &with_silent.classify(&[pair], 1).unwrap()[0];
    assert!(gated.evidence_score.unwrap() < 0.01);
    assert!(gated.probabilities[2] > 0.9, "{:?}", gated.probabilities);
    // Threshold 0 never gates.
    with_silent.set_evidence_threshold(0.0).unwrap();
    assert_eq!(labels_of(&with_silent), ungated);
}

#[test]
fn add_evidence_makes_the_scorer_part_of_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let stance_dir = dir.path().join("stance");
    fixed_output_folder(
        &stance_dir,
        &["FAVOR", "AGAINST", "NONE"],
        &[2.0, 1.9, -6.0],
    );
    let silent = dir.path().join("silent");
    fixed_output_folder(&silent, &["EVIDENCE", "OTHER"], &[-8.0, 8.0]);
    let out = common::run_stance(&[
        "model",
        "add-evidence",
        stance_dir.to_str().unwrap(),
        "--scorer",
        silent.to_str().unwrap(),
        "--threshold",
        "0.25",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let model = StanceModel::from_dir(&stance_dir).unwrap();
    assert!(model.has_evidence_gate());
    assert_eq!(model.inputs().settings().evidence_threshold, Some(0.25));
    assert_eq!(labels_of(&model), ["NONE", "NONE", "NONE"]);

    // A scorer without the EVIDENCE label, and a threshold out of range, are refused.
    let other = dir.path().join("other");
    fixed_output_folder(&other, &["FAVOR", "AGAINST", "NONE"], &[0.0, 0.0, 0.0]);
    for (scorer, threshold, expected) in [
        (&other, "0.2", "needs the label EVIDENCE"),
        (&silent, "0.9", "between 0 and 0.5"),
    ] {
        let out = common::run_stance(&[
            "model",
            "add-evidence",
            stance_dir.to_str().unwrap(),
            "--scorer",
            scorer.to_str().unwrap(),
            "--threshold",
            threshold,
        ]);
        let err = common::assert_clean_failure(&out);
        assert!(err.contains(expected), "{err}");
    }

    // A folder whose config asks for a scorer it does not have names what is missing.
    std::fs::remove_dir_all(stance_dir.join("evidence")).unwrap();
    let err = StanceModel::from_dir(&stance_dir)
        .err()
        .expect("a missing scorer is an error")
        .to_string();
    assert!(
        err.contains("evidence_threshold") && err.contains("missing"),
        "{err}"
    );
}

#[test]
fn data_evidence_writes_stances_or_sentences_and_names_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("articles.jsonl");
    let article = serde_json::json!({
        "id": "w1", "topic": "the dam",
        "text": "Egypt condemned the dam. Egypt also hosted a trade summit. Sudan attended.",
        "actors": [
            {"name": "Egypt", "stance": "AGAINST", "evidence_text": "Egypt condemned the dam."},
            {"name": "Sudan", "stance": "NONE", "evidence_text": "Sudan attended."}
        ]
    });
    std::fs::write(&input, format!("{article}\n")).unwrap();
    let read = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = common::run_stance(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = args[args.iter().position(|a| *a == "-o").unwrap() + 1];
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let stances_path = dir.path().join("stances.jsonl");
    let stances = read(&[
        "data",
        "evidence",
        input.to_str().unwrap(),
        "-o",
        stances_path.to_str().unwrap(),
    ]);
    assert_eq!(stances.len(), 2);
    assert_eq!(stances[0]["text"], "Egypt condemned the dam.");
    assert_eq!(stances[0]["label"], "AGAINST");
    assert_eq!(stances[1]["actor"], "Sudan");
    let sentences_path = dir.path().join("sentences.jsonl");
    let sentences = read(&[
        "data",
        "evidence",
        "--sentences",
        input.to_str().unwrap(),
        "-o",
        sentences_path.to_str().unwrap(),
    ]);
    let labels: Vec<&str> = sentences
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["EVIDENCE", "OTHER", "OTHER"]);

    std::fs::write(
        &input,
        format!("{article}\n{{\"topic\": \"t\", \"text\": \"x\", \"label\": \"FAVOR\"}}\n"),
    )
    .unwrap();
    let out = common::run_stance(&[
        "data",
        "evidence",
        input.to_str().unwrap(),
        "-o",
        dir.path().join("bad.jsonl").to_str().unwrap(),
    ]);
    let err = common::assert_clean_failure(&out);
    assert!(
        err.contains("articles.jsonl:2") && err.contains("found an example"),
        "{err}"
    );
    assert!(!dir.path().join("bad.jsonl").exists());
}
