//! Data files: the record schema, streaming JSONL readers whose errors name the file and line,
//! loading labelled examples, and importers for public datasets.

pub mod articles;
pub mod augment;
pub mod dataset;
pub mod evidence;
pub mod import;
pub mod jsonl;
pub mod none_labels;
pub mod schema;
pub mod split;
