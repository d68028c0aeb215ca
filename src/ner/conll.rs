//! Reading CoNLL-2003 files: one token per line (`word POS chunk NER`, the tag in the last
//! column), a blank line between sentences, `-DOCSTART-` lines skipped.

use std::path::Path;

use super::tags::is_bio;
use crate::error::{Error, Result};

/// One sentence: its words and their BIO tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// The words, as the file splits them.
    pub words: Vec<String>,
    /// One tag per word.
    pub tags: Vec<String>,
}

/// Consecutive sentences joined `per_text` at a time (the last text may hold fewer), so that
/// each is read with its neighbours as context: CoNLL files keep a document's sentences in
/// order. `per_text` of 0 or 1 leaves every sentence alone.
///
/// ```
/// use stance::ner::conll::{join_sentences, Sentence};
/// let s = |w: &str, t: &str| Sentence { words: vec![w.to_string()], tags: vec![t.to_string()] };
/// let joined = join_sentences(&[s("EU", "B-ORG"), s("rejects", "O"), s("Bonn", "B-LOC")], 2);
/// assert_eq!(joined.len(), 2);
/// assert_eq!(joined[0].words, ["EU", "rejects"]);
/// assert_eq!(joined[1].tags, ["B-LOC"]);
/// ```
pub fn join_sentences(sentences: &[Sentence], per_text: usize) -> Vec<Sentence> {
    sentences
        .chunks(per_text.max(1))
        .map(|group| Sentence {
            words: group.iter().flat_map(|s| s.words.iter().cloned()).collect(),
            tags: group.iter().flat_map(|s| s.tags.iter().cloned()).collect(),
        })
        .collect()
}

/// Reads a CoNLL file. A line with one column, or a tag outside the BIO scheme, is an error
/// naming the file and line.
pub fn read_conll(path: &Path) -> Result<Vec<Sentence>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_conll(&text, path)
}

/// Parses the text of a CoNLL file; `path` names it in errors.
///
/// ```
/// use std::path::Path;
/// use stance::ner::conll::parse_conll;
/// let text = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\n";
/// let sentences = parse_conll(text, Path::new("train.txt")).unwrap();
/// assert_eq!(sentences.len(), 2);
/// assert_eq!(sentences[0].words, ["EU", "rejects"]);
/// assert_eq!(sentences[0].tags, ["B-ORG", "O"]);
/// ```
pub fn parse_conll(text: &str, path: &Path) -> Result<Vec<Sentence>> {
    let mut sentences = Vec::new();
    let mut current = Sentence {
        words: Vec::new(),
        tags: Vec::new(),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, line) in text.lines().enumerate() {
        let columns: Vec<&str> = line.split_whitespace().collect();
        if columns.is_empty() {
            if !current.words.is_empty() {
                sentences.push(std::mem::replace(
                    &mut current,
                    Sentence {
                        words: Vec::new(),
                        tags: Vec::new(),
                    },
                ));
            }
            continue;
        }
        if columns[0] == "-DOCSTART-" {
            continue;
        }
        let error = |message: String| Error::Record {
            path: path.to_path_buf(),
            line: index + 1,
            message,
        };
        let (Some(word), Some(tag)) = (columns.first(), columns.last()) else {
            continue;
        };
        if columns.len() < 2 {
            return Err(error(format!(
                "field NER: missing (`{word}` has one column; expected `word … TAG`)"
            )));
        }
        if !is_bio(tag) {
            return Err(error(format!(
                "field NER: `{tag}` is not a BIO tag (O, B-TYPE or I-TYPE)"
            )));
        }
        current.words.push(word.to_string());
        current.tags.push(tag.to_string());
    }
    if !current.words.is_empty() {
        sentences.push(current);
    }
    Ok(sentences)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_named() {
        let err = parse_conll("EU NNP B-NP B-ORG\nrejects\n", Path::new("t.txt")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.txt:2: field NER: missing (`rejects` has one column; expected `word … TAG`)"
        );
        let err = parse_conll("EU NNP B-NP X-ORG\n", Path::new("t.txt")).unwrap_err();
        assert!(
            err.to_string().starts_with("t.txt:1: field NER: `X-ORG`"),
            "{err}"
        );
    }

    #[test]
    fn blank_lines_of_any_number_separate_sentences() {
        let text = "\n\nA x O\n\n\n\nB x B-LOC\nC x I-LOC";
        let got = parse_conll(text, Path::new("t")).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].tags, ["B-LOC", "I-LOC"]);
    }
}
