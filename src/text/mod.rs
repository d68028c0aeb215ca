//! Plain-text processing of articles: sentences, the actors an article mentions (with their
//! aliases), and the context that concerns one actor.

pub mod context;
pub mod discovery;
pub mod holders;
pub mod lexicon;
pub mod sentences;
