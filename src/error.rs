//! Typed errors of the `stance` library.
//!
//! Every variant names what the user can act on (a file, a field, a model id); the binary adds
//! context with `anyhow` and prints one line.

use std::path::PathBuf;

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Errors raised by the `stance` library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {error}")]
    Io {
        /// The file that could not be read or written.
        path: PathBuf,
        /// The underlying error (part of the message, so not repeated as a source).
        error: std::io::Error,
    },

    /// A JSON file could not be parsed or does not have the expected shape.
    #[error("{path}: invalid JSON: {message}")]
    Json {
        /// The offending file.
        path: PathBuf,
        /// What serde reported (with line and column).
        message: String,
    },

    /// A model folder lacks a file it needs.
    #[error("{dir}: missing {file} ({hint})")]
    MissingModelFile {
        /// The model folder.
        dir: PathBuf,
        /// The missing file name.
        file: String,
        /// What the user can do about it.
        hint: String,
    },

    /// A line of a data file is unusable.
    #[error("{path}:{line}: {message}")]
    Record {
        /// The data file (`-` for standard input).
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong, naming the field.
        message: String,
    },

    /// A model's config.json holds a value `stance` cannot use.
    #[error("{path}: field `{field}`: {message}")]
    InvalidConfig {
        /// The config file.
        path: PathBuf,
        /// The offending field.
        field: String,
        /// What is wrong with it.
        message: String,
    },

    /// The weights file does not match the architecture described by config.json.
    #[error("{path}: {message}")]
    InvalidWeights {
        /// The weights file.
        path: PathBuf,
        /// What is wrong (a missing tensor, a wrong shape, ...).
        message: String,
    },

    /// The tokenizer could not be loaded or failed on an input.
    #[error("tokenizer: {0}")]
    Tokenizer(String),

    /// A model could not be found locally nor fetched from the Hugging Face Hub.
    #[error("model `{model}`: {message}")]
    Hub {
        /// The model id or path given by the user.
        model: String,
        /// What went wrong and how to get the files.
        message: String,
    },

    /// The input to a model call is unusable (empty batch, label out of range, ...).
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// An output file could not be encoded (CSV, Parquet).
    #[error("writing {path}: {message}")]
    Write {
        /// The output file (`-` for standard output).
        path: PathBuf,
        /// What went wrong.
        message: String,
    },

    /// A plot could not be drawn.
    #[error("plot: {0}")]
    Plot(String),

    /// A tensor operation failed.
    #[error("tensor: {0}")]
    Candle(candle_core::Error),
}

impl From<candle_core::Error> for Error {
    fn from(error: candle_core::Error) -> Self {
        Error::Candle(error)
    }
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            error,
        }
    }
}
