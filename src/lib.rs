//! `stance`: actor-level stance detection for news articles.
//!
//! Given an article and a topic, `stance` labels each actor's stance toward the topic (FAVOR,
//! AGAINST, NONE) with a BERT encoder fine-tuned as a sequence-pair classifier over
//! ("topic [SEP] actor", the actor's context).
//!
//! The library holds all logic; the `stance` binary only parses arguments and calls it.

pub mod actors;
pub mod data;
pub mod error;
pub mod eval;
pub mod evidence;
pub mod memory;
pub mod model;
pub mod ner;
pub mod plot;
pub mod predict;
pub mod report;
pub mod text;
pub mod train;

pub use error::{Error, Result};
