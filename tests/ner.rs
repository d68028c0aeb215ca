//! The named-entity tagger (`--task ner`): CoNLL in, a `BertForTokenClassification` folder out,
//! entity-level scores; built on the tiny random encoder so that no download is needed.

mod common;

use std::path::Path;

use common::{assert_clean_failure, run_stance, write_tiny_folder};
use stance::ner::train::{
    checkpoint_dir, evaluate_ner, resume_ner, train_ner, NerEpoch, NerObserver, NerTrainSettings,
};
use stance::ner::{read_conll, NerModel};

/// Sentences over the tiny vocabulary, in CoNLL's four columns.
const TRAIN: &str = "\
erdogan NNP B-NP B-PER
said VBD B-VP O
turkey NNP B-NP B-LOC
would MD B-VP O
not RB I-VP O
recognise VB I-VP O
the DT B-NP O
vote NN I-NP O
. . O O

rouhani NNP B-NP B-PER
backed VBD B-VP O
the DT B-NP O
deal NN I-NP O
in IN B-PP O
tehran NNP B-NP B-LOC
. . O O

the DT B-NP O
kurdish JJ I-NP B-MISC
referendum NN I-NP O
was VBD B-VP O
opposed VBN I-VP O
by IN B-PP O
iraq NNP B-NP B-LOC
and CC O O
iran NNP B-NP B-LOC
. . O O

president NNP B-NP O
erdogan NNP I-NP B-PER
and CC O O
rouhani NNP B-NP B-PER
said VBD B-VP O
the DT B-NP O
court NN I-NP B-ORG
ruling NN I-NP O
was VBD B-VP O
against IN B-PP O
ankara NNP B-NP B-LOC
. . O O
";

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `stance train --task ner` on `train` from the tiny `base` into `out`, fast settings plus
/// `extra`; fails the test if the run fails.
fn train_tiny_tagger(base: &Path, train: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "train",
        "--task",
        "ner",
        "-q",
        "--base",
        base.to_str().unwrap(),
        "--train",
        train.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--batch-size",
        "2",
        "--lr",
        "3e-3",
        "--warmup",
        "0",
        "--seed",
        "3",
    ];
    args.extend_from_slice(extra);
    let run = run_stance(&args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn a_trained_tagger_is_a_token_classification_folder_that_learns_its_data() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    write_tiny_folder(&base, 11, true);
    let train = write(tmp.path(), "train.txt", TRAIN);
    let out = tmp.path().join("tagger");
    train_tiny_tagger(
        &base,
        &train,
        &out,
        &["--dev", train.to_str().unwrap(), "--epochs", "200"],
    );

    // Hugging Face layout: the architecture, the CoNLL tags in HF's order, no pooler.
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["architectures"][0], "BertForTokenClassification");
    assert_eq!(config["id2label"]["0"], "O");
    assert_eq!(config["id2label"]["1"], "B-PER");
    assert!(config.get("stance").is_none());
    let weights =
        candle_core::safetensors::load(out.join("model.safetensors"), &candle_core::Device::Cpu)
            .unwrap();
    assert_eq!(weights["classifier.weight"].dims(), [9, 32]);
    assert!(
        weights.keys().all(|k| !k.contains("pooler")),
        "{:?}",
        weights.keys()
    );

    // It fits its training sentences (a tagger that ignored its head or its targets would not).
    let tagger = NerModel::from_dir(&out).unwrap();
    let sentences = read_conll(&train).unwrap();
    let (report, tags) = evaluate_ner(&tagger, &sentences, 8, 1).unwrap();
    assert_eq!(report.overall.gold, 11);
    assert!(report.overall.f1 > 0.95, "{report:?} {tags:?}");
    // Read three sentences at a time, the tags still come back sentence by sentence.
    let (joined, joined_tags) = evaluate_ner(&tagger, &sentences, 8, 3).unwrap();
    assert_eq!(joined.sentences, 4);
    let lengths: Vec<usize> = joined_tags.iter().map(Vec::len).collect();
    let words: Vec<usize> = sentences.iter().map(|s| s.words.len()).collect();
    assert_eq!(lengths, words);

    // In running text, its entities come back with byte ranges into the text.
    let article =
        "Erdogan said Turkey would not recognise the vote.\nRouhani backed the deal in Tehran.";
    let found = tagger.entities(&[article], 8).unwrap().remove(0);
    let kinds: Vec<(&str, &str)> = found
        .iter()
        .map(|m| (&article[m.start..m.end], m.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("Erdogan", "PER"),
            ("Turkey", "LOC"),
            ("Rouhani", "PER"),
            ("Tehran", "LOC")
        ],
        "{found:?}"
    );
    assert!(found.iter().all(|m| article[m.start..m.end] == m.text));

    // Discovery by the tagger finds the labelled actors, places through the gazetteer ("Tehran"
    // is Iran), where the rules read "in Tehran" as a place only.
    let articles = write(
        tmp.path(),
        "articles.jsonl",
        &format!(
            "{}\n",
            serde_json::json!({"id": "a", "topic": "the vote", "text": article, "actors": [
                {"name": "Erdogan", "stance": "AGAINST"},
                {"name": "Rouhani", "stance": "FAVOR"},
                {"name": "Iran", "aliases": ["Tehran"], "stance": "NONE"},
            ]})
        ),
    );
    let discovery = |how: &str| {
        let run = run_stance(&[
            "eval",
            "--task",
            "discovery",
            "--tagger",
            out.to_str().unwrap(),
            "--discovery",
            how,
            articles.to_str().unwrap(),
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        String::from_utf8_lossy(&run.stdout).to_string()
    };
    let by_tagger = discovery("tagger");
    assert!(by_tagger.contains("3 matched, recall 1.000"), "{by_tagger}");
    let by_rules = discovery("rules");
    assert!(!by_rules.contains("recall 1.000"), "{by_rules}");
    let by_both = discovery("both");
    assert!(by_both.contains("recall 1.000"), "{by_both}");

    // A stance model that carries the tagger finds actors with it in `stance predict`.
    let stance_model = tmp.path().join("stance-model");
    write_tiny_folder(&stance_model, 13, false);
    let run = run_stance(&[
        "model",
        "add-tagger",
        stance_model.to_str().unwrap(),
        "--tagger",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stance_model.join("tagger/config.json").is_file());
    let input = write(
        tmp.path(),
        "input.jsonl",
        &format!(
            "{}\n",
            serde_json::json!({"id": "a", "topic": "the vote", "text": article})
        ),
    );
    let predict = |extra: &[&str]| {
        let mut args = vec![
            "predict",
            "-q",
            "-m",
            stance_model.to_str().unwrap(),
            "--input",
            input.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let run = run_stance(&args);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let record: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        let mut names: Vec<String> = record["actors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    let by_both = predict(&[]);
    assert!(
        ["Erdogan", "Iran", "Rouhani", "Turkey"]
            .iter()
            .all(|name| by_both.iter().any(|n| n == name)),
        "{by_both:?}"
    );
    let by_rules = predict(&["--discovery", "rules"]);
    // The rules read "in Tehran" as a place only.
    assert!(!by_rules.iter().any(|n| n == "Iran"), "{by_rules:?}");

    // `stance eval --task ner` prints the conlleval-style table and writes JSON and tags.
    let json = tmp.path().join("scores.json");
    let predictions = tmp.path().join("tags.jsonl");
    let run = run_stance(&[
        "eval",
        "--task",
        "ner",
        "-m",
        out.to_str().unwrap(),
        train.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--predictions",
        predictions.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let table = String::from_utf8_lossy(&run.stdout);
    assert!(
        table.contains("PER") && table.lines().any(|l| l.starts_with("all")),
        "{table}"
    );
    let scores: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(scores["overall"]["gold"], 11);
    let lines = std::fs::read_to_string(predictions).unwrap();
    assert_eq!(lines.lines().count(), 4);
    assert!(lines.contains("\"predicted\""));

    // A tagger is not a stance model, and says so.
    let run = run_stance(&["eval", "-m", out.to_str().unwrap(), train.to_str().unwrap()]);
    let err = assert_clean_failure(&run);
    assert!(err.contains("named-entity tagger"), "{err}");
}

/// Pairs of sentences the uncased tokenizer reads alike: only the capital makes the entity.
const CASED_ONLY: &str = "\
Turkey NNP B-NP B-LOC
said VBD B-VP O
the DT B-NP O
vote NN I-NP O
. . O O

turkey NN B-NP O
said VBD B-VP O
the DT B-NP O
vote NN I-NP O
. . O O

Iran NNP B-NP B-LOC
backed VBD B-VP O
the DT B-NP O
deal NN I-NP O
. . O O

iran NN B-NP O
backed VBD B-VP O
the DT B-NP O
deal NN I-NP O
. . O O
";

#[test]
fn a_tagger_trained_with_casing_tells_words_apart_by_their_capitals_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    write_tiny_folder(&base, 11, true);
    let train = write(tmp.path(), "train.txt", CASED_ONLY);
    let sentences = read_conll(&train).unwrap();
    let fit = |casing: &str| {
        let out = tmp.path().join(format!("tagger-{casing}"));
        train_tiny_tagger(
            &base,
            &train,
            &out,
            &["--epochs", "150", "--casing", casing],
        );
        let tagger = NerModel::from_dir(&out).unwrap();
        let (report, _) = evaluate_ner(&tagger, &sentences, 8, 1).unwrap();
        (out, tagger.reads_casing(), report.overall.f1)
    };
    let (cased, reads_casing, cased_f1) = fit("true");
    assert!(reads_casing);
    assert!(cased_f1 > 0.95, "{cased_f1}");
    // The folder says so, with one token-type row per casing type, for transformers to load.
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cased.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["casing_token_types"], true);
    assert_eq!(config["type_vocab_size"], 3);
    let weights =
        candle_core::safetensors::load(cased.join("model.safetensors"), &candle_core::Device::Cpu)
            .unwrap();
    let name = weights
        .keys()
        .find(|k| k.ends_with("token_type_embeddings.weight"))
        .unwrap();
    assert_eq!(weights[name].dims(), [3, 32]);
    // Without casing the pairs are the same input: at best every copy is tagged alike.
    let (_, reads_casing, uncased_f1) = fit("false");
    assert!(!reads_casing);
    assert!(uncased_f1 < 0.7, "{uncased_f1}");
}

/// Stays quiet, or panics (a kill) when step `kill_at` ends.
struct KillAt(Option<usize>);

impl NerObserver for KillAt {
    fn started(&mut self, _total: usize, _summary: &str) {}
    fn step(&mut self, step: usize, _loss: f64) {
        if Some(step) == self.0 {
            panic!("killed at step {step}");
        }
    }
    fn epoch(&mut self, _epoch: &NerEpoch) {}
}

#[test]
fn a_tagger_run_killed_midway_resumes_to_the_same_tagger() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    write_tiny_folder(&base, 11, true);
    let train = write(tmp.path(), "train.txt", TRAIN);
    let mut settings = NerTrainSettings::new(base, train.clone());
    settings.dev_file = Some(train);
    settings.epochs = 4;
    settings.batch_size = 2;
    settings.learning_rate = 3e-3;
    let whole = tmp.path().join("whole");
    train_ner(&settings, &whole, false, &mut KillAt(None)).unwrap();
    assert!(!checkpoint_dir(&whole).exists());

    // Two steps per epoch: killed in the third epoch, after two checkpoints.
    let killed = tmp.path().join("killed");
    let kill = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        train_ner(&settings, &killed, false, &mut KillAt(Some(5)))
    }));
    assert!(kill.is_err());
    assert!(!killed.join("config.json").exists(), "no finished tagger");
    assert!(checkpoint_dir(&killed).join("state.json").is_file());
    // A fresh run refuses to overwrite the unfinished one.
    let err = train_ner(&settings, &killed, false, &mut KillAt(None))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("--resume"), "{err}");
    let summary = resume_ner(&killed, &mut KillAt(None)).unwrap();
    assert_eq!(summary.epochs.len(), 4);
    assert!(!checkpoint_dir(&killed).exists());
    let read = |dir: &Path| std::fs::read(dir.join("model.safetensors")).unwrap();
    assert!(read(&whole) == read(&killed), "the resumed tagger differs");
    let summary_of = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("training.json")).unwrap()).unwrap()
    };
    assert_eq!(summary_of(&whole)["epochs"], summary_of(&killed)["epochs"]);
}

#[test]
fn a_bad_conll_line_is_named_with_its_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    write_tiny_folder(&base, 12, true);
    let train = write(
        tmp.path(),
        "bad.txt",
        "erdogan NNP B-NP B-PER\nsaid VBD B-VP Q-PER\n",
    );
    let run = run_stance(&[
        "train",
        "--task",
        "ner",
        "-q",
        "--base",
        base.to_str().unwrap(),
        "--train",
        train.to_str().unwrap(),
        "-o",
        tmp.path().join("t").to_str().unwrap(),
    ]);
    let err = assert_clean_failure(&run);
    assert!(err.contains("bad.txt:2: field NER: `Q-PER`"), "{err}");
}
