//! Actor discovery measured on the project's labelled articles: precision and recall of the
//! actors found without being given, against the labelled actors of each article (a lower
//! bound on precision: articles mention more actors than are labelled). Prints the figures and
//! guards them against regressions.

use std::path::PathBuf;

use stance::data::jsonl::JsonlReader;
use stance::data::schema::{RawRecord, Record};
use stance::text::discovery::{discover_actors, match_counts};

fn articles(split: &str) -> Vec<stance::data::schema::Article> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("datasets/articles/{split}.jsonl"));
    let labels: Vec<String> = vec!["FAVOR".into(), "AGAINST".into(), "NONE".into()];
    JsonlReader::<RawRecord>::open(&path)
        .unwrap()
        .map(|item| {
            let (line, raw) = item.unwrap();
            match raw.validate(&labels, &line.to_string()).unwrap() {
                Record::Article(article) => article,
                Record::Example(_) => panic!("{split}:{line} is not an article"),
            }
        })
        .collect()
}

fn scores(split: &str) -> (f64, f64) {
    let (mut tp, mut found, mut gold) = (0, 0, 0);
    for article in articles(split) {
        let discovered = discover_actors(&article.text);
        let wanted: Vec<(String, Vec<String>)> = article
            .actors
            .iter()
            .map(|a| (a.name.clone(), a.aliases.clone()))
            .collect();
        let (t, f, g) = match_counts(&discovered, &wanted);
        tp += t;
        found += f;
        gold += g;
    }
    let precision = tp as f64 / found.max(1) as f64;
    let recall = tp as f64 / gold.max(1) as f64;
    eprintln!("{split}: {tp} matched, {found} found, {gold} labelled: precision {precision:.3}, recall {recall:.3}");
    (precision, recall)
}

#[test]
fn discovery_finds_the_labelled_actors_of_dev_and_test_articles() {
    let (dev_p, dev_r) = scores("dev");
    let (test_p, test_r) = scores("test");
    // Measured when the module landed: dev 0.732 / 1.000, test 0.746 / 0.914.
    assert!(
        dev_r >= 0.9 && test_r >= 0.85,
        "recall fell: dev {dev_r:.3}, test {test_r:.3}"
    );
    assert!(
        dev_p >= 0.6 && test_p >= 0.6,
        "precision fell: dev {dev_p:.3}, test {test_p:.3}"
    );
}
