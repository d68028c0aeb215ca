//! Words to WordPiece windows: each word's pieces, the label on its first piece, and long texts
//! cut into overlapping windows so that every word is read with context on both sides.

use tokenizers::Tokenizer;

use super::casing::casing_type;
use crate::error::{Error, Result};

/// One window of a tokenised text, ready for the encoder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// `[CLS] pieces [SEP]`.
    pub input_ids: Vec<u32>,
    /// For each position of `input_ids`, the word whose first piece it is (`None` for special
    /// tokens and later pieces): where a word's tag is read and trained.
    pub first_piece_of: Vec<Option<usize>>,
    /// For each position, the casing type of its word (0 for special tokens; see
    /// [`super::casing`]).
    pub casing: Vec<u32>,
}

/// A text's pieces: `pieces[i]` holds word i's WordPiece ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordPieces {
    /// Piece ids per word (a word the vocabulary cannot spell gets `[UNK]`).
    pub pieces: Vec<Vec<u32>>,
    /// Casing type per word ([`super::casing::casing_type`]).
    pub casing: Vec<u32>,
}

/// Splits words into pieces with `tokenizer` (its own truncation and padding are ignored).
pub fn word_pieces(tokenizer: &Tokenizer, words: &[String]) -> Result<WordPieces> {
    let unk = tokenizer.token_to_id("[UNK]").unwrap_or(100);
    let mut pieces = Vec::with_capacity(words.len());
    let casing = words.iter().map(|w| casing_type(w)).collect();
    for word in words {
        let encoding = tokenizer
            .encode(word.as_str(), false)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let ids = encoding.get_ids();
        pieces.push(if ids.is_empty() {
            vec![unk]
        } else {
            ids.to_vec()
        });
    }
    Ok(WordPieces { pieces, casing })
}

/// Cuts a text into windows of at most `max_length` tokens (with `[CLS]` and `[SEP]`). A text
/// that fits is one window; a longer one gets windows that start at word boundaries, each
/// `stride` pieces or so after the last, so consecutive windows overlap by about
/// `max_length - 2 - stride` pieces. Returns the windows and, for each word, the window to read
/// its tag from: the one where it sits farthest from an edge.
///
/// ```
/// use stance::ner::windows::{windows, WordPieces};
/// let text = WordPieces { pieces: (0..10).map(|i| vec![1000 + i]).collect(), casing: vec![0; 10] };
/// let (cut, best) = windows(&text, 6, 2, 101, 102);
/// assert!(cut.iter().all(|w| w.input_ids.len() <= 6));
/// assert_eq!(best.len(), 10);
/// // Every word is read from a window that holds it.
/// for (word, &w) in best.iter().enumerate() {
///     assert!(cut[w].first_piece_of.contains(&Some(word)));
/// }
/// ```
pub fn windows(
    text: &WordPieces,
    max_length: usize,
    stride: usize,
    cls: u32,
    sep: u32,
) -> (Vec<Window>, Vec<usize>) {
    let budget = max_length.saturating_sub(2).max(1);
    let stride = stride.clamp(1, budget);
    let words = text.pieces.len();
    // Word start offsets in the flat piece list.
    let mut starts = Vec::with_capacity(words + 1);
    let mut offset = 0;
    for p in &text.pieces {
        starts.push(offset);
        offset += p.len();
    }
    starts.push(offset);
    let mut cut = Vec::new();
    // (first word, end word) of each window.
    let mut bounds = Vec::new();
    let mut first = 0;
    loop {
        let mut end = first;
        while end < words && starts[end + 1] - starts[first] <= budget {
            end += 1;
        }
        if end == first && first < words {
            // A single word longer than the budget: its pieces are cut.
            end = first + 1;
        }
        let mut input_ids = vec![cls];
        let mut first_piece_of = vec![None];
        let mut casing = vec![0];
        for word in first..end {
            for (k, &id) in text.pieces[word].iter().enumerate() {
                if input_ids.len() > budget {
                    break;
                }
                input_ids.push(id);
                first_piece_of.push((k == 0).then_some(word));
                casing.push(text.casing.get(word).copied().unwrap_or(0));
            }
        }
        input_ids.push(sep);
        first_piece_of.push(None);
        casing.push(0);
        cut.push(Window {
            input_ids,
            first_piece_of,
            casing,
        });
        bounds.push((first, end));
        if end >= words {
            break;
        }
        // The next window starts at the first word at least `stride` pieces further on, and
        // always moves forward.
        let mut next = first + 1;
        while next < end && starts[next] - starts[first] < stride {
            next += 1;
        }
        first = next;
    }
    let best = (0..words)
        .map(|word| {
            let mut choice = 0;
            let mut margin = -1i64;
            for (w, &(first, end)) in bounds.iter().enumerate() {
                if word < first || word >= end {
                    continue;
                }
                let left = (starts[word] - starts[first]) as i64;
                let right = (starts[end] - starts[word + 1]) as i64;
                let m = left.min(right);
                if m > margin {
                    margin = m;
                    choice = w;
                }
            }
            choice
        })
        .collect();
    (cut, best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lengths: &[usize]) -> WordPieces {
        WordPieces {
            pieces: lengths
                .iter()
                .enumerate()
                .map(|(i, &n)| (0..n).map(|k| (i * 10 + k) as u32 + 1000).collect())
                .collect(),
            casing: (0..lengths.len()).map(|i| (i % 3) as u32).collect(),
        }
    }

    #[test]
    fn a_text_that_fits_is_one_window_with_every_first_piece_marked() {
        let (cut, best) = windows(&text(&[1, 3, 2]), 16, 4, 101, 102);
        assert_eq!(cut.len(), 1);
        assert_eq!(cut[0].input_ids.len(), 8);
        assert_eq!(
            cut[0].first_piece_of,
            [None, Some(0), Some(1), None, None, Some(2), None, None]
        );
        assert_eq!(best, [0, 0, 0]);
    }

    #[test]
    fn long_texts_overlap_and_no_word_is_cut_between_windows() {
        let lengths: Vec<usize> = (0..40).map(|i| 1 + i % 3).collect();
        let t = text(&lengths);
        let (cut, best) = windows(&t, 12, 5, 101, 102);
        assert!(cut.len() > 3);
        for w in &cut {
            assert!(w.input_ids.len() <= 12);
            // Each word in a window is there whole: its first piece and all the others.
            for (pos, word) in w.first_piece_of.iter().enumerate() {
                if let Some(word) = word {
                    let n = t.pieces[*word].len();
                    assert_eq!(&w.input_ids[pos..pos + n], t.pieces[*word].as_slice());
                }
            }
        }
        for (word, &w) in best.iter().enumerate() {
            assert!(cut[w].first_piece_of.contains(&Some(word)), "word {word}");
        }
        // Overlap: some word appears in two windows.
        let in_first: Vec<_> = cut[0].first_piece_of.iter().flatten().collect();
        assert!(cut[1]
            .first_piece_of
            .iter()
            .flatten()
            .any(|w| in_first.contains(&w)));
    }

    #[test]
    fn a_word_longer_than_the_window_is_cut_but_still_read() {
        let (cut, best) = windows(&text(&[1, 9, 1]), 6, 2, 101, 102);
        assert!(cut.iter().all(|w| w.input_ids.len() <= 6));
        assert_eq!(best.len(), 3);
        assert!(cut[best[1]].first_piece_of.contains(&Some(1)));
    }

    #[test]
    fn every_piece_carries_its_words_casing_and_special_tokens_none() {
        let t = text(&[1, 3, 2, 2]);
        let (cut, _) = windows(&t, 16, 4, 101, 102);
        let w = &cut[0];
        assert_eq!(w.casing.len(), w.input_ids.len());
        assert_eq!(w.casing, [0, 0, 1, 1, 1, 2, 2, 0, 0, 0]);
    }
}
