//! `stance predict` over a corpus with a tiny model built in the test: one record per article,
//! shards that partition the input, resume after a kill, bad lines reported.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use common::run_stance as stance;

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

fn corpus(count: usize) -> String {
    let mut lines = String::new();
    for i in 0..count {
        let text = [
            "Turkey opposed the referendum. He said Ankara would not recognise the vote.",
            "Iran backed the deal. Rouhani said Tehran will welcome the trade deal.",
            "The court ruling was against the tax. The minister said the climate tax is in the deal.",
        ][i % 3];
        let actors = match i % 3 {
            0 => serde_json::json!(["turkey", {"name": "iraq", "aliases": ["iraq government"]}]),
            1 => serde_json::json!([{"name": "rouhani"}, "iran"]),
            _ => serde_json::json!(["the court", "the minister", "iran"]),
        };
        lines.push_str(
            &serde_json::json!({"id": format!("a{i}"), "topic": "the referendum", "text": text,
                "actors": actors})
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
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        common::write_tiny_folder(&dir.join("model"), 5, false);
        std::fs::write(dir.join("corpus.jsonl"), corpus(50)).unwrap();
        Fixture { _tmp: tmp, dir }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
    fn predict(&self, extra: &[&str]) -> Output {
        let mut args = vec![
            "predict".to_string(),
            "-m".into(),
            s(&self.path("model")),
            "--input".into(),
            s(&self.path("corpus.jsonl")),
            "--chunk".into(),
            "8".into(),
            "--quiet".into(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        stance(&refs)
    }
}

fn records(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
        .collect()
}

fn by_id(records: &[serde_json::Value]) -> BTreeMap<String, serde_json::Value> {
    let mut map = BTreeMap::new();
    for r in records {
        let id = r["id"].as_str().unwrap().to_string();
        assert!(map.insert(id.clone(), r.clone()).is_none(), "{id} twice");
    }
    map
}

#[test]
fn every_article_once_with_each_given_actor_probabilities_and_evidence() {
    let f = Fixture::new();
    let out = f.path("out.jsonl");
    let run = f.predict(&["-o", &s(&out)]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let all = records(&out);
    assert_eq!(all.len(), 50);
    let first = &all[0];
    assert_eq!(first["id"], "a0");
    let actors = first["actors"].as_array().unwrap();
    let names: Vec<&str> = actors.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["turkey", "iraq"]);
    for actor in actors {
        let p: f64 = actor["probabilities"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        assert!((p - 1.0).abs() < 1e-4, "{actor}");
        assert!(["FAVOR", "AGAINST", "NONE"].contains(&actor["stance"].as_str().unwrap()));
    }
    // Turkey is mentioned in sentence 0 and followed up by "he said …" in sentence 1.
    let evidence: Vec<u64> = actors[0]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sentence"].as_u64().unwrap())
        .collect();
    assert_eq!(evidence, [0, 1]);
    assert_eq!(actors[0]["mentioned"], true);
    // "iraq" is not in the text: reported, flagged as not mentioned.
    assert_eq!(actors[1]["mentioned"], false);
    // The output exists now: a second run needs --resume or --force.
    let again = f.predict(&["-o", &s(&out)]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--resume"));
    // That check comes before the models are loaded: with a model that is not there, the
    // output is still what the error is about.
    let missing = s(&f.path("no-such-model"));
    let refused = stance(&[
        "predict",
        "-m",
        &missing,
        "--input",
        &s(&f.path("corpus.jsonl")),
        "-o",
        &s(&out),
    ]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        stderr.contains("exists: continue it with --resume") && !stderr.contains("no-such-model"),
        "{stderr}"
    );
}

#[test]
fn shards_partition_the_corpus_and_match_a_single_run() {
    let f = Fixture::new();
    let whole = f.path("whole.jsonl");
    assert!(f.predict(&["-o", &s(&whole)]).status.success());
    let whole = by_id(&records(&whole));
    let mut union = BTreeMap::new();
    for i in 0..3 {
        let out = f.path(&format!("shard{i}.jsonl"));
        let run = f.predict(&["-o", &s(&out), "--shard", &format!("{i}/3")]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        for (id, r) in by_id(&records(&out)) {
            assert!(union.insert(id, r).is_none(), "an article in two shards");
        }
    }
    assert_eq!(
        union.keys().collect::<BTreeSet<_>>(),
        whole.keys().collect::<BTreeSet<_>>()
    );
    for (id, r) in &union {
        assert_eq!(
            r["actors"].as_array().unwrap().len(),
            whole[id]["actors"].as_array().unwrap().len()
        );
        for (a, b) in r["actors"]
            .as_array()
            .unwrap()
            .iter()
            .zip(whole[id]["actors"].as_array().unwrap())
        {
            assert_eq!(a["stance"], b["stance"], "{id}");
        }
    }
    let bad = f.predict(&["--shard", "3/3"]);
    assert!(!bad.status.success());
}

#[test]
fn a_killed_run_resumes_with_every_article_exactly_once() {
    let f = Fixture::new();
    let whole = f.path("whole.jsonl");
    assert!(f.predict(&["-o", &s(&whole)]).status.success());
    // A kill after 20 complete records, in the middle of the 21st line.
    let text = std::fs::read_to_string(&whole).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut partial = lines[..20].join("\n");
    partial.push('\n');
    partial.push_str(&lines[20][..lines[20].len() / 2]);
    let out = f.path("out.jsonl");
    std::fs::write(&out, partial).unwrap();
    let run = f.predict(&["-o", &s(&out), "--resume"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let resumed = by_id(&records(&out));
    let whole = by_id(&records(&whole));
    assert_eq!(
        resumed.keys().collect::<Vec<_>>(),
        whole.keys().collect::<Vec<_>>()
    );
    // Same decisions; probabilities equal up to float noise (articles are batched differently).
    for (id, r) in &resumed {
        for (a, b) in r["actors"]
            .as_array()
            .unwrap()
            .iter()
            .zip(whole[id]["actors"].as_array().unwrap())
        {
            assert_eq!(
                (&a["name"], &a["stance"]),
                (&b["name"], &b["stance"]),
                "{id}"
            );
            for (label, p) in a["probabilities"].as_object().unwrap() {
                let q = b["probabilities"][label].as_f64().unwrap();
                assert!((p.as_f64().unwrap() - q).abs() < 1e-4, "{id} {label}");
            }
        }
    }
}

#[test]
fn bad_lines_stop_with_file_and_line_or_become_error_records() {
    let f = Fixture::new();
    let good = corpus(2);
    let huge =
        serde_json::json!({"id": "big", "topic": "t", "text": "a ".repeat(3 << 20)}).to_string();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "malformed",
            format!("{good}{{\"id\": \"x\", \"text\n").into_bytes(),
            ":3:",
        ),
        (
            "no_topic",
            format!("{good}{{\"id\": \"x\", \"text\": \"turkey\"}}\n").into_bytes(),
            "`topic`",
        ),
        (
            "empty",
            format!("{good}{{\"id\": \"x\", \"topic\": \"t\", \"text\": \"\"}}\n").into_bytes(),
            "`text` is empty",
        ),
        ("huge", format!("{good}{huge}\n").into_bytes(), "limit"),
        (
            "latin1",
            [
                good.as_bytes(),
                b"{\"id\": \"x\", \"topic\": \"t\", \"text\": \"caf\xe9\"}\n",
            ]
            .concat(),
            "not UTF-8",
        ),
        (
            "duplicate",
            format!("{good}{}", corpus(1)).into_bytes(),
            "twice",
        ),
    ];
    for (name, content, needle) in cases {
        let input = f.path(&format!("{name}.jsonl"));
        std::fs::write(&input, &content).unwrap();
        let out = f.path(&format!("{name}.out.jsonl"));
        let run = stance(&[
            "predict",
            "-m",
            &s(&f.path("model")),
            "--input",
            &s(&input),
            "-o",
            &s(&out),
            "--quiet",
        ]);
        let err = String::from_utf8_lossy(&run.stderr).into_owned();
        assert!(!run.status.success(), "{name}: succeeded");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: {err}");
        assert!(
            err.contains(&format!("{name}.jsonl:3")) && err.contains(needle),
            "{name}: {err}"
        );
        // The two good articles before the bad line are kept, whole.
        assert_eq!(records(&out).len(), 2, "{name}");
        // With --skip-invalid the bad line becomes an error record and nothing is lost.
        let out = f.path(&format!("{name}.skip.jsonl"));
        let run = stance(&[
            "predict",
            "-m",
            &s(&f.path("model")),
            "--input",
            &s(&input),
            "-o",
            &s(&out),
            "--skip-invalid",
            "--quiet",
        ]);
        assert!(
            run.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let all = records(&out);
        assert_eq!(all.len(), 3, "{name}");
        assert!(
            all[2]["error"].as_str().unwrap().contains(needle),
            "{name}: {}",
            all[2]
        );
    }
}

#[test]
fn one_article_prints_a_table() {
    let f = Fixture::new();
    let article = f.path("article.txt");
    std::fs::write(
        &article,
        "turkey opposed the referendum . erdogan said ankara would not recognise the vote .",
    )
    .unwrap();
    let run = stance(&[
        "predict",
        "-m",
        &s(&f.path("model")),
        "--text",
        &s(&article),
        "--topic",
        "the referendum",
        "--actor",
        "turkey",
        "--actor",
        "erdogan",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let table = String::from_utf8_lossy(&run.stdout);
    assert!(
        table.contains("turkey") && table.contains("erdogan") && table.contains("P(FAV)"),
        "{table}"
    );
}
