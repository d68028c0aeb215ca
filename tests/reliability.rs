//! The reliability defects of issue 14, one test each (checkpoint rotation is in tests/train.rs,
//! the JSONL reader's byte-order mark, duplicate keys and messages in src/data/jsonl.rs): each
//! of these failed on the code before the fix.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_clean_failure, run_stance as stance};

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

fn article(id: serde_json::Value, text: &str) -> String {
    serde_json::json!({"id": id, "topic": "the referendum", "text": text, "actors": ["Turkey"]})
        .to_string()
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
        Fixture { _tmp: tmp, dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn write(&self, name: &str, lines: &[String]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        path
    }

    fn predict(&self, input: &Path, output: &Path, extra: &[&str]) -> std::process::Output {
        let (model, input, output) = (s(&self.path("model")), s(input), s(output));
        let mut args = vec![
            "predict", "-m", &model, "--input", &input, "-o", &output, "--quiet",
        ];
        args.extend_from_slice(extra);
        stance(&args)
    }
}

fn records(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Defect 2: an explicit id `line:N` collided with the error record of input line N.
#[test]
fn explicit_line_ids_are_reserved_so_error_records_never_collide() {
    let f = Fixture::new();
    let input = f.write(
        "in.jsonl",
        &[
            article("a".into(), "Turkey opposed the referendum."),
            "{\"id\": \"b\", \"text".to_string(),
            article("line:2".into(), "Turkey said no."),
            article("c".into(), "Turkey opposed it."),
        ],
    );
    let out = f.path("out.jsonl");
    let run = f.predict(&input, &out, &["--skip-invalid"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let all = records(&out);
    let ids: Vec<&str> = all.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), 4, "ids collide: {ids:?}");
    let reserved = all.iter().find(|r| r["id"] == "line:3").unwrap();
    assert!(
        reserved["error"].as_str().unwrap().contains("reserved"),
        "{reserved}"
    );
    // A resumed run finds every record and adds none.
    let run = f.predict(&input, &out, &["--skip-invalid", "--resume"]);
    assert!(run.status.success());
    assert_eq!(records(&out).len(), 4);
}

/// Defect 3: huge or non-integer numeric ids went through f64.
#[test]
fn numeric_ids_round_trip_exactly_or_are_refused() {
    let f = Fixture::new();
    let input = f.write(
        "ok.jsonl",
        &[
            article(
                serde_json::json!(18446744073709551615u64),
                "Turkey opposed it.",
            ),
            article(serde_json::json!(-7), "Turkey opposed it."),
        ],
    );
    let out = f.path("ok.out.jsonl");
    assert!(f.predict(&input, &out, &[]).status.success());
    let ids: Vec<String> = records(&out)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["18446744073709551615", "-7"]);

    for (name, id) in [
        ("over64", "18446744073709551617"),
        ("bignum", "12345678901234567890123"),
        ("exponent", "1e2"),
        ("fraction", "100.0"),
    ] {
        let line = format!("{{\"id\": {id}, \"topic\": \"t\", \"text\": \"Turkey opposed it.\"}}");
        let input = f.write(&format!("{name}.jsonl"), &[line]);
        let out = f.path(&format!("{name}.out.jsonl"));
        let err = assert_clean_failure(&f.predict(&input, &out, &[]));
        assert!(
            err.contains(":1:") && err.contains("field `id`") && err.contains("string"),
            "{name}: {err}"
        );
    }
}

/// Defect 4: `report --articles` refused what `predict --skip-invalid` accepted.
#[test]
fn report_reads_the_articles_predict_read_and_reports_bad_dates_per_article() {
    let f = Fixture::new();
    let dated = |id: &str, date: &str| {
        serde_json::json!({"id": id, "topic": "the referendum", "date": date,
            "text": "Turkey opposed the referendum.", "actors": ["Turkey"]})
        .to_string()
    };
    let input = f.write(
        "in.jsonl",
        &[
            dated("a", "2017-10-04"),
            "{oops".to_string(),
            dated("b", "20231018"),
            dated("c", "2023-13-45"),
            dated("d", "not a date"),
        ],
    );
    let out = f.path("p.jsonl");
    assert!(f
        .predict(&input, &out, &["--skip-invalid"])
        .status
        .success());
    let page = f.path("report.html");
    let report = |extra: &[&str]| {
        let (p, i, o) = (s(&out), s(&input), s(&page));
        let mut args = vec!["report", &p, "--articles", &i, "-o", &o];
        args.extend_from_slice(extra);
        stance(&args)
    };
    // Without --skip-invalid the malformed line stops the report, naming it.
    let err = assert_clean_failure(&report(&[]));
    assert!(err.contains("in.jsonl:2"), "{err}");
    let run = report(&["--skip-invalid"]);
    let err = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{err}");
    for line in [":3:", ":4:", ":5:"] {
        assert!(
            err.contains(&format!("in.jsonl{line} field `date`")),
            "{line}: {err}"
        );
    }
    assert!(err.contains("1 invalid lines"), "{err}");
    assert!(std::fs::read_to_string(&page).unwrap().contains("<html"));
}

/// Defect 5: an input error left a 0-byte output that refused the corrected rerun.
#[test]
fn a_run_that_fails_before_writing_leaves_no_output_behind() {
    let f = Fixture::new();
    for format in ["jsonl", "csv"] {
        let input = f.write("bad.jsonl", &["{\"id\": 1, \"text".to_string()]);
        let out = f.path(&format!("o.{format}"));
        assert_clean_failure(&f.predict(&input, &out, &[]));
        assert!(!out.exists(), "{format}: output left behind");
        // --force onto an existing output keeps it until something is written.
        std::fs::write(&out, "kept").unwrap();
        assert_clean_failure(&f.predict(&input, &out, &["--force"]));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "kept", "{format}");
        std::fs::remove_file(&out).unwrap();
        // The corrected input then runs without --force.
        let input = f.write("good.jsonl", &[article("a".into(), "Turkey opposed it.")]);
        let run = f.predict(&input, &out, &[]);
        assert!(
            run.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    // An empty input still gives an (empty) output, as before.
    let empty = f.write("empty.jsonl", &[]);
    let out = f.path("empty.out.jsonl");
    assert!(f.predict(&empty, &out, &[]).status.success());
    assert!(out.exists());
}

/// Defect 7: messages that named no field, or the wrong thing.
#[test]
fn messages_name_the_field_and_what_the_file_looks_like() {
    let f = Fixture::new();
    let cases: [(&str, &str, &str); 4] = [
        ("null", "null", "expected a JSON object"),
        (
            "actors",
            r#"{"topic": "t", "text": "x", "actors": 5}"#,
            "field `actors`",
        ),
        ("topic", r#"{"topic": 3, "text": "x"}"#, "field `topic`"),
        (
            "twice",
            r#"{"topic": "t", "text": "x", "text": "y"}"#,
            "key `text` is given twice",
        ),
    ];
    for (name, line, needle) in cases {
        let input = f.write(&format!("{name}.jsonl"), &[line.to_string()]);
        let err = assert_clean_failure(&f.predict(&input, &f.path("o.jsonl"), &[]));
        assert!(err.contains(needle) && err.contains(":1:"), "{name}: {err}");
    }

    // A labelled example with a label of the wrong type.
    let data = f.write(
        "examples.jsonl",
        &[r#"{"topic": "t", "text": "x", "label": 1}"#.to_string()],
    );
    let run = stance(&["eval", "-m", &s(&f.path("model")), &s(&data)]);
    let err = assert_clean_failure(&run);
    assert!(err.contains("field `label`"), "{err}");

    // The wrong importer names the format it expected and what the file looks like.
    let semeval = f.write(
        "semeval.csv",
        &[
            "Tweet,Target,Stance,Opinion Towards,Sentiment".to_string(),
            "hello,Atheism,AGAINST,1,neg".to_string(),
        ],
    );
    for format in ["vast", "seesaw"] {
        let run = stance(&[
            "data",
            "import",
            "--format",
            format,
            &s(&semeval),
            "-o",
            &s(&f.path("x.jsonl")),
        ]);
        let err = assert_clean_failure(&run);
        assert!(
            err.contains(&format!("--format {format} expects"))
                && err.contains("SemEval-2016")
                && err.contains("try --format semeval2016"),
            "{format}: {err}"
        );
    }

    // CSV resume onto a JSONL output says so, briefly.
    let input = f.write(
        "good.jsonl",
        &[article("a".into(), &"Turkey opposed it. ".repeat(200))],
    );
    let out = f.path("o.out");
    assert!(f.predict(&input, &out, &[]).status.success());
    let err = assert_clean_failure(&f.predict(&input, &out, &["--format", "csv", "--resume"]));
    assert!(err.contains("JSONL") && err.len() < 400, "{err}");

    // A broken tokenizer.json says what it means.
    let broken = f.path("broken");
    common::write_tiny_folder(&broken, 5, false);
    std::fs::write(
        broken.join("tokenizer.json"),
        r#"{"model": {"type": "nonsense"}}"#,
    )
    .unwrap();
    let run = stance(&[
        "classify",
        "-m",
        &s(&broken),
        "--text",
        &s(&input),
        "--topic",
        "t",
    ]);
    let err = assert_clean_failure(&run);
    assert!(
        err.contains("tokenizer.json") && err.contains("not a tokenizer"),
        "{err}"
    );
}

/// Defect 8: `train --skip-invalid --quiet` skipped silently; `--text` had no size limit; one
/// over-long sentence was the whole evidence whatever the budget.
#[test]
fn skipped_training_lines_are_recorded_limits_are_shared_and_evidence_fits_the_budget() {
    let f = Fixture::new();
    let mut lines: Vec<String> = (0..24)
        .map(|i| {
            let label = ["FAVOR", "AGAINST", "NONE"][i % 3];
            serde_json::json!({"topic": "t", "text": format!("text {i}"), "label": label})
                .to_string()
        })
        .collect();
    lines.insert(3, "{\"topic\": \"t\"".to_string());
    let train = f.write("train.jsonl", &lines);
    let out = f.path("trained");
    let run = stance(&[
        "train",
        "--base",
        &s(&f.path("model")),
        "--train",
        &s(&train),
        "-o",
        &s(&out),
        "--epochs",
        "1",
        "--skip-invalid",
        "--quiet",
    ]);
    let err = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{err}");
    assert!(err.contains("skipped 1 invalid lines"), "{err}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("training.json")).unwrap()).unwrap();
    assert_eq!(summary["skipped_lines"][0]["count"], 1, "{summary}");
    assert!(summary["skipped_lines"][0]["first"]
        .as_str()
        .unwrap()
        .contains("train.jsonl:4"));

    // --text has the same limit as an --input line.
    let big = f.path("big.txt");
    std::fs::write(&big, "Turkey opposed it. ".repeat(60_000)).unwrap();
    let run = stance(&[
        "predict",
        "-m",
        &s(&f.path("model")),
        "--text",
        &s(&big),
        "--topic",
        "t",
        "--actor",
        "Turkey",
    ]);
    let err = assert_clean_failure(&run);
    assert!(err.contains("limit"), "{err}");

    // A 50,000-character "sentence" is cut to the context budget (the tiny model's default,
    // 1,200 characters) in the evidence.
    let long = format!("Turkey {}", "word ".repeat(10_000));
    let input = f.write("long.jsonl", &[article("a".into(), &long)]);
    let out = f.path("long.out.jsonl");
    let run = f.predict(&input, &out, &[]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let record = &records(&out)[0];
    let evidence = record["actors"][0]["evidence"][0]["text"].as_str().unwrap();
    assert!(
        evidence.len() <= 1200 && evidence.len() > 900 && evidence.starts_with("Turkey"),
        "{} chars",
        evidence.len()
    );
}

/// Defect 9: the input convention is in the folder and `classify --show-input` shows it.
#[test]
fn the_folder_records_the_actor_marks_and_classify_shows_the_marked_text() {
    let f = Fixture::new();
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.path("model/config.json")).unwrap())
            .unwrap();
    let stance_section = &config["stance"];
    let pairs = f.write(
        "pairs.jsonl",
        &[
            serde_json::json!({"topic": "the vote", "actor": "Recep Tayyip Erdogan",
            "text": "Erdogan said no. Recep Tayyip Erdogan repeated it."})
            .to_string(),
        ],
    );
    let run = stance(&[
        "--precision",
        "f32",
        "classify",
        "-m",
        &s(&f.path("model")),
        "--input",
        &s(&pairs),
        "--json",
        "--show-input",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let shown: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&run.stdout).trim()).unwrap();
    assert_eq!(stance_section["mark_actor"], true);
    assert_eq!(stance_section["actor_marks"], serde_json::json!(["«", "»"]));
    assert_eq!(
        shown["context"],
        "« Erdogan » said no. « Recep Tayyip Erdogan » repeated it."
    );
    assert_eq!(
        shown["mentions"],
        serde_json::json!(["Erdogan", "Recep Tayyip Erdogan"])
    );
}
