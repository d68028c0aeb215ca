//! Running text to words as CoNLL-2003 spells them, each with its byte range in the text, so that
//! a tagger trained on CoNLL reads an article the way it read its training data and its entities
//! can be found again in the text.

use crate::text::lexicon::ABBREVIATIONS;

/// A word of a text: `text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordSpan {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
}

/// Splits `text` into words the way CoNLL-2003 is tokenised: whitespace separates words,
/// punctuation stands alone, except inside a word ("U.S.", "al-Assad", "O'Brien", "3.5");
/// a possessive "'s" is its own word.
///
/// ```
/// use stance::ner::words::word_spans;
/// let text = "Turkey's Erdogan (AKP) met U.S. envoys, al-Assad said.";
/// let words: Vec<&str> = word_spans(text).iter().map(|w| &text[w.start..w.end]).collect();
/// assert_eq!(
///     words,
///     ["Turkey", "'s", "Erdogan", "(", "AKP", ")", "met", "U.S.", "envoys", ",", "al-Assad",
///      "said", "."]
/// );
/// ```
pub fn word_spans(text: &str) -> Vec<WordSpan> {
    let mut words = Vec::new();
    let mut offset = 0;
    for chunk in text.split_inclusive(char::is_whitespace) {
        let trimmed = chunk.trim_end();
        split_chunk(trimmed, offset, &mut words);
        offset += chunk.len();
    }
    words
}

/// The words of `text[start..end]`.
pub fn words_of<'t>(text: &'t str, spans: &[WordSpan]) -> Vec<&'t str> {
    spans.iter().map(|w| &text[w.start..w.end]).collect()
}

/// Splits a whitespace-free chunk at `offset` into words.
fn split_chunk(chunk: &str, offset: usize, out: &mut Vec<WordSpan>) {
    let chars: Vec<(usize, char)> = chunk.char_indices().collect();
    let n = chars.len();
    let end_of = |k: usize| if k < n { chars[k].0 } else { chunk.len() };
    let mut k = 0;
    while k < n {
        let (start, c) = chars[k];
        if !c.is_alphanumeric() {
            let width = if is_possessive(&chars, k) { 2 } else { 1 };
            out.push(WordSpan {
                start: offset + start,
                end: offset + end_of(k + width),
            });
            k += width;
            continue;
        }
        // A word: letters and digits, joined by single inner marks ("al-Assad", "O'Brien",
        // "3.5", "U.S").
        let mut j = k + 1;
        while j < n {
            let here = chars[j].1;
            if here.is_alphanumeric() {
                j += 1;
            } else if is_joiner(here) && j + 1 < n && chars[j + 1].1.is_alphanumeric() {
                // A possessive "'s" at the end of the chunk (or before punctuation) is a word
                // of its own.
                if is_possessive(&chars, j) {
                    break;
                }
                j += 2;
            } else {
                break;
            }
        }
        // Dotted abbreviations keep their final dot ("U.S.", "Mr.", "J."): a dot right after a
        // word whose letters are separated by dots, or after a short capitalised word.
        if j < n && chars[j].1 == '.' {
            let word = &chunk[start..end_of(j)];
            if keeps_final_dot(word) {
                j += 1;
            }
        }
        out.push(WordSpan {
            start: offset + start,
            end: offset + end_of(j),
        });
        k = j;
    }
}

/// Whether `chars[k..]` starts with a possessive "'s" that ends the word.
fn is_possessive(chars: &[(usize, char)], k: usize) -> bool {
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    at(k).is_some_and(is_apostrophe)
        && matches!(at(k + 1), Some('s' | 'S'))
        && !at(k + 2).is_some_and(char::is_alphanumeric)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}')
}

fn is_joiner(c: char) -> bool {
    is_apostrophe(c) || matches!(c, '-' | '.' | '&' | '/')
}

/// "U.S" → "U.S.", "J" → "J.", "Mr" → "Mr.", "Gen" → "Gen."; not "said" or "Turkey".
fn keeps_final_dot(word: &str) -> bool {
    if word.contains('.') {
        return word.split('.').all(|part| {
            (1..=2).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic)
        });
    }
    let letters = word.chars().count();
    let capitalised = word.chars().next().is_some_and(char::is_uppercase);
    capitalised && (letters == 1 || ABBREVIATIONS.contains(word.to_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        words_of(text, &word_spans(text))
    }

    #[test]
    fn punctuation_stands_alone_and_offsets_point_into_the_text() {
        let text = "\"We will win,\" said Mr. Smith.\n\nHe left.";
        assert_eq!(
            words(text),
            [
                "\"", "We", "will", "win", ",", "\"", "said", "Mr.", "Smith", ".", "He", "left",
                "."
            ]
        );
    }

    #[test]
    fn inner_marks_join_and_possessives_split() {
        assert_eq!(
            words("the EU's rock-solid 3.5%"),
            ["the", "EU", "'s", "rock-solid", "3.5", "%"]
        );
        assert_eq!(words("O'Brien’s"), ["O'Brien", "’s"]);
        assert_eq!(words("AT&T"), ["AT&T"]);
    }

    #[test]
    fn sentence_final_dot_leaves_ordinary_words() {
        assert_eq!(words("in Iraq. Then"), ["in", "Iraq", ".", "Then"]);
        assert_eq!(words("J. R. R. Tolkien"), ["J.", "R.", "R.", "Tolkien"]);
        assert_eq!(words("rose 3.5."), ["rose", "3.5", "."]);
    }
}
