//! `stance train --task ner` and `stance eval --task ner`: the named-entity tagger on CoNLL files.

use stance::model::dense::Precision;
use stance::model::kernels::KernelChoice;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use stance::model::hub;
use stance::ner::metrics::render_ner_table;
use stance::ner::train::{
    evaluate_ner, resume_ner, train_ner, NerEpoch, NerObserver, NerTrainSettings,
};
use stance::ner::{read_conll, NerModel};

use super::progress::Narrator;

/// What `stance train --task ner` reads from the command line.
pub struct NerTrainRequest<'a> {
    pub base: &'a str,
    pub train_files: &'a [PathBuf],
    pub dev: Option<&'a Path>,
    pub output: &'a Path,
    pub force: bool,
    pub epochs: usize,
    pub batch_size: usize,
    pub lr: f64,
    pub weight_decay: f64,
    pub warmup: f64,
    pub max_grad_norm: f64,
    pub seed: u64,
    pub max_length: Option<usize>,
    pub max_steps: Option<usize>,
    pub context_sentences: usize,
    pub casing: bool,
    pub resume: bool,
    pub quiet: bool,
}

impl NerObserver for Narrator {
    fn started(&mut self, total: usize, summary: &str) {
        self.start(total as u64, "steps", "train ner");
        self.say(summary);
    }

    fn step(&mut self, _step: usize, loss: f64) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("loss {loss:.4}"));
            bar.inc(1);
        }
    }

    fn skipped(&mut self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn epoch(&mut self, epoch: &NerEpoch) {
        let dev = epoch
            .dev_f1
            .map_or_else(String::new, |f1| format!(", dev entity F1 {f1:.4}"));
        self.say(&format!(
            "epoch {}: train loss {:.4}{dev}",
            epoch.epoch, epoch.train_loss
        ));
    }
}

/// Trains a tagger as the request asks.
pub fn train(request: &NerTrainRequest) -> anyhow::Result<()> {
    if request.resume {
        let mut reporter = Narrator::new(request.quiet);
        let summary = resume_ner(request.output, &mut reporter).with_context(|| {
            format!("resuming the tagger run into {}", request.output.display())
        })?;
        reporter.finish();
        report_saved(request, &summary);
        return Ok(());
    }
    let [train_file] = request.train_files else {
        bail!("--task ner trains on one CoNLL file: give exactly one --train");
    };
    let base = hub::resolve(request.base)
        .with_context(|| format!("loading base model {}", request.base))?;
    let mut settings = NerTrainSettings::new(base, train_file.clone());
    settings.dev_file = request.dev.map(Path::to_path_buf);
    settings.epochs = request.epochs;
    settings.batch_size = request.batch_size;
    settings.learning_rate = request.lr;
    settings.weight_decay = request.weight_decay;
    settings.warmup_ratio = request.warmup;
    settings.max_grad_norm = request.max_grad_norm;
    settings.seed = request.seed;
    if let Some(max_length) = request.max_length {
        settings.max_length = max_length;
    }
    settings.max_steps = request.max_steps;
    settings.context_sentences = request.context_sentences;
    settings.casing = request.casing;
    let mut reporter = Narrator::new(request.quiet);
    let summary = train_ner(&settings, request.output, request.force, &mut reporter)
        .context("training the tagger")?;
    reporter.finish();
    report_saved(request, &summary);
    Ok(())
}

fn report_saved(request: &NerTrainRequest, summary: &stance::ner::train::NerTrainSummary) {
    if !request.quiet {
        let dev = summary.saved_dev.as_ref().map_or_else(String::new, |d| {
            format!(" (dev entity F1 {:.4})", d.overall.f1)
        });
        eprintln!(
            "saved the tagger of epoch {}{dev} to {} in {:.0} s",
            summary.saved_epoch,
            request.output.display(),
            summary.seconds
        );
    }
}

/// Scores a tagger on a CoNLL file; prints the table and writes the scores as JSON and each
/// sentence's tags as JSONL (`{"words", "gold", "predicted"}`) if asked.
pub fn eval(
    model: &str,
    data: &Path,
    json: Option<&Path>,
    predictions: Option<&Path>,
    batch_size: usize,
    context_sentences: usize,
    precision: Precision,
) -> anyhow::Result<()> {
    let dir = hub::resolve(model).with_context(|| format!("loading model {model}"))?;
    let mut tagger = NerModel::from_dir(&dir).with_context(|| format!("loading tagger {model}"))?;
    tagger.set_precision(precision);
    let sentences = read_conll(data)?;
    if sentences.is_empty() {
        bail!("{}: no sentences", data.display());
    }
    let (report, tags) = evaluate_ner(&tagger, &sentences, batch_size, context_sentences)
        .with_context(|| format!("tagging {}", data.display()))?;
    print!("{}", render_ner_table(&report));
    if let Some(path) = predictions {
        let mut text = String::new();
        for (sentence, predicted) in sentences.iter().zip(&tags) {
            let line = serde_json::json!({
                "words": sentence.words,
                "gold": sentence.tags,
                "predicted": predicted,
            });
            text.push_str(&line.to_string());
            text.push('\n');
        }
        stance::model::folder::write_atomically(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = json {
        let text = serde_json::to_string_pretty(&report)?;
        stance::model::folder::write_atomically(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
