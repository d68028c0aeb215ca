//! `stance predict --format csv|parquet` with a tiny model built in the test: one flat row per
//! (article, actor) with the same decisions as the JSONL output, the expected columns, resume for
//! CSV, and clean refusals where a format cannot do what is asked.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{assert_clean_failure, run_stance as stance};

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// Ten articles with given actors, one whose actors are left to discovery (none are found in
/// its lowercase text) and one with a line break in its topic.
fn corpus() -> String {
    let mut lines = String::new();
    for i in 0..10 {
        let (text, actors) = if i % 2 == 0 {
            (
                "Turkey opposed the referendum. He said Ankara would not recognise the vote.",
                serde_json::json!(["turkey", {"name": "iraq", "aliases": ["iraq government"]}]),
            )
        } else {
            (
                "Iran backed the deal. Rouhani said Tehran will welcome the trade deal.",
                serde_json::json!([{"name": "rouhani"}, "iran", "the court"]),
            )
        };
        lines.push_str(
            &serde_json::json!({"id": format!("a{i}"), "topic": "the referendum", "text": text,
                "actors": actors})
            .to_string(),
        );
        lines.push('\n');
    }
    lines.push_str(r#"{"id": "quiet", "topic": "the vote", "text": "the vote was held ."}"#);
    lines.push('\n');
    lines.push_str(
        r#"{"id": "multi", "topic": "the\nvote", "text": "Turkey opposed the vote.", "actors": ["turkey"]}"#,
    );
    lines.push('\n');
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
        std::fs::write(dir.join("corpus.jsonl"), corpus()).unwrap();
        Fixture { _tmp: tmp, dir }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
    fn predict(&self, extra: &[&str]) -> Output {
        let model = s(&self.path("model"));
        let input = s(&self.path("corpus.jsonl"));
        let mut args = vec![
            "predict", "-m", &model, "--input", &input, "--chunk", "4", "--quiet",
        ];
        args.extend(extra);
        stance(&args)
    }
    fn predict_ok(&self, extra: &[&str]) {
        let run = self.predict(extra);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    /// (id, actor) → (stance, probabilities, evidence) from a JSONL run.
    fn jsonl_decisions(&self) -> Decisions {
        let out = self.path("reference.jsonl");
        if !out.exists() {
            self.predict_ok(&["-o", &s(&out)]);
        }
        let mut map = BTreeMap::new();
        for line in std::fs::read_to_string(&out).unwrap().lines() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            for actor in record["actors"].as_array().unwrap() {
                let p = ["FAVOR", "AGAINST", "NONE"]
                    .iter()
                    .map(|l| actor["probabilities"][l].as_f64().unwrap())
                    .collect();
                let evidence = actor["evidence"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["sentence"].as_u64().unwrap())
                    .collect();
                let key = (
                    record["id"].as_str().unwrap().to_string(),
                    actor["name"].as_str().unwrap().to_string(),
                );
                let stance = actor["stance"].as_str().unwrap().to_string();
                assert!(map.insert(key, (stance, p, evidence)).is_none());
            }
        }
        map
    }
}

/// (article id, actor) → (stance, probabilities in label order, evidence sentence indices).
type Decisions = BTreeMap<(String, String), (String, Vec<f64>, Vec<u64>)>;

const COLUMNS: [&str; 12] = [
    "id",
    "topic",
    "actor",
    "aliases",
    "discovered",
    "mentioned",
    "stance",
    "p_FAVOR",
    "p_AGAINST",
    "p_NONE",
    "evidence",
    "error",
];

fn read_csv(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader.records().map(|r| r.unwrap()).collect();
    (header, rows)
}

fn csv_decisions(rows: &[csv::StringRecord]) -> Decisions {
    let mut map = BTreeMap::new();
    for row in rows.iter().filter(|r| !r[2].is_empty()) {
        let p = (7..10).map(|i| row[i].parse::<f64>().unwrap()).collect();
        let evidence = row[10]
            .split(';')
            .filter(|e| !e.is_empty())
            .map(|e| e.parse().unwrap())
            .collect();
        let key = (row[0].to_string(), row[2].to_string());
        assert!(map.insert(key, (row[6].to_string(), p, evidence)).is_none());
    }
    map
}

fn assert_same_decisions(got: &Decisions, want: &Decisions) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (key, (stance, p, evidence)) in got {
        let (w_stance, w_p, w_evidence) = &want[key];
        assert_eq!((stance, evidence), (w_stance, w_evidence), "{key:?}");
        for (a, b) in p.iter().zip(w_p) {
            assert!((a - b).abs() < 1e-4, "{key:?}: {p:?} vs {w_p:?}");
        }
    }
}

#[test]
fn csv_has_one_row_per_actor_with_the_jsonl_decisions() {
    let f = Fixture::new();
    let out = f.path("out.csv");
    f.predict_ok(&["--format", "csv", "-o", &s(&out)]);
    let (header, rows) = read_csv(&out);
    assert_eq!(header, COLUMNS);
    let want = f.jsonl_decisions();
    // 5 articles × 2 actors + 5 × 3 + the article without actors + the multi-line topic.
    assert_eq!(rows.len(), 10 + 15 + 1 + 1);
    assert_eq!(want.len(), 26);
    assert_same_decisions(&csv_decisions(&rows), &want);
    let turkey = rows
        .iter()
        .find(|r| &r[0] == "a0" && &r[2] == "turkey")
        .unwrap();
    assert_eq!(
        &turkey[10], "0;1",
        "Turkey: sentence 0 and its 'He said' follow-up"
    );
    assert_eq!(&turkey[5], "true");
    let iraq = rows
        .iter()
        .find(|r| &r[0] == "a0" && &r[2] == "iraq")
        .unwrap();
    assert_eq!((&iraq[3], &iraq[5]), ("iraq government", "false"));
    // The article without actors keeps its id; its actor fields are empty.
    let quiet: Vec<_> = rows.iter().filter(|r| &r[0] == "quiet").collect();
    assert_eq!(quiet.len(), 1);
    assert!(quiet[0].iter().skip(2).all(str::is_empty), "{:?}", quiet[0]);
    // Every row is one line: the topic's line break became a space.
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), rows.len() + 1);
    assert!(text.contains("multi,the vote,turkey,"), "{text}");
    // The extension alone picks the format.
    let by_name = f.path("by-name.csv");
    f.predict_ok(&["-o", &s(&by_name)]);
    assert_eq!(std::fs::read_to_string(&by_name).unwrap(), text);
}

#[test]
fn a_killed_csv_run_resumes_with_every_row_exactly_once() {
    let f = Fixture::new();
    let whole = f.path("whole.csv");
    f.predict_ok(&["-o", &s(&whole)]);
    let text = std::fs::read_to_string(&whole).unwrap();
    // A kill in the middle of the 9th row (a0–a3 complete, a4 partly written).
    let lines: Vec<&str> = text.lines().collect();
    let mut partial = lines[..9].join("\n");
    partial.push('\n');
    partial.push_str(&lines[9][..lines[9].len() / 2]);
    let out = f.path("out.csv");
    std::fs::write(&out, partial).unwrap();
    f.predict_ok(&["-o", &s(&out), "--resume"]);
    let (header, rows) = read_csv(&out);
    assert_eq!(header, COLUMNS);
    let (_, whole_rows) = read_csv(&whole);
    // a4's complete first row is dropped with its cut-off second one and a4 is predicted again:
    // the same rows in the same order as the uninterrupted run.
    let key = |r: &csv::StringRecord| (r[0].to_string(), r[2].to_string(), r[6].to_string());
    assert_eq!(
        rows.iter().map(key).collect::<Vec<_>>(),
        whole_rows.iter().map(key).collect::<Vec<_>>()
    );
    assert_same_decisions(&csv_decisions(&rows), &csv_decisions(&whole_rows));

    // Resuming with another model's labels is refused, naming the file and line.
    let other = f.path("other.csv");
    std::fs::write(&other, "id,topic,actor,stance,p_PRO,p_CON\n").unwrap();
    let err = assert_clean_failure(&f.predict(&["-o", &s(&other), "--resume"]));
    assert!(err.contains("other.csv:1: cannot resume"), "{err}");
}

#[test]
fn csv_error_rows_carry_the_message() {
    let f = Fixture::new();
    let input = f.path("bad.jsonl");
    let mut text = corpus();
    text.push_str("{\"id\": \"x\", \"topic\": \"t\"}\n");
    std::fs::write(&input, text).unwrap();
    let out = f.path("bad.csv");
    let run = stance(&[
        "predict",
        "-m",
        &s(&f.path("model")),
        "-i",
        &s(&input),
        "-o",
        &s(&out),
        "--skip-invalid",
        "-q",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let (_, rows) = read_csv(&out);
    let last = rows.last().unwrap();
    assert_eq!(&last[0], "line:13");
    assert!(last[11].contains("missing field `text`"), "{last:?}");
}

/// The Parquet file read back with the parquet crate: column names, Arrow types, and the rows.
#[cfg(feature = "parquet")]
mod parquet_output {
    use super::*;

    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float32Type, Int32Type};
    use arrow_array::{Array, RecordBatch};
    use arrow_schema::DataType;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    fn read_parquet(path: &Path) -> Vec<RecordBatch> {
        let file = std::fs::File::open(path).unwrap();
        ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap()
            .map(|b| b.unwrap())
            .collect()
    }

    #[test]
    fn parquet_has_typed_columns_and_the_jsonl_decisions() {
        let f = Fixture::new();
        let out = f.path("out.parquet");
        f.predict_ok(&["--format", "parquet", "-o", &s(&out)]);
        assert!(!f.path("out.parquet.partial").exists());
        let batches = read_parquet(&out);
        let schema = batches[0].schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, COLUMNS);
        assert_eq!(schema.field(0).data_type(), &DataType::Utf8);
        assert!(!schema.field(0).is_nullable(), "every row has an id");
        assert_eq!(schema.field(7).data_type(), &DataType::Float32);
        assert!(
            matches!(schema.field(3).data_type(), DataType::List(item) if item.data_type() == &DataType::Utf8)
        );
        assert!(
            matches!(schema.field(10).data_type(), DataType::List(item) if item.data_type() == &DataType::Int32)
        );

        let mut got = BTreeMap::new();
        let mut rows = 0;
        let mut quiet_rows = 0;
        for batch in &batches {
            rows += batch.num_rows();
            let id = batch.column(0).as_string::<i32>();
            let actor = batch.column(2).as_string::<i32>();
            let stance = batch.column(6).as_string::<i32>();
            let evidence = batch.column(10).as_list::<i32>();
            for r in 0..batch.num_rows() {
                if actor.is_null(r) {
                    assert_eq!(id.value(r), "quiet");
                    assert!(evidence.is_null(r) && stance.is_null(r));
                    quiet_rows += 1;
                    continue;
                }
                let p = (7..10)
                    .map(|c| batch.column(c).as_primitive::<Float32Type>().value(r) as f64)
                    .collect();
                let e = evidence.value(r);
                let sentences = e
                    .as_primitive::<Int32Type>()
                    .values()
                    .iter()
                    .map(|&v| v as u64)
                    .collect();
                let key = (id.value(r).to_string(), actor.value(r).to_string());
                let value = (stance.value(r).to_string(), p, sentences);
                assert!(got.insert(key, value).is_none());
            }
        }
        assert_eq!((rows, quiet_rows), (27, 1));
        assert_same_decisions(&got, &f.jsonl_decisions());
    }

    #[test]
    fn parquet_refuses_resume_and_stdout_and_leaves_nothing_after_a_failure() {
        let f = Fixture::new();
        let out = f.path("out.parquet");
        let err = assert_clean_failure(&f.predict(&["-o", &s(&out), "--resume"]));
        assert!(
            err.contains("--resume does not work with --format parquet"),
            "{err}"
        );
        let err = assert_clean_failure(&f.predict(&["--format", "parquet"]));
        assert!(err.contains("needs an output file"), "{err}");

        // A bad line stops the run: no file that looks finished, no partial file either.
        let input = f.path("bad.jsonl");
        std::fs::write(&input, format!("{}{{\"id\": \"x\"}}\n", corpus())).unwrap();
        let run = stance(&[
            "predict",
            "-m",
            &s(&f.path("model")),
            "-i",
            &s(&input),
            "-o",
            &s(&out),
            "--chunk",
            "4",
            "-q",
        ]);
        let err = assert_clean_failure(&run);
        assert!(err.contains("bad.jsonl:13"), "{err}");
        assert!(!out.exists() && !f.path("out.parquet.partial").exists());
    }
}
