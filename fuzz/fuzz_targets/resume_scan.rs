//! The resume scanner of `stance predict` (JSONL and CSV outputs cut off by a kill): any
//! existing output is repaired and its ids read, or refused with a one-line error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stance::predict::output::{open_output, OutputOptions};
use stance::predict::{OutputFormat, Sink};

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let labels: Vec<String> = ["FAVOR", "AGAINST", "NONE"].map(String::from).to_vec();
    for format in [OutputFormat::Jsonl, OutputFormat::Csv] {
        let path = dir.path().join("out");
        if std::fs::write(&path, data).is_err() {
            return;
        }
        let options = OutputOptions {
            format,
            labels: &labels,
            resume: true,
            overwrite: false,
        };
        let _ = open_output(&Sink::File(path), &options);
    }
});
