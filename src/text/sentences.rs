//! Sentence splitting for news text, keeping byte offsets into the article.
//!
//! Rules rather than a model: a sentence ends at `.`, `!` or `?` (plus closing quotes and
//! brackets) followed by whitespace and something that can start a sentence, or at a line break.
//! Common abbreviations, initials and decimal numbers do not end sentences.
use super::lexicon::ABBREVIATIONS;

/// One sentence: its byte range in the article and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence<'a> {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// The sentence, trimmed.
    pub text: &'a str,
}

const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»'];

/// Splits `text` into sentences in order. Empty input gives no sentences.
///
/// ```
/// use stance::text::sentences::split_sentences;
/// let text = "Mr. Smith paid $3.5 million to the U.S. Treasury. \"We agree,\" he said.\nNext";
/// let sentences: Vec<&str> = split_sentences(text).into_iter().map(|s| s.text).collect();
/// // Abbreviations, initials and decimals do not end a sentence; a line break does.
/// assert_eq!(sentences, [
///     "Mr. Smith paid $3.5 million to the U.S. Treasury.",
///     "\"We agree,\" he said.",
///     "Next",
/// ]);
/// ```
pub fn split_sentences(text: &str) -> Vec<Sentence<'_>> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (offset, c) = chars[i];
        if c == '\n' {
            push(text, start, offset, &mut sentences);
            start = offset + 1;
            i += 1;
            continue;
        }
        if matches!(c, '.' | '!' | '?') {
            // Take the whole run of terminators and closing quotes: `?!`, `."`, `.”`.
            let mut j = i + 1;
            while j < chars.len()
                && (matches!(chars[j].1, '.' | '!' | '?') || CLOSERS.contains(&chars[j].1))
            {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(o, _)| o);
            if ends_sentence(text, &chars, i, j) {
                push(text, start, end, &mut sentences);
                start = end;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push(text, start, text.len(), &mut sentences);
    sentences
}

fn push<'a>(text: &'a str, start: usize, end: usize, out: &mut Vec<Sentence<'a>>) {
    let raw = &text[start..end];
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return;
    }
    let lead = raw.len() - raw.trim_start().len();
    let begin = start + lead;
    out.push(Sentence {
        start: begin,
        end: begin + trimmed.len(),
        text: trimmed,
    });
}

/// Whether the terminator at `chars[at]` (its run ending before `chars[next]`) ends a sentence.
fn ends_sentence(text: &str, chars: &[(usize, char)], at: usize, next: usize) -> bool {
    // Needs whitespace after it, then a character that can open a sentence.
    let Some(&(_, after)) = chars.get(next) else {
        return true;
    };
    if !after.is_whitespace() {
        return false;
    }
    let following = chars[next..]
        .iter()
        .map(|&(_, c)| c)
        .find(|c| !c.is_whitespace());
    match following {
        None => return true,
        Some(c) if c.is_lowercase() => return false,
        _ => {}
    }
    if chars[at].1 != '.' {
        return true;
    }
    // The word before the period.
    let word_start = chars[..at]
        .iter()
        .rposition(|&(_, c)| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .map_or(0, |p| p + 1);
    let word = &text[chars.get(word_start).map_or(0, |&(o, _)| o)..chars[at].0];
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(lower.as_str()) {
        return false;
    }
    // "No. 10" is a number, "said no." ends a sentence.
    if lower == "no" && following.is_some_and(|c| c.is_ascii_digit()) {
        return false;
    }
    // Initials such as "J." or "F.W.".
    let letters: Vec<char> = word.chars().filter(|c| *c != '.').collect();
    if letters.len() == 1 && letters[0].is_uppercase() {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        split_sentences(text).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn splits_on_terminators_and_keeps_quotes_with_their_sentence() {
        assert_eq!(
            texts("He said no. “It is illegitimate,” said Erdogan. Tehran agreed!"),
            [
                "He said no.",
                "“It is illegitimate,” said Erdogan.",
                "Tehran agreed!"
            ]
        );
        assert_eq!(
            texts("\"We reject it.\" He added more."),
            ["\"We reject it.\"", "He added more."]
        );
    }

    #[test]
    fn abbreviations_initials_and_numbers_do_not_split() {
        assert_eq!(
            texts("Mr. Smith met Sen. J. Doe in the U.S. on Tuesday. Growth was 2.5 percent."),
            [
                "Mr. Smith met Sen. J. Doe in the U.S. on Tuesday.",
                "Growth was 2.5 percent."
            ]
        );
    }

    #[test]
    fn line_breaks_end_sentences_and_offsets_point_into_the_text() {
        let text = "date 2017-10-04 Headline\n\nFirst one. Second one";
        let sentences = split_sentences(text);
        assert_eq!(sentences.len(), 3);
        for s in &sentences {
            assert_eq!(&text[s.start..s.end], s.text);
        }
        assert!(split_sentences("  \n ").is_empty());
    }
}
