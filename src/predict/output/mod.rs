//! Where `stance predict` writes a corpus's records, and in which format: JSONL (one nested
//! record per article), CSV or Parquet (flat, one row per article and actor).
//!
//! Every writer receives whole chunks and makes each chunk durable before the next one, so that a
//! killed run loses at most the chunk in flight. JSONL and CSV append whole lines and can be
//! resumed; a Parquet file is only readable once its footer is written, so it is written under a
//! temporary name and renamed when complete, and cannot be resumed.

mod csv_file;
mod flat;
mod jsonl_file;
#[cfg(feature = "parquet")]
mod parquet_file;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use flat::{flat_columns, flat_rows, FlatRow};
#[cfg(feature = "parquet")]
pub use parquet_file::schema as parquet_schema;

use super::pipeline::ArticlePrediction;
use crate::error::{Error, Result};

/// The format of a corpus run's output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON record per article, actors nested (the default).
    #[default]
    Jsonl,
    /// One row per (article, actor), comma-separated with a header.
    Csv,
    /// One row per (article, actor) in an Apache Parquet file.
    Parquet,
}

impl OutputFormat {
    /// The format a file name implies by its extension (`.csv`, `.parquet`), if any.
    pub fn from_extension(path: &Path) -> Option<OutputFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(OutputFormat::Csv),
            "parquet" | "pq" => Some(OutputFormat::Parquet),
            "jsonl" | "ndjson" => Some(OutputFormat::Jsonl),
            _ => None,
        }
    }
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" => Ok(OutputFormat::Jsonl),
            "csv" => Ok(OutputFormat::Csv),
            "parquet" => Ok(OutputFormat::Parquet),
            _ => Err(format!(
                "unknown format `{s}` (expected jsonl, csv or parquet)"
            )),
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Csv => "csv",
            OutputFormat::Parquet => "parquet",
        })
    }
}

/// Where records go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// Standard output (no resume).
    Stdout,
    /// A file.
    File(PathBuf),
}

impl Sink {
    /// The name used in messages (`-` for standard output).
    pub fn name(&self) -> PathBuf {
        match self {
            Sink::Stdout => PathBuf::from("-"),
            Sink::File(path) => path.clone(),
        }
    }
}

/// An input line that is not a valid article, kept as a record with `--skip-invalid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRecord {
    /// `line:N`, the line it came from.
    pub id: String,
    /// What is wrong with it (`FILE:LINE: …`).
    pub message: String,
}

/// Writes a run's records chunk by chunk.
pub trait RecordWriter {
    /// Appends the records of one chunk: the articles, then the error records of the invalid
    /// lines among them. JSONL and CSV records are on disk when this returns.
    fn write_chunk(
        &mut self,
        predictions: &[ArticlePrediction],
        errors: &[ErrorRecord],
    ) -> Result<()>;

    /// Completes the output. Until then a Parquet output exists only under a temporary name
    /// (removed if the writer is dropped unfinished, e.g. after an error).
    fn finish(self: Box<Self>) -> Result<()>;
}

/// How to open an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputOptions<'a> {
    /// The file format.
    pub format: OutputFormat,
    /// The model's labels in id order (the CSV/Parquet probability columns).
    pub labels: &'a [String],
    /// Continue an existing output, skipping the ids it holds.
    pub resume: bool,
    /// Replace an existing output.
    pub overwrite: bool,
}

/// An opened output: its writer and, when resuming, the ids already written.
pub struct OpenedOutput {
    /// Where chunks go.
    pub writer: Box<dyn RecordWriter>,
    /// Ids found in the existing output (empty unless resuming).
    pub done: HashSet<String>,
}

/// Refuses the outputs that [`open_output`] refuses from the command alone (an existing file
/// without `resume` or `overwrite`, Parquet with resume or to stdout, resume to stdout), without
/// reading or touching the file: a caller checks this before the slow work (loading models) so
/// that a wrong command fails at once. What only reading the file shows (a damaged output to
/// resume, other labels in a CSV header) is still found by [`open_output`].
pub fn check_output(
    sink: &Sink,
    format: OutputFormat,
    resume: bool,
    overwrite: bool,
) -> Result<()> {
    let refuse = |message: String| Err(Error::InvalidInput(message));
    match sink {
        Sink::Stdout if format == OutputFormat::Parquet => {
            refuse("--format parquet needs an output file (--output FILE.parquet)".to_string())
        }
        Sink::Stdout if resume => refuse("--resume needs an output file (--output)".to_string()),
        Sink::Stdout => Ok(()),
        Sink::File(_) if format == OutputFormat::Parquet && resume => refuse(
            "--resume does not work with --format parquet (a Parquet file is only readable \
             once complete); split long runs with --shard I/N instead, or write JSONL or CSV"
                .to_string(),
        ),
        Sink::File(path) if path.exists() && !overwrite && format == OutputFormat::Parquet => {
            refuse(format!(
                "{} exists: replace it with --force",
                path.display()
            ))
        }
        Sink::File(path) if path.exists() && !overwrite && !resume => refuse(format!(
            "{} exists: continue it with --resume, or replace it with --force",
            path.display()
        )),
        Sink::File(_) => Ok(()),
    }
}

/// Opens `sink` for writing in `options.format`; with `options.resume`, repairs an output cut off
/// by a kill and reads the ids it holds.
///
/// Every check ([`check_output`]) happens here, but the file is created, emptied or given its CSV
/// header only when the first chunk with a record is written (or at `finish`): a run that fails
/// on its input before writing anything leaves no output behind, so the corrected rerun is not
/// refused.
pub fn open_output(sink: &Sink, options: &OutputOptions) -> Result<OpenedOutput> {
    check_output(sink, options.format, options.resume, options.overwrite)?;
    let labels = options.labels.to_vec();
    let (plan, done) = match sink {
        Sink::File(path) if options.format == OutputFormat::Parquet => {
            (Plan::Parquet(path.clone()), HashSet::new())
        }
        Sink::Stdout => (Plan::Stdout(options.format), HashSet::new()),
        Sink::File(path) => {
            let exists = path.exists();
            let done = if exists && options.resume {
                match options.format {
                    OutputFormat::Csv => csv_file::repair_and_read_ids(path, options.labels)?,
                    _ => jsonl_file::repair_and_read_ids(path)?,
                }
            } else {
                HashSet::new()
            };
            let plan = Plan::File {
                path: path.clone(),
                format: options.format,
                truncate: exists && !options.resume,
            };
            (plan, done)
        }
    };
    Ok(OpenedOutput {
        writer: Box::new(LazyWriter::new(plan, labels)),
        done,
    })
}

/// How the output will be opened once there is something to write.
enum Plan {
    Stdout(OutputFormat),
    File {
        path: PathBuf,
        format: OutputFormat,
        truncate: bool,
    },
    Parquet(PathBuf),
}

impl Plan {
    fn open(self, labels: &[String]) -> Result<Box<dyn RecordWriter>> {
        match self {
            Plan::Parquet(path) => {
                create_parent(&path)?;
                parquet_writer(&path, labels)
            }
            Plan::Stdout(format) => text_writer(
                Box::new(std::io::stdout()),
                "-".into(),
                format,
                labels,
                true,
            ),
            Plan::File {
                path,
                format,
                truncate,
            } => {
                create_parent(&path)?;
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .map_err(|e| Error::io(&path, e))?;
                if truncate {
                    file.set_len(0).map_err(|e| Error::io(&path, e))?;
                }
                // A new (or emptied) file starts with the header; a resumed one already has it.
                let header = file.metadata().map_or(true, |m| m.len() == 0);
                text_writer(Box::new(file), path, format, labels, header)
            }
        }
    }
}

fn text_writer(
    out: Box<dyn std::io::Write>,
    name: PathBuf,
    format: OutputFormat,
    labels: &[String],
    header: bool,
) -> Result<Box<dyn RecordWriter>> {
    Ok(match format {
        OutputFormat::Csv => Box::new(csv_file::CsvWriter::new(out, name, labels, header)?),
        _ => Box::new(jsonl_file::JsonlWriter::new(out, name)),
    })
}

/// Opens its output on the first chunk that holds a record (or at `finish`).
struct LazyWriter {
    state: LazyState,
    labels: Vec<String>,
}

enum LazyState {
    Planned(Plan),
    Open(Box<dyn RecordWriter>),
    /// Opening failed (the plan is consumed).
    Failed,
}

impl LazyWriter {
    fn new(plan: Plan, labels: Vec<String>) -> Self {
        LazyWriter {
            state: LazyState::Planned(plan),
            labels,
        }
    }

    fn open(&mut self) -> Result<&mut Box<dyn RecordWriter>> {
        // A failed open leaves `Failed`, so a later call reports it instead of retrying.
        self.state = match std::mem::replace(&mut self.state, LazyState::Failed) {
            LazyState::Planned(plan) => LazyState::Open(plan.open(&self.labels)?),
            other => other,
        };
        match &mut self.state {
            LazyState::Open(writer) => Ok(writer),
            _ => Err(Error::InvalidInput(
                "the output could not be opened".to_string(),
            )),
        }
    }
}

impl RecordWriter for LazyWriter {
    fn write_chunk(
        &mut self,
        predictions: &[ArticlePrediction],
        errors: &[ErrorRecord],
    ) -> Result<()> {
        if predictions.is_empty() && errors.is_empty() {
            return Ok(());
        }
        self.open()?.write_chunk(predictions, errors)
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.open()?;
        match self.state {
            LazyState::Open(writer) => writer.finish(),
            _ => Ok(()),
        }
    }
}

#[cfg(feature = "parquet")]
fn parquet_writer(path: &Path, labels: &[String]) -> Result<Box<dyn RecordWriter>> {
    Ok(Box::new(parquet_file::ParquetWriter::create(path, labels)?))
}

#[cfg(not(feature = "parquet"))]
fn parquet_writer(_path: &Path, _labels: &[String]) -> Result<Box<dyn RecordWriter>> {
    Err(Error::InvalidInput(
        "this stance was built without Parquet support (cargo feature `parquet`); rebuild with \
         default features, or write --format csv"
            .to_string(),
    ))
}

fn create_parent(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    Ok(())
}
