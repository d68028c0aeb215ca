//! The `stance` binary as a user runs it: model init, classify, and one-line errors.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn stance(args: &[&str], envs: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stance"));
    command.args(args);
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().expect("stance runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A failure is one line on stderr, a non-zero exit, and no panic.
fn assert_clean_failure(output: &Output) -> String {
    let err = stderr(output);
    assert!(!output.status.success(), "expected failure, got success");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    err
}

#[test]
fn init_then_classify_a_jsonl_file() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    common::write_tiny_folder(&base, 2, true);
    let model = tmp.path().join("model");
    let base_arg = base.to_str().unwrap();
    let model_arg = model.to_str().unwrap();
    let out = stance(
        &[
            "model", "init", "--base", base_arg, "-o", model_arg, "--seed", "1",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("classifier.weight"));

    let again = stance(&["model", "init", "--base", base_arg, "-o", model_arg], &[]);
    assert!(assert_clean_failure(&again).contains("--force"));

    let input = tmp.path().join("pairs.jsonl");
    std::fs::write(
        &input,
        "{\"id\": 1, \"topic\": \"the referendum\", \"actor\": \"Turkey\", \"text\": \"Ankara would not recognise the vote.\"}\n\
         \n\
         {\"id\": \"b\", \"topic\": \"the tax\", \"text\": \"The court backed the tax.\"}\n",
    )
    .unwrap();
    let out = stance(
        &[
            "classify",
            "-m",
            model_arg,
            "--input",
            input.to_str().unwrap(),
            "--json",
            "--show-input",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(lines[1]["id"], "b");
    for line in &lines {
        let probabilities = line["probabilities"].as_object().unwrap();
        assert_eq!(probabilities.len(), 3);
        let total: f64 = probabilities.values().map(|p| p.as_f64().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-5);
        assert!(probabilities.contains_key(line["label"].as_str().unwrap()));
        assert_eq!(line["logits"].as_array().unwrap().len(), 3);
        assert_eq!(line["input_ids"].as_array().unwrap().first().unwrap(), 2);
    }
}

#[test]
fn a_malformed_line_is_reported_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model");
    common::write_tiny_folder(&model, 2, false);
    let input = tmp.path().join("bad.jsonl");
    std::fs::write(
        &input,
        "{\"topic\": \"t\", \"text\": \"fine\"}\n{\"topic\": \"t\"}\n",
    )
    .unwrap();
    let args = [
        "classify",
        "-m",
        model.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
    ];
    let err = assert_clean_failure(&stance(&args, &[]));
    assert!(
        err.contains("bad.jsonl:2:") && err.contains("`text`"),
        "{err}"
    );

    std::fs::write(&input, "{\"topic\": \"t\", \"text\": \"   \"}\n").unwrap();
    let err = assert_clean_failure(&stance(&args, &[]));
    assert!(
        err.contains("bad.jsonl:1:") && err.contains("empty"),
        "{err}"
    );
}

#[test]
fn missing_models_fail_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let text = tmp.path().join("a.txt");
    std::fs::write(&text, "Ankara would not recognise the vote.").unwrap();
    let text_arg = text.to_str().unwrap();

    let absent = tmp.path().join("absent");
    let out = stance(
        &[
            "classify",
            "-m",
            absent.to_str().unwrap(),
            "--text",
            text_arg,
            "--topic",
            "t",
        ],
        &[],
    );
    let err = assert_clean_failure(&out);
    assert!(
        err.contains("absent") && err.contains("fetch-model"),
        "{err}"
    );

    // A hub id that is not cached, with the hub forbidden: no network attempt, a clear message.
    let out = Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(["model", "info", "sentence-transformers/all-MiniLM-L6-v2"])
        .env("HF_HOME", tmp.path())
        .env_remove("HF_HUB_CACHE")
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .unwrap();
    let err = assert_clean_failure(&out);
    assert!(
        err.contains("HF_HUB_OFFLINE") && err.contains("fetch-model"),
        "{err}"
    );
}

#[test]
fn a_cached_hub_model_loads_offline() {
    let tmp = tempfile::tempdir().unwrap();
    // The layout huggingface_hub writes: refs/main names a snapshot folder holding the files.
    let repo = tmp.path().join("hub/models--acme--tiny-stance");
    let snapshot = repo.join("snapshots/0123abcd");
    common::write_tiny_folder(&snapshot, 2, false);
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), "0123abcd").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(["model", "info", "acme/tiny-stance"])
        .env("HF_HOME", tmp.path())
        .env_remove("HF_HUB_CACHE")
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let info = String::from_utf8_lossy(&out.stdout);
    assert!(info.contains("FAVOR, AGAINST, NONE"), "{info}");
}

#[test]
fn precision_is_auto_bf16_or_f32_and_model_info_shows_the_choice() {
    let dir = tempfile::tempdir().unwrap();
    common::write_tiny_folder(dir.path(), 3, false);
    let folder = dir.path().to_str().unwrap();
    let info = |precision: &str| {
        let output = stance(&["--precision", precision, "model", "info", folder], &[]);
        assert!(output.status.success(), "{}", stderr(&output));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(info("f32").contains("f32 (--precision f32)"));
    let auto = info("auto");
    // auto runs the precision the speed check picked (bf16 from 1.10x f32, else f32; int8 is
    // opt-in).
    let speed_line = auto.lines().find(|l| l.starts_with("speed check")).unwrap();
    let picked = speed_line
        .rsplit(": ")
        .next()
        .unwrap()
        .trim_end_matches(')');
    assert!(["f32", "bf16"].contains(&picked), "{speed_line}");
    assert!(
        auto.contains(&format!("linear layers in {picked}")),
        "{auto}"
    );
    // int8 runs where the CPU has VNNI, else says it falls back.
    let int8 = info("int8");
    let runs = stance::model::dense::Precision::Int8.runs_here();
    assert_eq!(
        int8.contains("linear layers in int8 on AVX-512 VNNI"),
        runs,
        "{int8}"
    );
    assert_eq!(
        int8.contains("but this CPU has no AVX-512 VNNI"),
        !runs,
        "{int8}"
    );
    // --verbose says on stderr which kernel runs.
    let output = stance(&["-v", "--precision", "f32", "model", "info", folder], &[]);
    assert!(
        stderr(&output).contains("stance: linear layers in f32"),
        "{}",
        stderr(&output)
    );
    // A usage error, as clap prints them (with its hint line).
    let output = stance(&["--precision", "f16", "model", "info", folder], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("expected auto, f32, bf16 or int8"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn auto_precision_is_measured_once_per_machine_and_then_read_back() {
    let dir = tempfile::tempdir().unwrap();
    common::write_tiny_folder(&dir.path().join("model"), 3, false);
    let folder = dir.path().join("model");
    let cache = dir.path().join("cache");
    let info = || {
        let output = stance(
            &["model", "info", folder.to_str().unwrap()],
            &[("STANCE_CACHE_DIR", &cache)],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let speed_check = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("speed check"))
            .unwrap()
            .to_string()
    };
    let first = info();
    assert!(first.contains("measured now, recorded in"), "{first}");
    assert!(cache.join("speed-check.json").is_file());
    // Later runs read the record, so every run on this machine picks the same precision.
    let second = info();
    assert!(second.contains("recorded in"), "{second}");
    assert!(!second.contains("measured now"), "{second}");
    assert_eq!(speed_check(&first), speed_check(&second));
}

#[test]
fn mixed_precision_is_refused_for_the_tagger_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = stance(
        &[
            "train",
            "--task",
            "ner",
            "--mixed-precision",
            "--train",
            "missing.txt",
            "-o",
            dir.path().join("out").to_str().unwrap(),
        ],
        &[],
    );
    let message = assert_clean_failure(&output);
    assert!(
        message.contains("--mixed-precision trains the stance classifier only"),
        "{message}"
    );
}
