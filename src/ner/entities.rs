//! A tagger's entities in running text: each article is split into sentences and words as
//! CoNLL-2003 spells them, tagged, and the tagged spans are mapped back to byte ranges.

use crate::error::Result;
use crate::text::sentences::split_sentences;

use super::model::NerModel;
use super::tags::spans;
use super::words::{word_spans, WordSpan};

/// One entity mention found by the tagger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityMention {
    /// The mention as written (`text[start..end]` of its article).
    pub text: String,
    /// The entity type of the tagger's labels (PER, ORG, LOC, MISC for CoNLL).
    pub kind: String,
    /// Byte offset of the first character in the article.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
}

/// Sentences longer than this many words are read in pieces (the tagger's own windows overlap
/// within a piece); no news sentence comes near it, but a text without full stops could.
const MAX_SENTENCE_WORDS: usize = 400;

impl NerModel {
    /// The entity mentions of each text, in text order, tagging `batch_size` windows at a time.
    /// Each sentence is tagged on its own, as the tagger was trained.
    pub fn entities(&self, texts: &[&str], batch_size: usize) -> Result<Vec<Vec<EntityMention>>> {
        // (text index, the words of one sentence)
        let mut owners: Vec<usize> = Vec::new();
        let mut sentence_words: Vec<Vec<WordSpan>> = Vec::new();
        for (index, text) in texts.iter().enumerate() {
            for sentence in split_sentences(text) {
                // `sentence.text` is trimmed, so its offset in the article is where the slice
                // starts, not `sentence.start`.
                let shift = sentence.text.as_ptr() as usize - text.as_ptr() as usize;
                let words: Vec<WordSpan> = word_spans(sentence.text)
                    .into_iter()
                    .map(|w| WordSpan {
                        start: w.start + shift,
                        end: w.end + shift,
                    })
                    .collect();
                for piece in words.chunks(MAX_SENTENCE_WORDS) {
                    owners.push(index);
                    sentence_words.push(piece.to_vec());
                }
            }
        }
        let inputs: Vec<Vec<String>> = sentence_words
            .iter()
            .zip(&owners)
            .map(|(words, &owner)| {
                words
                    .iter()
                    .map(|w| texts[owner][w.start..w.end].to_string())
                    .collect()
            })
            .collect();
        let tags = self.tag(&inputs, batch_size)?;
        let mut found: Vec<Vec<EntityMention>> = vec![Vec::new(); texts.len()];
        for ((words, tags), &owner) in sentence_words.iter().zip(&tags).zip(&owners) {
            for span in spans(tags) {
                let (start, end) = (words[span.start].start, words[span.end - 1].end);
                found[owner].push(EntityMention {
                    text: texts[owner][start..end].to_string(),
                    kind: span.kind,
                    start,
                    end,
                });
            }
        }
        Ok(found)
    }
}
