//! Plain-text processing of articles, as one pipeline of small stages:
//!
//! | stage | file | gives |
//! |---|---|---|
//! | sentences | `sentences.rs` | byte ranges of sentences |
//! | holders | `holders.rs` | who holds the view of each sentence |
//! | mentions | `mentions.rs` | the ways the article names one actor, and its marks |
//! | context | `context.rs` | the sentences of one actor within a budget |
//! | discovery | `discovery/` | the actors of an article that names none (rules) |
//!
//! [`article::ArticleText`] runs them for one article, once, and is where prediction,
//! training data and the NONE labeller start. The words every stage knows are data files in
//! `lexicon/` ([`lexicon`]).

pub mod article;
pub mod context;
pub mod discovery;
pub mod holders;
pub mod lexicon;
pub mod mentions;
pub mod sentences;
