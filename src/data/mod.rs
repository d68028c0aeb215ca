//! Data files: the record schema, streaming JSONL readers whose errors name the file and line,
//! loading labelled examples, and importers for public datasets.

pub mod articles;
pub mod augment;
pub mod contexts;
pub mod dataset;
pub mod evidence;
pub mod import;
pub mod jsonl;
pub mod none_labels;
pub mod schema;
pub mod split;

/// Adds one `label` to per-label counts kept in first-seen order (the summaries of the data
/// commands).
pub(crate) fn count_label(counts: &mut Vec<(String, usize)>, label: &str) {
    match counts.iter_mut().find(|(l, _)| l == label) {
        Some((_, n)) => *n += 1,
        None => counts.push((label.to_string(), 1)),
    }
}

/// At most `max` characters of `text`, with `…` when cut: a message quotes a line of a wrong
/// file, which can be kilobytes long, by its start.
///
/// ```
/// assert_eq!(stance::data::excerpt("abcdef", 3), "abc…");
/// assert_eq!(stance::data::excerpt("abc", 3), "abc");
/// ```
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
