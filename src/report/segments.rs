//! An article cut into the runs the article view shows: sentences (so that evidence can be
//! coloured), and within them the mentions of each actor (so that they can be highlighted).
//!
//! The cutting is done here rather than in the browser so that sentences and mentions are found
//! exactly as `stance predict` found them (same sentence splitter, same alias patterns).

use serde::Serialize;

use crate::text::mentions::ActorMentions;
use crate::text::sentences::split_sentences;

/// A run of text: `(text, sentence index or -1 between sentences, actor index or -1)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part(pub String, pub i64, pub i64);

/// An actor as the segmenter needs it.
pub struct ActorNames<'a> {
    /// The name.
    pub name: &'a str,
    /// Its aliases.
    pub aliases: &'a [String],
}

/// Mention byte ranges of all actors in `text`, `(start, end, actor)`, without overlaps (an
/// earlier, then longer, mention wins), in order.
fn mentions(text: &str, actors: &[ActorNames]) -> Vec<(usize, usize, usize)> {
    let mut all: Vec<(usize, usize, usize)> = Vec::new();
    for (index, actor) in actors.iter().enumerate() {
        let patterns = ActorMentions::new(actor.name, actor.aliases);
        all.extend(
            patterns
                .spans(text)
                .into_iter()
                .map(|(start, end)| (start, end, index)),
        );
    }
    all.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
    let mut kept: Vec<(usize, usize, usize)> = Vec::with_capacity(all.len());
    for span in all {
        if kept.last().is_none_or(|last| span.0 >= last.1) {
            kept.push(span);
        }
    }
    kept
}

/// Cuts `text` (whose sentences have index `sentence` from `first_sentence`, or that lies
/// between sentences when `sentence` is `None`) at the mentions of `actors`, appending the runs.
fn push_with_mentions(
    parts: &mut Vec<Part>,
    text: &str,
    sentence: Option<usize>,
    actors: &[ActorNames],
) {
    let s = sentence.map_or(-1, |i| i as i64);
    let mut last = 0;
    for (start, end, actor) in mentions(text, actors) {
        if start > last {
            parts.push(Part(text[last..start].to_string(), s, -1));
        }
        parts.push(Part(text[start..end].to_string(), s, actor as i64));
        last = end;
    }
    if last < text.len() {
        parts.push(Part(text[last..].to_string(), s, -1));
    }
}

/// The runs of a whole article: every sentence in order with the text between sentences kept
/// (line breaks included), mentions cut out.
pub fn article_parts(text: &str, actors: &[ActorNames]) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut last = 0;
    for (index, sentence) in split_sentences(text).iter().enumerate() {
        if sentence.start > last {
            parts.push(Part(text[last..sentence.start].to_string(), -1, -1));
        }
        push_with_mentions(&mut parts, sentence.text, Some(index), actors);
        last = sentence.end;
    }
    if last < text.len() {
        parts.push(Part(text[last..].to_string(), -1, -1));
    }
    parts
}

/// Whether `text` splits into sentences that agree with the evidence the predictions quote
/// (`(index, text)` pairs): false when the article was edited since, or the id joined the wrong
/// article.
pub fn evidence_matches(text: &str, evidence: &[(usize, &str)]) -> bool {
    let sentences = split_sentences(text);
    evidence.iter().all(|&(index, quoted)| {
        sentences
            .get(index)
            .is_some_and(|s| s.text.trim() == quoted.trim())
    })
}

/// The runs when only the evidence sentences are known: them in index order, `" … "` where
/// sentences are left out.
pub fn evidence_parts(evidence: &[(usize, &str)], actors: &[ActorNames]) -> Vec<Part> {
    let mut sentences: Vec<(usize, &str)> = evidence.to_vec();
    sentences.sort_unstable_by_key(|&(index, _)| index);
    sentences.dedup_by_key(|&mut (index, _)| index);
    let mut parts = Vec::new();
    let mut previous: Option<usize> = None;
    for (index, text) in sentences {
        let gap = match previous {
            None if index > 0 => "… ",
            None => "",
            Some(p) if index == p + 1 => " ",
            Some(_) => " … ",
        };
        if !gap.is_empty() {
            parts.push(Part(gap.to_string(), -1, -1));
        }
        push_with_mentions(&mut parts, text, Some(index), actors);
        previous = Some(index);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(parts: &[Part]) -> String {
        parts.iter().map(|p| p.0.as_str()).collect()
    }

    #[test]
    fn parts_cover_the_text_and_mark_sentences_and_mentions() {
        let text = "Turkey opposed the vote.\n\nErdogan said Ankara would not <script>.";
        let aliases = vec!["Ankara".to_string(), "Erdogan".to_string()];
        let actors = [ActorNames {
            name: "Turkey",
            aliases: &aliases,
        }];
        let parts = article_parts(text, &actors);
        assert_eq!(joined(&parts), text);
        let mentions: Vec<(&str, i64)> = parts
            .iter()
            .filter(|p| p.2 == 0)
            .map(|p| (p.0.as_str(), p.1))
            .collect();
        assert_eq!(mentions, [("Turkey", 0), ("Erdogan", 1), ("Ankara", 1)]);
        assert!(parts.contains(&Part("\n\n".to_string(), -1, -1)));
    }

    #[test]
    fn overlapping_mentions_keep_the_longer_one() {
        let none: Vec<String> = vec![];
        let actors = [
            ActorNames {
                name: "Iraq",
                aliases: &none,
            },
            ActorNames {
                name: "the Iraq government",
                aliases: &none,
            },
        ];
        let parts = article_parts("the Iraq government said no.", &actors);
        let mentions: Vec<(&str, i64)> = parts
            .iter()
            .filter(|p| p.2 >= 0)
            .map(|p| (p.0.as_str(), p.2))
            .collect();
        assert_eq!(mentions, [("the Iraq government", 1)]);
    }

    #[test]
    fn evidence_only_marks_left_out_sentences() {
        let parts = evidence_parts(&[(4, "B."), (1, "A."), (5, "C.")], &[]);
        assert_eq!(joined(&parts), "… A. … B. C.");
        let text = "Alpha went home. Beta came back.";
        assert!(evidence_matches(text, &[(1, "Beta came back.")]));
        assert!(!evidence_matches(text, &[(1, "Alpha went home.")]));
        assert!(!evidence_matches(text, &[(3, "Beta came back.")]));
    }
}
