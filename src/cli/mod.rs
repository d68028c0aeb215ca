//! Argument parsing and dispatch; each subcommand lives in its own file and holds no logic
//! beyond reading arguments and printing results.

use clap::{Parser, Subcommand};

mod classify;
mod data;
mod eval;
mod model;
mod progress;
mod train;

/// Default location of the fine-tuned model that the README's quickstart produces.
pub const DEFAULT_MODEL: &str = "models/stance-default";

/// Actor-level stance detection for news: who is for or against a topic, and why.
#[derive(Debug, Parser)]
#[command(name = "stance", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Classify (topic, actor, text) pairs with a fine-tuned model.
    Classify(classify::ClassifyArgs),
    /// Fine-tune a base model on labelled files into a stance classifier.
    Train(Box<train::TrainArgs>),
    /// Score a model on a labelled file: accuracy, macro-F1, F_avg, per class and per topic.
    Eval(eval::EvalArgs),
    /// Import public datasets and split files.
    #[command(subcommand)]
    Data(data::DataCommand),
    /// Inspect model folders and create classifiers from base encoders.
    #[command(subcommand)]
    Model(model::ModelCommand),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Classify(args) => classify::run(args),
        Command::Train(args) => train::run(*args),
        Command::Eval(args) => eval::run(args),
        Command::Data(command) => data::run(command),
        Command::Model(command) => model::run(command),
    }
}
