//! Reading data files: streaming JSONL readers whose errors name the file and line.

pub mod jsonl;
