//! `stance report` on predictions made by a tiny model built in the test: the page is one
//! self-contained file, hostile article text stays inert data, the actor × topic table and the
//! timelines are there, it works without the articles file, and bad input fails cleanly.

mod common;

use std::path::{Path, PathBuf};

use base64::Engine;
use common::{assert_clean_failure, run_stance as stance};
use serde_json::Value;

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

const HOSTILE: &str = "Turkey opposed the referendum. <script>alert('x')</script> \
    He said Ankara would not recognise the vote </script><img src=x onerror=alert(1)> & more.";

fn corpus() -> String {
    let mut lines = vec![
        serde_json::json!({"id": "evil", "topic": "the <b>referendum</b>", "date": "2017-10-04",
            "text": HOSTILE, "actors": ["turkey", "<i>iran</i>"]}),
        serde_json::json!({"id": "u1", "topic": "the referendum", "date": "2017-09-01",
            "text": "Iran backed the deal. Rouhani said Tehran will welcome the trade deal.",
            "actors": ["iran", "rouhani"]}),
        serde_json::json!({"id": "u2", "topic": "the referendum",
            "text": "The court ruling was against the tax. Iran said the climate tax is in the deal.",
            "actors": ["The  Iran", "the court"]}),
    ];
    lines.push(serde_json::json!({"id": "broken", "topic": "no text here"}));
    lines.iter().map(|l| format!("{l}\n")).collect::<String>()
}

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Fixture {
    /// A tiny model, the corpus and its predictions (with one error record).
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        common::write_tiny_folder(&dir.join("model"), 5, false);
        std::fs::write(dir.join("corpus.jsonl"), corpus()).unwrap();
        let run = stance(&[
            "predict",
            "-m",
            &s(&dir.join("model")),
            "-i",
            &s(&dir.join("corpus.jsonl")),
            "-o",
            &s(&dir.join("predictions.jsonl")),
            "--skip-invalid",
            "-q",
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        Fixture { _tmp: tmp, dir }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
    /// Runs `stance report` on the predictions; returns the page.
    fn report(&self, extra: &[&str]) -> String {
        let out = self.path("report.html");
        let predictions = s(&self.path("predictions.jsonl"));
        let out_arg = s(&out);
        let mut args = vec!["report", &predictions, "-o", &out_arg, "-q"];
        args.extend(extra);
        // The corpus has the invalid line that predict skipped: report skips it the same way.
        if extra.contains(&"--articles") {
            args.push("--skip-invalid");
        }
        let run = stance(&args);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::fs::read_to_string(out).unwrap()
    }
}

/// The JSON embedded in the page.
fn data(page: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"stance-data\">";
    let start = page.find(open).expect("data element") + open.len();
    let end = start + page[start..].find("</script>").expect("closed");
    serde_json::from_str(&page[start..end]).expect("valid JSON")
}

/// The text of the single `<tag>…</tag>` element that has no attributes.
fn element<'a>(page: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let start = page.find(&open).expect("element") + open.len();
    let end = start + page[start..].find(&format!("</{tag}>")).expect("closed");
    &page[start..end]
}

fn sha256_source(text: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    )
}

#[test]
fn hostile_text_stays_data_and_the_page_is_self_contained() {
    let f = Fixture::new();
    let page = f.report(&["--articles", &s(&f.path("corpus.jsonl"))]);
    // Only the page's own two script elements: the data block and the code.
    assert_eq!(page.matches("<script").count(), 2, "a <script> got through");
    assert!(
        !page.contains("<img src=x"),
        "article markup got into the page"
    );
    assert!(
        !page.contains("<b>referendum"),
        "topic markup got into the page"
    );
    assert!(page.contains("\\u003cscript\\u003ealert('x')\\u003c/script\\u003e"));
    // Nothing is loaded from anywhere, and only the inline code may run (checked by hash).
    let open = "id=\"stance-data\">";
    let (head, rest) = page.split_once(open).unwrap();
    let outside_data = format!("{head}{}", &rest[rest.find("</script>").unwrap()..]);
    for reference in ["<link", " src=", " href=", "url("] {
        assert!(!outside_data.contains(reference), "{reference}");
    }
    let csp_start = page.find("Content-Security-Policy\" content=\"").unwrap() + 34;
    let csp = &page[csp_start..csp_start + page[csp_start..].find('"').unwrap()];
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let script = page
        .rsplit("<script>")
        .next()
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    assert!(
        csp.contains(&format!("script-src {}", sha256_source(script))),
        "{csp}"
    );
    assert!(csp.contains(&format!(
        "style-src {}",
        sha256_source(element(&page, "style"))
    )));

    let data = data(&page);
    // The hostile text comes back exactly, in sentence and mention runs.
    let evil = &data["articles"][0];
    assert_eq!(evil["id"], "evil");
    assert_eq!(evil["full_text"], true);
    let text: String = evil["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap())
        .collect();
    assert_eq!(text, HOSTILE);
    let mentions: Vec<&str> = evil["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p[2].as_i64().unwrap() >= 0)
        .map(|p| p[0].as_str().unwrap())
        .collect();
    assert_eq!(
        mentions,
        ["Turkey", "Ankara"],
        "Turkey's mentions, alias included"
    );
    assert_eq!(data["summary"]["errors"], 1);
    assert_eq!(data["summary"]["articles"], 3);
    assert_eq!(data["summary"]["with_text"], 3);
    assert_eq!(data["summary"]["dated"], 2);
}

#[test]
fn the_actor_table_groups_actors_across_articles_with_counts_and_confidence() {
    let f = Fixture::new();
    let page = f.report(&["--articles", &s(&f.path("corpus.jsonl"))]);
    let data = data(&page);
    let actors: Vec<&str> = data["actors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    // "iran" and "The  Iran" are one actor; "<i>iran</i>" is another (its own name).
    assert_eq!(
        actors
            .iter()
            .filter(|a| a.to_lowercase().contains("iran"))
            .count(),
        2
    );
    let labels = data["labels"].as_array().unwrap().len();
    assert_eq!(labels, 3);
    let table = data["table"].as_array().unwrap();
    let iran = actors.iter().position(|a| *a == "iran").unwrap();
    let row = table
        .iter()
        .find(|r| {
            r["actor"] == iran
                && data["topics"][r["topic"].as_u64().unwrap() as usize] == "the referendum"
        })
        .expect("an iran × referendum row");
    assert_eq!(row["articles"], 2);
    let counts: u64 = row["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(counts, 2);
    let confidence = row["confidence"].as_f64().unwrap();
    assert!((1.0 / 3.0..=1.0).contains(&confidence), "{confidence}");
    // Two dated articles: every actor in them has a timeline (at most --top-actors).
    assert_eq!(data["timelines"].as_array().unwrap().len(), 4);
    let page = f.report(&[
        "--articles",
        &s(&f.path("corpus.jsonl")),
        "--top-actors",
        "1",
    ]);
    assert_eq!(self::data(&page)["timelines"].as_array().unwrap().len(), 1);
}

#[test]
fn without_articles_the_evidence_sentences_are_shown() {
    let f = Fixture::new();
    let page = f.report(&[]);
    assert_eq!(page.matches("<script").count(), 2);
    let data = data(&page);
    assert!(data["summary"]["articles_file"].is_null());
    assert!(data["timelines"].as_array().unwrap().is_empty());
    assert_eq!(data["table"].as_array().unwrap().len(), 5);
    let evil = &data["articles"][0];
    assert_eq!(evil["full_text"], false);
    let text: String = evil["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap())
        .collect();
    // Turkey's evidence: its sentence and the "He said …" follow-up (which holds the markup).
    assert!(text.starts_with("Turkey opposed the referendum."), "{text}");
    assert!(text.contains("</script><img src=x"), "{text}");
}

#[test]
fn bad_input_fails_with_file_line_and_field() {
    let f = Fixture::new();
    let cases = [
        (
            "not-json.jsonl",
            "{\"id\": \"a\"\n",
            "not-json.jsonl:1:",
            "",
        ),
        (
            "no-topic.jsonl",
            "{\"id\": \"a\", \"actors\": []}\n",
            "no-topic.jsonl:1:",
            "`topic`",
        ),
        (
            "bad-actor.jsonl",
            "\n{\"id\": \"a\", \"topic\": \"t\", \"actors\": [{\"name\": \"X\"}]}\n",
            "bad-actor.jsonl:2:",
            "actors[0]",
        ),
    ];
    for (name, content, place, field) in cases {
        let path = f.path(name);
        std::fs::write(&path, content).unwrap();
        let run = stance(&["report", &s(&path), "-o", &s(&f.path("x.html"))]);
        let err = assert_clean_failure(&run);
        assert!(err.contains(place) && err.contains(field), "{name}: {err}");
    }
    // A date that is not a date is a warning naming the line; the article is shown undated.
    let articles = f.path("dates.jsonl");
    std::fs::write(
        &articles,
        "{\"id\": \"u1\", \"topic\": \"t\", \"text\": \"x\", \"date\": \"04/10/2017\"}\n",
    )
    .unwrap();
    let run = stance(&[
        "report",
        &s(&f.path("predictions.jsonl")),
        "--articles",
        &s(&articles),
        "-o",
        &s(&f.path("x.html")),
    ]);
    let err = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{err}");
    assert!(err.contains("dates.jsonl:1: field `date`"), "{err}");
    assert!(f.path("x.html").exists());
}
