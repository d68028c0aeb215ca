//! Training and evaluation on a tiny model built in the test: it learns, it repeats with the
//! same seed, a run killed midway resumes to the same result, and bad files fail cleanly.

mod common;

use std::path::{Path, PathBuf};

use stance::train::{resume, train, Silent, StepRecord, TrainObserver, TrainSettings};

const SUBJECTS: &[&str] = &[
    "turkey",
    "iran",
    "iraq",
    "erdogan",
    "rouhani",
    "ankara",
    "tehran",
    "the government",
    "the president",
    "the minister",
];
const TOPICS: &[&str] = &["the referendum", "the trade deal", "the climate tax"];

/// A learnable task: "backed"/"welcome" → FAVOR, "opposed"/"reject" → AGAINST, neither → NONE,
/// with distractor words that carry no label.
fn synthetic(count: usize, offset: usize) -> String {
    let mut lines = String::new();
    for i in 0..count {
        let n = i + offset;
        let subject = SUBJECTS[n % SUBJECTS.len()];
        let topic = TOPICS[(n / 3) % TOPICS.len()];
        let (verb, label) = match (n / 7) % 6 {
            0 => ("backed", "FAVOR"),
            1 => ("will welcome", "FAVOR"),
            2 => ("opposed", "AGAINST"),
            3 => ("would reject", "AGAINST"),
            4 => ("said", "NONE"),
            _ => ("was in", "NONE"),
        };
        let filler = ["on the court ruling", "in the vote", "and the deal"][n % 3];
        let text = format!("{subject} {verb} {topic} . they said {filler} .");
        lines.push_str(
            &serde_json::json!({"id": format!("s{n}"), "topic": topic, "actor": subject,
                "text": text, "label": label})
            .to_string(),
        );
        lines.push('\n');
    }
    lines
}

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Fixture {
    fn new(train_count: usize) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        common::write_tiny_folder(&dir.join("base"), 3, true);
        std::fs::write(dir.join("train.jsonl"), synthetic(train_count, 0)).unwrap();
        std::fs::write(dir.join("dev.jsonl"), synthetic(60, 1000)).unwrap();
        Fixture { _tmp: tmp, dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn settings(&self) -> TrainSettings {
        let mut s = TrainSettings::new(self.path("base"), vec![self.path("train.jsonl")]);
        s.dev_file = Some(self.path("dev.jsonl"));
        s.epochs = 4;
        s.batch_size = 8;
        s.grad_accum = 2;
        s.learning_rate = 2e-3;
        s.checkpoint_every = 3;
        s.log_every = 2;
        s.patience = None;
        s.seed = 7;
        s
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The log without wall-clock fields, which are the only thing allowed to differ.
fn log_lines(dir: &Path) -> String {
    String::from_utf8(read(&dir.join("train_log.jsonl"))).unwrap()
}

#[test]
fn training_learns_and_repeats_exactly_with_the_same_seed() {
    let f = Fixture::new(240);
    let mut settings = f.settings();
    settings.epochs = 10;
    settings.learning_rate = 3e-3;
    let a = train(&settings, &f.path("a"), false, false, &mut Silent).unwrap();
    let b = train(&settings, &f.path("b"), false, false, &mut Silent).unwrap();
    let dev = a.saved_dev.clone().expect("dev scores");
    assert!(
        dev.accuracy > 0.8,
        "the tiny model did not learn the task: {dev:?}"
    );
    assert_eq!(a.steps, 10 * 240_usize.div_ceil(16));
    assert_eq!(a.saved_dev, b.saved_dev);
    assert_eq!(log_lines(&f.path("a")), log_lines(&f.path("b")));
    assert_eq!(
        read(&f.path("a/model.safetensors")),
        read(&f.path("b/model.safetensors"))
    );
    assert!(!f.path("a/checkpoint").exists(), "checkpoint left behind");
    // Another seed gives another run.
    let mut other = settings.clone();
    other.seed = 8;
    train(&other, &f.path("c"), false, false, &mut Silent).unwrap();
    assert_ne!(log_lines(&f.path("a")), log_lines(&f.path("c")));
}

/// Stops the process's work at a given step, as a kill would: nothing after it is written.
struct KillAt(usize);

impl TrainObserver for KillAt {
    fn step(&mut self, step: &StepRecord) {
        if step.step == self.0 {
            panic!("killed at step {}", step.step);
        }
    }
}

#[test]
fn a_run_killed_midway_resumes_to_the_same_result() {
    let f = Fixture::new(120);
    let settings = f.settings();
    train(&settings, &f.path("whole"), false, false, &mut Silent).unwrap();
    // 8 steps per epoch, checkpoints every 3 steps and at epoch ends: killed at step 14, the
    // last checkpoint is step 12, and the log has lines past it that resume must drop.
    let killed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        train(&settings, &f.path("killed"), false, false, &mut KillAt(14))
    }));
    assert!(killed.is_err());
    assert!(f.path("killed/checkpoint/state.json").exists());
    // A fresh run refuses to overwrite the unfinished one.
    let err = train(&settings, &f.path("killed"), false, false, &mut Silent)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("--resume"), "{err}");
    resume(&f.path("killed"), false, &mut Silent).unwrap();
    assert_eq!(log_lines(&f.path("whole")), log_lines(&f.path("killed")));
    assert_eq!(
        read(&f.path("whole/model.safetensors")),
        read(&f.path("killed/model.safetensors"))
    );
}

/// What a kill during checkpoint rotation can leave beside `checkpoint/` (see
/// `stance::train::rotation`, whose unit test stops it after every step).
fn leave_rotation_leftover(run: &Path, case: usize) {
    let checkpoint = run.join("checkpoint");
    let old = run.join("checkpoint.old");
    let partial = run.join("checkpoint.partial");
    match case {
        // Killed while deleting checkpoint.old: a folder with some files and no state.
        0 => {
            std::fs::create_dir_all(&old).unwrap();
            std::fs::copy(checkpoint.join("config.json"), old.join("config.json")).unwrap();
        }
        // Killed between moving checkpoint aside and installing the new one.
        1 => std::fs::rename(&checkpoint, &old).unwrap(),
        // Killed while writing the new one: checkpoint.partial without state.
        2 => {
            std::fs::create_dir_all(&partial).unwrap();
            std::fs::copy(checkpoint.join("config.json"), partial.join("config.json")).unwrap();
        }
        _ => unreachable!(),
    }
}

#[test]
fn a_kill_during_checkpoint_rotation_still_resumes_to_the_same_result() {
    let f = Fixture::new(120);
    let settings = f.settings();
    train(&settings, &f.path("whole"), false, false, &mut Silent).unwrap();
    for case in 0..3 {
        let run = f.path(&format!("rotated{case}"));
        let killed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            train(&settings, &run, false, false, &mut KillAt(14))
        }));
        assert!(killed.is_err());
        leave_rotation_leftover(&run, case);
        let err = train(&settings, &run, false, false, &mut Silent)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("--resume"), "case {case}: {err}");
        resume(&run, false, &mut Silent).unwrap_or_else(|e| panic!("case {case}: {e}"));
        assert_eq!(log_lines(&f.path("whole")), log_lines(&run), "case {case}");
        assert_eq!(
            read(&f.path("whole/model.safetensors")),
            read(&run.join("model.safetensors")),
            "case {case}"
        );
        for leftover in ["checkpoint", "checkpoint.old", "checkpoint.partial"] {
            assert!(!run.join(leftover).exists(), "case {case}: {leftover} left");
        }
    }
}

#[test]
fn frozen_encoder_and_top_layers_leave_the_rest_untouched() {
    let f = Fixture::new(48);
    let mut settings = f.settings();
    settings.epochs = 1;
    settings.freeze_encoder = true;
    let summary = train(&settings, &f.path("head"), false, false, &mut Silent).unwrap();
    let base =
        candle_core::safetensors::load(f.path("base/model.safetensors"), &candle_core::Device::Cpu)
            .unwrap();
    let head =
        candle_core::safetensors::load(f.path("head/model.safetensors"), &candle_core::Device::Cpu)
            .unwrap();
    let same = |name: &str| {
        let a = base[name.trim_start_matches("bert.")]
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let b = head[name].flatten_all().unwrap().to_vec1::<f32>().unwrap();
        a == b
    };
    assert!(same("bert.encoder.layer.1.output.dense.weight"));
    assert!(same("bert.embeddings.word_embeddings.weight"));
    // Only the pooler and classifier were trained.
    let hidden = common::tiny_config().hidden_size;
    assert_eq!(
        summary.trained_parameters,
        hidden * hidden + hidden + 3 * hidden + 3
    );

    settings.freeze_encoder = false;
    settings.train_layers = Some(1);
    train(&settings, &f.path("top"), false, false, &mut Silent).unwrap();
    let top =
        candle_core::safetensors::load(f.path("top/model.safetensors"), &candle_core::Device::Cpu)
            .unwrap();
    let changed = |name: &str| {
        let a = base[name.trim_start_matches("bert.")]
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let b = top[name].flatten_all().unwrap().to_vec1::<f32>().unwrap();
        a != b
    };
    assert!(changed("bert.encoder.layer.1.output.dense.weight"));
    assert!(!changed("bert.encoder.layer.0.output.dense.weight"));
}

use common::{assert_clean_failure as clean_failure, run_stance as stance};

#[test]
fn cli_train_then_eval_with_table_and_json() {
    let f = Fixture::new(96);
    let out = f.path("model");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let run = stance(&[
        "train",
        "--base",
        &s(&f.path("base")),
        "--train",
        &s(&f.path("train.jsonl")),
        "--dev",
        &s(&f.path("dev.jsonl")),
        "-o",
        &s(&out),
        "--epochs",
        "2",
        "--batch-size",
        "8",
        "--lr",
        "2e-3",
        "--quiet",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        run.stderr.is_empty(),
        "--quiet printed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    for file in [
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "train_log.jsonl",
        "training.json",
    ] {
        assert!(out.join(file).exists(), "{file} missing");
    }
    let json_path = f.path("metrics.json");
    let eval = stance(&[
        "eval",
        "-m",
        &s(&out),
        &s(&f.path("dev.jsonl")),
        "--json",
        &s(&json_path),
        "--quiet",
    ]);
    assert!(
        eval.status.success(),
        "{}",
        String::from_utf8_lossy(&eval.stderr)
    );
    let table = String::from_utf8_lossy(&eval.stdout);
    for needle in [
        "accuracy",
        "macro-F1",
        "F_avg",
        "gold \\ predicted",
        "the trade deal",
    ] {
        assert!(table.contains(needle), "{needle} not in:\n{table}");
    }
    let report: serde_json::Value = serde_json::from_slice(&read(&json_path)).unwrap();
    assert_eq!(report["overall"]["total"], 60);
    assert_eq!(report["topics"].as_array().unwrap().len(), 3);
    // Training into the same folder again needs --force.
    let again = stance(&[
        "train",
        "--base",
        &s(&f.path("base")),
        "--train",
        &s(&f.path("train.jsonl")),
        "-o",
        &s(&out),
    ]);
    assert!(clean_failure(&again).contains("--force"));
}

#[test]
fn bad_files_fail_with_file_line_and_field() {
    let f = Fixture::new(16);
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let good =
        r#"{"id": "1", "topic": "the vote", "text": "turkey backed the vote", "label": "FAVOR"}"#;
    let huge = format!(
        r#"{{"id": "2", "topic": "the vote", "text": "{}", "label": "FAVOR"}}"#,
        "a ".repeat(5 << 20)
    );
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "malformed",
            format!("{good}\n{{\"id\": \"2\", \"topic\"\n"),
            ":2:",
        ),
        (
            "missing",
            format!("{good}\n{{\"id\": \"2\", \"text\": \"x\", \"label\": \"NONE\"}}\n"),
            "`topic`",
        ),
        (
            "unknown",
            format!("{good}\n{}\n", good.replace("FAVOR", "MAYBE")),
            "unknown label `MAYBE`",
        ),
        (
            "empty",
            format!("{good}\n{}\n", good.replace("turkey backed the vote", "  ")),
            "`text`",
        ),
        ("huge", format!("{good}\n{huge}\n"), ":2:"),
    ];
    common::write_tiny_folder(&f.path("model"), 4, false);
    for (name, content, needle) in cases {
        let path = f.path(&format!("{name}.jsonl"));
        std::fs::write(&path, content).unwrap();
        let train = stance(&[
            "train",
            "--base",
            &s(&f.path("base")),
            "--train",
            &s(&path),
            "-o",
            &s(&f.path(&format!("out-{name}"))),
            "--quiet",
        ]);
        let err = clean_failure(&train);
        assert!(
            err.contains(&format!("{name}.jsonl")) && err.contains(needle),
            "{name}: {err}"
        );
        let eval = stance(&["eval", "-m", &s(&f.path("model")), &s(&path), "--quiet"]);
        let err = clean_failure(&eval);
        assert!(
            err.contains(&format!("{name}.jsonl")) && err.contains(needle),
            "{name}: {err}"
        );
    }
    // --skip-invalid counts and goes on.
    let eval = stance(&[
        "eval",
        "-m",
        &s(&f.path("model")),
        &s(&f.path("unknown.jsonl")),
        "--skip-invalid",
        "--quiet",
    ]);
    assert!(eval.status.success());
    assert!(String::from_utf8_lossy(&eval.stderr).contains("skipped 1 invalid"));
    // A CSV with an unknown label code.
    let csv = f.path("vast.csv");
    std::fs::write(
        &csv,
        "post,topic_str,label\nsome text,guns,1\nmore text,guns,7\n",
    )
    .unwrap();
    let import = stance(&[
        "data",
        "import",
        "--format",
        "vast",
        &s(&csv),
        "-o",
        &s(&f.path("v.jsonl")),
    ]);
    let err = clean_failure(&import);
    assert!(
        err.contains("vast.csv:3") && err.contains("unknown label `7`"),
        "{err}"
    );
    assert!(!f.path("v.jsonl").exists(), "partial output left behind");
}

#[test]
fn topic_flips_swap_favor_and_against_in_the_training_data_only() {
    // 100 examples: 42 FAVOR, 30 AGAINST, 28 NONE.
    let f = Fixture::new(100);
    let mut settings = f.settings();
    settings.epochs = 1;
    settings.max_steps = Some(1);
    let plain = train(&settings, &f.path("plain"), false, false, &mut Silent).unwrap();
    settings.topic_flips = 1.0;
    let flipped = train(&settings, &f.path("flipped"), false, false, &mut Silent).unwrap();
    let favor = plain.labels.iter().position(|l| l == "FAVOR").unwrap();
    let against = plain.labels.iter().position(|l| l == "AGAINST").unwrap();
    let none = plain.labels.iter().position(|l| l == "NONE").unwrap();
    // Every example flipped: FAVOR and AGAINST counts trade places, NONE stays.
    assert_eq!(flipped.label_counts[favor], plain.label_counts[against]);
    assert_eq!(flipped.label_counts[against], plain.label_counts[favor]);
    assert_eq!(flipped.label_counts[none], plain.label_counts[none]);
    assert_ne!(plain.label_counts[favor], plain.label_counts[against]);
    assert_eq!(flipped.dev_examples, plain.dev_examples);
    settings.topic_flips = 1.5;
    let error = train(&settings, &f.path("bad"), false, false, &mut Silent)
        .unwrap_err()
        .to_string();
    assert!(error.contains("--topic-flips"), "{error}");
}
