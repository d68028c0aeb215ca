//! The dataset importers (SemEval-2016, VAST, P-Stance CSV; SEESAW JSONL) on any file: an
//! import gives output or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stance::data::import::{import, Format};

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let input = dir.path().join("in.csv");
    if std::fs::write(&input, data).is_err() {
        return;
    }
    for format in [Format::Semeval2016, Format::Vast, Format::Pstance, Format::Seesaw] {
        let _ = import(format, &input, &dir.path().join("out.jsonl"), &[]);
    }
});
