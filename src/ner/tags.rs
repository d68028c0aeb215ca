//! BIO tags and the entity spans they encode, as conlleval reads them.

/// CoNLL-2003's labels in the id order of Hugging Face's `conll2003` dataset, so that a folder
/// trained here has the label ids Python users expect.
pub const CONLL_LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];

/// The tag outside every entity.
pub const OUTSIDE: &str = "O";

/// An entity: words `start..end` of a sentence, of type `kind` (PER, ORG, LOC, MISC, …).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Index of the first word.
    pub start: usize,
    /// One past the last word.
    pub end: usize,
    /// The entity type.
    pub kind: String,
}

/// Whether `tag` is `O`, `B-TYPE` or `I-TYPE` with a non-empty type.
pub fn is_bio(tag: &str) -> bool {
    tag == OUTSIDE || split(tag).is_some()
}

/// `B-PER` → `('B', "PER")`.
fn split(tag: &str) -> Option<(char, &str)> {
    let (prefix, kind) = tag.split_once('-')?;
    match prefix {
        "B" | "I" if !kind.is_empty() => Some((prefix.chars().next()?, kind)),
        _ => None,
    }
}

/// The entities of a tag sequence. As conlleval counts them, an `I-` tag that does not continue
/// an entity of its type starts one, so a model that forgets `B-` is still scored on its spans.
///
/// ```
/// use stance::ner::tags::{spans, Span};
/// let tags = ["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"];
/// let found = spans(&tags);
/// let kinds: Vec<(usize, usize, &str)> =
///     found.iter().map(|s| (s.start, s.end, s.kind.as_str())).collect();
/// assert_eq!(kinds, [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")]);
/// ```
pub fn spans<S: AsRef<str>>(tags: &[S]) -> Vec<Span> {
    let mut found = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let parsed = split(tag.as_ref());
        let continues =
            matches!((parsed, open), (Some(('I', kind)), Some((_, current))) if kind == current);
        if continues {
            continue;
        }
        if let Some((start, kind)) = open.take() {
            found.push(Span {
                start,
                end: i,
                kind: kind.to_string(),
            });
        }
        if let Some((_, kind)) = parsed {
            open = Some((i, kind));
        }
    }
    if let Some((start, kind)) = open {
        found.push(Span {
            start,
            end: tags.len(),
            kind: kind.to_string(),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_checked_for_the_bio_scheme() {
        for tag in ["O", "B-PER", "I-MISC", "B-X"] {
            assert!(is_bio(tag), "{tag}");
        }
        for tag in ["", "B-", "E-PER", "PER", "o", "S-LOC"] {
            assert!(!is_bio(tag), "{tag}");
        }
    }

    #[test]
    fn an_entity_ends_at_o_at_a_new_b_and_at_a_change_of_type() {
        let tags = ["B-ORG", "I-ORG", "I-ORG", "B-ORG", "I-PER", "O", "O"];
        let got = spans(&tags);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!((got[0].start, got[0].end), (0, 3));
        assert_eq!((got[1].start, got[1].end), (3, 4));
        assert_eq!(
            (got[2].start, got[2].end, got[2].kind.as_str()),
            (4, 5, "PER")
        );
        assert!(spans(&["O", "O"]).is_empty());
    }

    #[test]
    fn the_labels_are_all_bio() {
        assert!(CONLL_LABELS.iter().all(|t| is_bio(t)));
        assert_eq!(CONLL_LABELS[0], OUTSIDE);
    }
}
