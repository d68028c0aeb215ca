//! Plain-text processing of articles: sentences, the actors an article mentions (with their
//! aliases), and the context that concerns one actor.

pub mod context;
pub mod discovery;
mod gazetteer;
pub mod holders;
pub mod sentences;
