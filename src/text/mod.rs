//! Plain-text processing of articles: sentences, and the context that concerns one actor.

pub mod context;
pub mod discovery;
pub mod sentences;
