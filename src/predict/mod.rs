//! Actor-level inference: articles in, one stance per actor with evidence out, in batch.

pub mod article;
pub mod output;
pub mod pipeline;
pub mod stream;

pub use article::{ArticleInput, GivenActor, RawArticle};
pub use output::{check_output, OutputFormat, Sink};
pub use pipeline::{
    predict_articles, ActorPrediction, ArticlePrediction, Evidence, PredictOptions,
};
pub use stream::{count_records, predict_stream, Shard, StreamOptions, StreamSummary};
