//! The evaluation report as a plain-text table for the terminal.

use std::fmt::Write;

use super::metrics::{Metrics, Report};

/// Topics listed in the per-topic section before the rest are summarised.
const MAX_TOPICS: usize = 40;

/// Renders `report` as aligned text.
pub fn render_table(report: &Report) -> String {
    let mut out = String::new();
    let m = &report.overall;
    let _ = writeln!(out, "examples   {}", m.total);
    let _ = writeln!(out, "accuracy   {:.4}", m.accuracy);
    let _ = writeln!(out, "macro-F1   {:.4}", m.macro_f1);
    if let Some(f_avg) = m.f_avg {
        let _ = writeln!(
            out,
            "F_avg      {f_avg:.4}  (SemEval: (F1 FAVOR + F1 AGAINST) / 2, all examples)"
        );
    }
    if let Some(f_avg) = report.f_avg_topic_macro {
        let _ = writeln!(
            out,
            "F_avg      {f_avg:.4}  (mean over {} topics)",
            report.topics.len()
        );
    }
    out.push('\n');
    class_table(&mut out, m);
    out.push('\n');
    confusion_table(&mut out, &report.labels, m);
    if report.topics.len() > 1 {
        out.push('\n');
        topic_table(&mut out, report);
    }
    out
}

fn label_width(labels: impl Iterator<Item = usize>) -> usize {
    labels.max().unwrap_or(0).max(7)
}

fn class_table(out: &mut String, m: &Metrics) {
    let w = label_width(m.classes.iter().map(|c| c.label.len()));
    let _ = writeln!(out, "{:w$}  precision  recall      F1  support", "class");
    for c in &m.classes {
        let _ = writeln!(
            out,
            "{:w$}  {:>9.4}  {:>6.4}  {:>6.4}  {:>7}",
            c.label, c.precision, c.recall, c.f1, c.support
        );
    }
}

fn confusion_table(out: &mut String, labels: &[String], m: &Metrics) {
    let w = label_width(labels.iter().map(String::len)).max("gold \\ predicted".len());
    let cell = labels.iter().map(String::len).max().unwrap_or(0).max(6);
    let _ = write!(out, "{:w$}", "gold \\ predicted");
    for label in labels {
        let _ = write!(out, "  {label:>cell$}");
    }
    out.push('\n');
    for (label, row) in labels.iter().zip(&m.confusion) {
        let _ = write!(out, "{label:w$}");
        for count in row {
            let _ = write!(out, "  {count:>cell$}");
        }
        out.push('\n');
    }
}

fn topic_table(out: &mut String, report: &Report) {
    let shown = report.topics.len().min(MAX_TOPICS);
    let w = report.topics[..shown]
        .iter()
        .map(|t| t.topic.chars().count().min(48))
        .max()
        .unwrap_or(0)
        .max(5);
    let _ = writeln!(out, "{:w$}  examples  accuracy  macro-F1   F_avg", "topic");
    for t in &report.topics[..shown] {
        let name: String = t.topic.chars().take(48).collect();
        let f_avg = t
            .metrics
            .f_avg
            .map_or_else(|| "-".to_string(), |f| format!("{f:.4}"));
        let _ = writeln!(
            out,
            "{name:w$}  {:>8}  {:>8.4}  {:>8.4}  {f_avg:>6}",
            t.metrics.total, t.metrics.accuracy, t.metrics.macro_f1
        );
    }
    if report.topics.len() > shown {
        let _ = writeln!(
            out,
            "... {} more topics (all are in --json)",
            report.topics.len() - shown
        );
    }
}
