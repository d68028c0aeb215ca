//! The model folder's config.json reader: any text is a config or a one-line error.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use stance::model::BertConfig;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(config) = BertConfig::parse(text, Path::new("config.json")) {
        let _ = config.labels(Path::new("config.json"));
        let _ = config.to_json_string();
    }
});
