//! Parquet output: the flat rows (see [`super::flat`]) in an Apache Parquet file, through the
//! arrow and parquet crates. Lists stay lists (`aliases: list<string>`, `evidence: list<int32>`),
//! probabilities are `float32`, absent values are nulls.
//!
//! A Parquet file is only readable once its footer is written, so the file is written as
//! `NAME.partial` and renamed when complete; a run that fails (or is dropped) removes it.
//! Row groups hold at most [`ROW_GROUP_ROWS`] rows, so memory stays bounded on any corpus.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Float32Builder, Int32Builder, ListBuilder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::flat::{flat_columns, flat_rows};
use super::{ErrorRecord, RecordWriter};
use crate::error::{Error, Result};
use crate::predict::pipeline::ArticlePrediction;

/// Most rows buffered before a row group is written.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// Writes the flat rows to a Parquet file.
pub struct ParquetWriter {
    /// `None` once finished.
    writer: Option<ArrowWriter<File>>,
    schema: SchemaRef,
    labels: Vec<String>,
    path: PathBuf,
    partial: PathBuf,
}

/// The Arrow schema of the flat rows for a model with `labels`.
pub fn schema(labels: &[String]) -> SchemaRef {
    let names = flat_columns(labels);
    let list = |item: DataType| DataType::List(Arc::new(Field::new_list_field(item, true)));
    let fields: Vec<Field> = names
        .iter()
        .map(|name| match name.as_str() {
            "id" => Field::new(name, DataType::Utf8, false),
            "aliases" => Field::new(name, list(DataType::Utf8), true),
            "evidence" => Field::new(name, list(DataType::Int32), true),
            "discovered" | "mentioned" => Field::new(name, DataType::Boolean, true),
            p if p.starts_with("p_") => Field::new(name, DataType::Float32, true),
            _ => Field::new(name, DataType::Utf8, true),
        })
        .collect();
    Arc::new(Schema::new(fields))
}

impl ParquetWriter {
    /// Starts `path` (as `path.partial` until finished).
    pub fn create(path: &Path, labels: &[String]) -> Result<Self> {
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial).map_err(|e| Error::io(&partial, e))?;
        let schema = schema(labels);
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(properties))
            .map_err(|e| write_error(&partial, e))?;
        Ok(ParquetWriter {
            writer: Some(writer),
            schema,
            labels: labels.to_vec(),
            path: path.to_path_buf(),
            partial,
        })
    }

    fn batch(
        &self,
        predictions: &[ArticlePrediction],
        errors: &[ErrorRecord],
    ) -> Result<RecordBatch> {
        let rows = flat_rows(predictions, errors);
        let mut id = StringBuilder::new();
        let mut topic = StringBuilder::new();
        let mut actor = StringBuilder::new();
        let mut aliases = ListBuilder::new(StringBuilder::new());
        let mut discovered = BooleanBuilder::new();
        let mut mentioned = BooleanBuilder::new();
        let mut stance = StringBuilder::new();
        let mut probabilities: Vec<Float32Builder> =
            self.labels.iter().map(|_| Float32Builder::new()).collect();
        let mut evidence = ListBuilder::new(Int32Builder::new());
        let mut error = StringBuilder::new();
        for row in &rows {
            id.append_value(row.id);
            topic.append_option(row.topic);
            let a = row.actor;
            actor.append_option(a.map(|a| &a.name));
            match a {
                Some(a) => {
                    for alias in &a.aliases {
                        aliases.values().append_value(alias);
                    }
                    aliases.append(true);
                }
                None => aliases.append(false),
            }
            discovered.append_option(a.map(|a| a.discovered));
            mentioned.append_option(a.map(|a| a.mentioned));
            stance.append_option(a.map(|a| &a.stance));
            for (builder, p) in probabilities
                .iter_mut()
                .zip(row.probabilities(&self.labels))
            {
                builder.append_option(p);
            }
            if a.is_some() {
                for sentence in row.evidence() {
                    let index = i32::try_from(sentence).map_err(|_| {
                        Error::InvalidInput(format!("sentence index {sentence} is too large"))
                    })?;
                    evidence.values().append_value(index);
                }
                evidence.append(true);
            } else {
                evidence.append(false);
            }
            error.append_option(row.error);
        }
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(id.finish()),
            Arc::new(topic.finish()),
            Arc::new(actor.finish()),
            Arc::new(aliases.finish()),
            Arc::new(discovered.finish()),
            Arc::new(mentioned.finish()),
            Arc::new(stance.finish()),
        ];
        columns.extend(
            probabilities
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as ArrayRef),
        );
        columns.push(Arc::new(evidence.finish()));
        columns.push(Arc::new(error.finish()));
        RecordBatch::try_new(self.schema.clone(), columns).map_err(|e| write_error(&self.path, e))
    }
}

fn write_error(path: &Path, error: impl std::fmt::Display) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

impl RecordWriter for ParquetWriter {
    fn write_chunk(
        &mut self,
        predictions: &[ArticlePrediction],
        errors: &[ErrorRecord],
    ) -> Result<()> {
        let batch = self.batch(predictions, errors)?;
        let partial = &self.partial;
        let writer = self
            .writer
            .as_mut()
            .ok_or_else(|| write_error(partial, "the file is already closed"))?;
        writer.write(&batch).map_err(|e| write_error(partial, e))
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        if let Some(writer) = self.writer.take() {
            writer.close().map_err(|e| write_error(&self.partial, e))?;
            std::fs::rename(&self.partial, &self.path).map_err(|e| Error::io(&self.path, e))?;
        }
        Ok(())
    }
}

impl Drop for ParquetWriter {
    /// An unfinished file is incomplete (no footer): remove it rather than leave a file that
    /// looks like output.
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}
