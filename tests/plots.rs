//! Plots: `stance eval --plot DIR` writes the confusion matrix and the per-class scores, and
//! `stance train` writes learning curves next to its metrics log; all well-formed SVG showing
//! the numbers of the run (tiny models built in the test).

mod common;

use std::path::{Path, PathBuf};

use common::{assert_clean_failure, run_stance as stance};

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// Labelled examples the tiny vocabulary covers.
fn examples(count: usize, offset: usize) -> String {
    let subjects = [
        "turkey",
        "iran",
        "iraq",
        "erdogan",
        "rouhani",
        "the minister",
    ];
    let mut lines = String::new();
    for i in 0..count {
        let n = i + offset;
        let (verb, label) = [
            ("backed", "FAVOR"),
            ("opposed", "AGAINST"),
            ("said", "NONE"),
        ][(n / 5) % 3];
        let subject = subjects[n % subjects.len()];
        lines.push_str(
            &serde_json::json!({"id": format!("e{n}"), "topic": "the referendum",
                "actor": subject, "text": format!("{subject} {verb} the referendum ."),
                "label": label})
            .to_string(),
        );
        lines.push('\n');
    }
    lines
}

/// Checks that `svg` is one well-formed `<svg>` element: every tag closed in order.
fn assert_well_formed(svg: &str) {
    assert!(
        svg.trim_start().starts_with("<svg"),
        "{}",
        &svg[..80.min(svg.len())]
    );
    assert!(svg.trim_end().ends_with("</svg>"));
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find('<') {
        let end = rest[at..].find('>').expect("unclosed tag") + at;
        let tag = &rest[at + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name.trim()), "mismatched </{name}>");
        } else if !tag.ends_with('/') && !tag.starts_with('?') && !tag.starts_with('!') {
            open.push(tag.split_whitespace().next().unwrap());
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
}

/// The contents of the `<text>` elements.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .map(|t| {
            let body = &t[t.find('>').unwrap() + 1..];
            body[..body.find("</text>").unwrap()].trim().to_string()
        })
        .collect()
}

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        common::write_tiny_folder(&dir.join("model"), 5, false);
        common::write_tiny_folder(&dir.join("base"), 3, true);
        std::fs::write(dir.join("train.jsonl"), examples(60, 0)).unwrap();
        std::fs::write(dir.join("dev.jsonl"), examples(30, 100)).unwrap();
        Fixture { _tmp: tmp, dir }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

#[test]
fn eval_plots_the_confusion_matrix_and_class_scores() {
    let f = Fixture::new();
    let plots = f.path("plots");
    let metrics = f.path("metrics.json");
    let run = stance(&[
        "eval",
        "-m",
        &s(&f.path("model")),
        &s(&f.path("dev.jsonl")),
        "--json",
        &s(&metrics),
        "--plot",
        &s(&plots),
        "-q",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&metrics).unwrap()).unwrap();

    let confusion = std::fs::read_to_string(plots.join("confusion_matrix.svg")).unwrap();
    assert_well_formed(&confusion);
    let shown = texts(&confusion);
    for label in ["FAVOR", "AGAINST", "NONE", "predicted", "gold"] {
        assert!(
            shown.iter().any(|t| t == label),
            "{label} missing: {shown:?}"
        );
    }
    // Each cell's count, row by row, is in the picture, in order.
    let counts: Vec<String> = report["overall"]["confusion"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().iter().map(|c| c.to_string()))
        .collect();
    let numbers: Vec<&String> = shown
        .iter()
        .filter(|t| t.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(numbers, counts.iter().collect::<Vec<_>>());
    assert!(confusion.matches("<rect").count() >= 9);

    let classes = std::fs::read_to_string(plots.join("class_scores.svg")).unwrap();
    assert_well_formed(&classes);
    let shown = texts(&classes);
    for class in report["overall"]["classes"].as_array().unwrap() {
        for metric in ["precision", "recall", "f1"] {
            let value = format!("{:.2}", class[metric].as_f64().unwrap());
            assert!(
                shown.contains(&value),
                "{metric} {value} of {}: {shown:?}",
                class["label"]
            );
        }
        assert!(shown.contains(&format!("support {}", class["support"])));
    }

    // A folder that cannot be made fails cleanly.
    std::fs::write(f.path("file"), "").unwrap();
    let run = stance(&[
        "eval",
        "-m",
        &s(&f.path("model")),
        &s(&f.path("dev.jsonl")),
        "--plot",
        &s(&f.path("file")),
        "-q",
    ]);
    assert_clean_failure(&run);
}

#[test]
fn train_draws_learning_curves_next_to_its_log() {
    let f = Fixture::new();
    let out = f.path("run");
    let run = stance(&[
        "train",
        "--base",
        &s(&f.path("base")),
        "--train",
        &s(&f.path("train.jsonl")),
        "--dev",
        &s(&f.path("dev.jsonl")),
        "--epochs",
        "3",
        "--patience",
        "0",
        "--batch-size",
        "8",
        "--log-every",
        "2",
        "--lr",
        "2e-3",
        "-o",
        &s(&out),
        "-q",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.join("train_log.jsonl").exists());
    let svg = std::fs::read_to_string(out.join("learning_curves.svg")).unwrap();
    assert_well_formed(&svg);
    let shown = texts(&svg);
    for text in [
        "training loss",
        "dev scores per epoch",
        "macro-F1",
        "epoch mean",
    ] {
        assert!(shown.iter().any(|t| t == text), "{text} missing: {shown:?}");
    }
    // One point per epoch on each panel, the ring around the kept epoch and its legend mark.
    assert_eq!(svg.matches("<circle").count(), 3 + 3 + 1 + 1);
    // Loss polylines: the logged steps and the epoch means.
    assert!(svg.matches("<polyline").count() >= 2);
}
