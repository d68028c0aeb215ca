//! The JSONL reader with the article (predict) and example/article (training) validators on
//! top: any bytes give records or one-line errors, never a panic.
#![no_main]

use std::io::Cursor;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use stance::data::jsonl::{from_value_named, JsonlReader};
use stance::data::schema::RawRecord;
use stance::predict::RawArticle;

fuzz_target!(|data: &[u8]| {
    let labels: Vec<String> = ["FAVOR", "AGAINST", "NONE"].map(String::from).to_vec();
    let path = Path::new("f.jsonl");
    for item in JsonlReader::<serde_json::Value>::from_reader(path, Cursor::new(data.to_vec())) {
        let Ok((line, value)) = item else { continue };
        if let Ok(article) = RawArticle::from_json(value.clone()) {
            let _ = article.validate(line);
        }
        if let Ok(record) = from_value_named::<RawRecord>(value) {
            let _ = record.validate(&labels, "f:1");
        }
    }
    for (_, record) in JsonlReader::<RawRecord>::from_reader(path, Cursor::new(data.to_vec())).flatten() {
        let _ = record.validate(&labels, "f:1");
    }
});
