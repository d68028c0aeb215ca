//! Batch prediction over a JSONL corpus: streams the input a chunk of articles at a time
//! (bounded memory), keeps one shard of it, skips ids already in the output when resuming, and
//! hands each chunk's records to the output writer ([`super::output`]).
//!
//! Crash safety: records are appended one chunk at a time after the chunk is complete. A kill can
//! at worst leave the last line unfinished; `--resume` cuts such a line off before continuing, and
//! skips every id already written, so each article ends up in the output exactly once.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::str::FromStr;

use super::article::{ArticleInput, RawArticle};
use super::output::{open_output, ErrorRecord, OutputFormat, OutputOptions, RecordWriter, Sink};
use super::pipeline::{predict_articles, PredictOptions};
use crate::actors::ActorFinder;
use crate::data::jsonl::JsonlReader;
use crate::error::{Error, Result};
use crate::model::StanceModel;

/// One of `count` disjoint parts of the input: records whose 0-based position (among non-blank
/// lines) modulo `count` equals `index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This part, 0-based.
    pub index: usize,
    /// Number of parts.
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not I/N (e.g. 0/4)"))?;
        let index: usize = i
            .trim()
            .parse()
            .map_err(|_| format!("`{i}` is not a number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!("shard {index}/{count}: need 0 <= I < N"));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    fn keeps(&self, position: usize) -> bool {
        position % self.count == self.index
    }
}

/// How a corpus run behaves.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// Per-article processing.
    pub predict: PredictOptions,
    /// Articles read, classified and written together.
    pub chunk_articles: usize,
    /// Process only this part of the input.
    pub shard: Option<Shard>,
    /// Append to an existing output, skipping the ids it holds.
    pub resume: bool,
    /// Replace an existing output.
    pub overwrite: bool,
    /// Write an `{"id", "error"}` record for an invalid line and go on, instead of stopping.
    pub skip_invalid: bool,
    /// The output's format.
    pub format: OutputFormat,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            predict: PredictOptions::default(),
            chunk_articles: 64,
            shard: None,
            resume: false,
            overwrite: false,
            skip_invalid: false,
            format: OutputFormat::Jsonl,
        }
    }
}

/// What a corpus run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamSummary {
    /// Articles written.
    pub articles: usize,
    /// Actors labelled.
    pub actors: usize,
    /// Articles skipped because the output already had them (resume).
    pub already_done: usize,
    /// Invalid lines written as error records (with `skip_invalid`).
    pub invalid: usize,
}

/// Counts the records a run over `input` will see (non-blank lines of this shard), for a
/// progress bar; `None` for standard input.
pub fn count_records(input: &Path, shard: Option<Shard>) -> Option<usize> {
    if input == Path::new("-") {
        return None;
    }
    let file = File::open(input).ok()?;
    let mut count = 0;
    let mut position = 0;
    for line in BufReader::new(file).split(b'\n') {
        let line = line.ok()?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if shard.is_none_or(|s| s.keeps(position)) {
            count += 1;
        }
        position += 1;
    }
    Some(count)
}

/// Input records read but not written yet: a chunk of articles and the error records of invalid
/// lines among them (written after the chunk's articles).
#[derive(Default)]
struct Pending {
    articles: Vec<ArticleInput>,
    errors: Vec<ErrorRecord>,
    /// Input records handled, including skipped ones, for the progress count.
    records: usize,
}

/// Classifies pending chunks and hands their records to the output writer.
struct ChunkWriter<'a> {
    model: &'a StanceModel,
    finder: &'a ActorFinder,
    options: &'a PredictOptions,
    out: Box<dyn RecordWriter>,
    progress: &'a mut dyn FnMut(usize),
}

impl ChunkWriter<'_> {
    fn write(&mut self, pending: &mut Pending, summary: &mut StreamSummary) -> Result<()> {
        if pending.records == 0 {
            return Ok(());
        }
        let predictions =
            predict_articles(self.model, self.finder, &pending.articles, self.options)?;
        self.out.write_chunk(&predictions, &pending.errors)?;
        summary.articles += predictions.len();
        summary.actors += predictions.iter().map(|p| p.actors.len()).sum::<usize>();
        (self.progress)(pending.records);
        pending.records = 0;
        pending.articles.clear();
        pending.errors.clear();
        Ok(())
    }
}

/// Runs `model` over the articles of `input` (`-` for stdin), writing their records to `sink` in
/// `options.format`; `finder` finds the actors of articles that name none. `progress` is told
/// how many input records were handled.
pub fn predict_stream(
    model: &StanceModel,
    finder: &ActorFinder,
    input: &Path,
    sink: &Sink,
    options: &StreamOptions,
    progress: &mut dyn FnMut(usize),
) -> Result<StreamSummary> {
    let opened = open_output(
        sink,
        &OutputOptions {
            format: options.format,
            labels: model.labels(),
            resume: options.resume,
            overwrite: options.overwrite,
        },
    )?;
    let done = opened.done;
    let mut writer = ChunkWriter {
        model,
        finder,
        options: &options.predict,
        out: opened.writer,
        progress,
    };
    let mut summary = StreamSummary::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut pending = Pending::default();

    for (position, item) in JsonlReader::<serde_json::Value>::open(input)?.enumerate() {
        if options.shard.is_some_and(|s| !s.keeps(position)) {
            continue;
        }
        pending.records += 1;
        let parsed = item.and_then(|(line, value)| {
            let record_error = |message: String| Error::Record {
                path: input.to_path_buf(),
                line,
                message,
            };
            let raw = RawArticle::from_json(value).map_err(record_error)?;
            let article = raw.validate(line).map_err(record_error)?;
            if !seen.insert(article.id.clone()) {
                return Err(record_error(format!(
                    "field `id`: `{}` occurs twice in the input",
                    article.id
                )));
            }
            Ok(article)
        });
        match parsed {
            Ok(article) if done.contains(&article.id) => {
                summary.already_done += 1;
            }
            Ok(article) => pending.articles.push(article),
            Err(error @ Error::Record { line, .. }) if options.skip_invalid => {
                let id = format!("line:{line}");
                if !done.contains(&id) {
                    summary.invalid += 1;
                    pending.errors.push(ErrorRecord {
                        id,
                        message: error.to_string(),
                    });
                }
            }
            Err(error) => {
                // Keep what is complete: the articles before the bad line are written first.
                writer.write(&mut pending, &mut summary)?;
                return Err(error);
            }
        }
        if pending.articles.len() >= options.chunk_articles.max(1) {
            writer.write(&mut pending, &mut summary)?;
        }
    }
    writer.write(&mut pending, &mut summary)?;
    writer.out.finish()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        let s: Shard = "1/3".parse().unwrap();
        assert_eq!((s.index, s.count), (1, 3));
        assert!("3/3".parse::<Shard>().is_err());
        assert!("a/3".parse::<Shard>().is_err());
        let parts: Vec<Vec<usize>> = (0..3)
            .map(|i| {
                (0..10)
                    .filter(|&p| Shard { index: i, count: 3 }.keeps(p))
                    .collect()
            })
            .collect();
        let mut all: Vec<usize> = parts.concat();
        all.sort();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
    }
}
