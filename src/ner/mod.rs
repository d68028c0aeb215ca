//! Named-entity recognition: a token-classification head on the project's encoder, trained and
//! scored on CoNLL-2003 (BIO over PER, ORG, LOC, MISC), saved as a Hugging Face
//! `BertForTokenClassification` folder.
//!
//! - [`conll`]: reading CoNLL files;
//! - [`casing`]: a word's capitalisation as a token type (the base encoder is uncased);
//! - [`tags`]: BIO tags and the entities they encode;
//! - [`windows`]: words to WordPiece windows, long texts cut with overlap;
//! - [`model`]: the tagger;
//! - [`train`]: its training loop;
//! - [`metrics`]: entity-level precision, recall and F1 as conlleval counts them;
//! - [`words`]: running text to words as CoNLL spells them, with byte offsets;
//! - [`entities`]: a tagger's entity mentions in running text.

pub mod casing;
pub mod conll;
pub mod entities;
pub mod metrics;
pub mod model;
pub mod tags;
pub mod train;
pub mod windows;
pub mod words;

pub use conll::{read_conll, Sentence};
pub use metrics::{EntityCounter, NerReport};
pub use model::NerModel;
