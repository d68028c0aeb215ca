//! Tokens: words (with internal apostrophes, dotted abbreviations whole, a possessive "'s"
//! recorded on its word), sentence starts, and the datelines and wire credits to ignore.

use super::*;

#[derive(Debug, Clone, Default)]
pub(super) struct Token {
    /// Byte range of the token (a possessive "'s" is not included).
    pub(super) start: usize,
    pub(super) end: usize,
    /// A word (letters/digits) rather than a punctuation mark.
    pub(super) word: bool,
    pub(super) space_before: bool,
    pub(super) newline_before: bool,
    /// The word carried a possessive "'s" or a plural possessive "'".
    pub(super) possessive: bool,
    pub(super) sentence_start: bool,
    /// Inside a dateline or a wire credit.
    pub(super) ignored: bool,
}

/// A tokenised article.
pub(super) struct Doc<'a> {
    pub(super) text: &'a str,
    pub(super) toks: Vec<Token>,
    /// Lower-case words that occur in lower case somewhere ("officials"), to tell
    /// sentence-initial common words from names.
    pub(super) lower_words: HashSet<String>,
    /// Place of the first dateline ("ABUJA" in "ABUJA, June 8 -").
    pub(super) dateline_city: Option<String>,
}

impl<'a> Doc<'a> {
    pub(super) fn new(text: &'a str) -> Doc<'a> {
        let mut toks = tokenize(text);
        mark_ignored(text, &mut toks);
        mark_sentence_starts(text, &mut toks);
        let mut doc = Doc {
            text,
            toks,
            lower_words: HashSet::new(),
            dateline_city: dateline_city(text),
        };
        let lower: HashSet<String> = (0..doc.toks.len())
            .filter(|&i| doc.toks[i].word && first_char(doc.s(i)).is_lowercase())
            .map(|i| doc.s(i).to_string())
            .collect();
        doc.lower_words = lower;
        doc
    }

    pub(super) fn len(&self) -> usize {
        self.toks.len()
    }

    /// The token's text ("" when out of range).
    pub(super) fn s(&self, i: usize) -> &'a str {
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.start..t.end))
            .unwrap_or("")
    }

    pub(super) fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.word && !t.ignored)
    }

    pub(super) fn is_lower_word(&self, i: usize) -> bool {
        self.is_word(i) && first_char(self.s(i)).is_lowercase()
    }

    pub(super) fn possessive(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.possessive)
    }

    /// Surface text of tokens a..=b, whitespace collapsed.
    pub(super) fn surface(&self, sp: Span) -> String {
        match (self.toks.get(sp.a), self.toks.get(sp.b)) {
            (Some(x), Some(y)) if x.start <= y.end => {
                collapse_ws(self.text.get(x.start..y.end).unwrap_or(""))
            }
            _ => String::new(),
        }
    }

    /// Surface including a possessive "'s" that belongs to the name ("Moody's").
    pub(super) fn surface_with_possessive(&self, sp: Span) -> String {
        let base = self.surface(sp);
        let Some(t) = self.toks.get(sp.b) else {
            return base;
        };
        let tail: String = self
            .text
            .get(t.end..)
            .unwrap_or("")
            .chars()
            .take_while(|&c| is_apostrophe(c) || c == 's' || c == 'S')
            .take(2)
            .collect();
        base + &tail
    }

    pub(super) fn offset(&self, i: usize) -> usize {
        self.toks.get(i).map_or(0, |t| t.start)
    }

    /// First occurrence of a phrase as whole words (case-sensitive on the normalised form):
    /// its byte offset and surface text.
    pub(super) fn find_phrase(&self, phrase: &str) -> Option<(usize, String)> {
        let pattern: Vec<String> = tokenize(phrase)
            .iter()
            .filter(|t| t.word)
            .map(|t| norm_key(phrase.get(t.start..t.end).unwrap_or("")))
            .collect();
        if pattern.is_empty() {
            return None;
        }
        let words: Vec<usize> = (0..self.len()).filter(|&i| self.toks[i].word).collect();
        let keys: Vec<String> = words.iter().map(|&i| norm_key(self.s(i))).collect();
        (0..keys.len().saturating_sub(pattern.len() - 1)).find_map(|w| {
            let a = words[w];
            let b = words[w + pattern.len() - 1];
            let glued = (a..b).all(|k| self.toks[k].word || matches!(self.s(k), "-" | "&"));
            (keys[w..w + pattern.len()] == pattern[..] && glued)
                .then(|| (self.offset(a), self.surface(Span { a, b })))
        })
    }
}

/// Splits text into words and punctuation marks (see [`Token`]).
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte_at = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
    let ch = |k: usize| chars.get(k).map_or('\0', |&(_, c)| c);
    let lex = lexicon();
    let mut toks = Vec::new();
    let (mut space, mut newline) = (false, false);
    let mut k = 0;
    while k < n {
        let c = ch(k);
        if c.is_whitespace() {
            space = true;
            newline |= c == '\n';
            k += 1;
            continue;
        }
        let start = k;
        let mut tok = Token {
            start: byte_at(start),
            space_before: space,
            newline_before: newline,
            ..Token::default()
        };
        if c.is_alphanumeric() {
            k = scan_word(&ch, k, n);
            k = absorb_dots(text, &ch, &byte_at, start, k, lex);
            tok.end = byte_at(k);
            tok.word = true;
            // Possessive "'s" (not "'s" starting a longer word) or plural possessive "s'".
            if is_apostrophe(ch(k))
                && matches!(ch(k + 1), 's' | 'S')
                && !ch(k + 2).is_alphanumeric()
            {
                tok.possessive = true;
                k += 2;
            } else if is_apostrophe(ch(k)) && ch(k - 1) == 's' && !ch(k + 1).is_alphanumeric() {
                tok.possessive = true;
                k += 1;
            }
        } else {
            k += 1;
            tok.end = byte_at(k);
        }
        toks.push(tok);
        space = false;
        newline = false;
    }
    toks
}

/// End of a word starting at `k`: letters/digits, plus apostrophes inside a name ("O'Brien").
pub(super) fn scan_word(ch: &impl Fn(usize) -> char, mut k: usize, n: usize) -> usize {
    while k < n {
        let c = ch(k);
        // An apostrophe followed by a letter joins the word, unless it is a possessive "'s".
        let possessive_s = matches!(ch(k + 1), 's' | 'S') && !ch(k + 2).is_alphanumeric();
        let inner_apostrophe = is_apostrophe(c) && ch(k + 1).is_alphanumeric() && !possessive_s;
        if c.is_alphanumeric() || c == '\u{301}' || c == '\u{308}' || inner_apostrophe {
            k += 1;
        } else {
            break;
        }
    }
    k
}

/// Keeps the dot of initials ("J."), dotted acronyms ("U.S.", "U.N.") and known abbreviations
/// ("Mr.", "Sen.") inside the word, so they neither end sentences nor split names.
pub(super) fn absorb_dots(
    text: &str,
    ch: &impl Fn(usize) -> char,
    byte_at: &impl Fn(usize) -> usize,
    start: usize,
    mut k: usize,
    lex: &Lexicon,
) -> usize {
    if ch(k) != '.' {
        return k;
    }
    let word = text.get(byte_at(start)..byte_at(k)).unwrap_or("");
    if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
        k += 1;
        while ch(k).is_alphabetic() && ch(k + 1) == '.' && !ch(k + 2).is_alphanumeric() {
            k += 2;
        }
    } else if lex.dotted.contains(word) {
        k += 1;
    }
    k
}

/// Marks datelines ("ANKARA, Oct 4 (Reuters) -") and wire credits ("(Reporting by ...)").
pub(super) fn mark_ignored(text: &str, toks: &mut [Token]) {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        if let Some(len) = dateline_len(line) {
            ranges.push((line_start, line_start + len));
        }
        let trimmed = line.trim_start();
        if [
            "Reporting by",
            "Editing by",
            "Writing by",
            "Additional reporting",
        ]
        .iter()
        .any(|p| trimmed.starts_with(p))
        {
            ranges.push((line_start, line_start + line.len()));
        }
        line_start += line.len() + 1;
    }
    for marker in [
        "(Reporting by",
        "(Editing by",
        "(Writing by",
        "(Additional reporting",
    ] {
        for (pos, _) in text.match_indices(marker) {
            let end = text[pos..].find(')').map_or(text.len(), |e| pos + e + 1);
            ranges.push((pos, end));
        }
    }
    // Tokens and ranges are both in text order: one sweep.
    ranges.sort_unstable();
    let mut r = 0;
    for t in toks.iter_mut() {
        while r < ranges.len() && ranges[r].1 <= t.start {
            r += 1;
        }
        t.ignored = ranges[r..]
            .iter()
            .take_while(|&&(a, _)| a <= t.start)
            .any(|&(_, b)| t.start < b);
    }
}

/// Place of the first dateline in the text.
pub(super) fn dateline_city(text: &str) -> Option<String> {
    text.split('\n').take(5).find_map(|line| {
        let len = dateline_len(line)?;
        let body = line.get(..len)?.trim_start();
        let city = body
            .split([',', '('])
            .next()?
            .trim()
            .trim_end_matches(['-', '–', '—'])
            .trim();
        (!city.is_empty()).then(|| city.to_string())
    })
}

/// Length of a dateline at the start of a line: an all-capitals place, optional date and
/// agency, then a dash.
pub(super) fn dateline_len(line: &str) -> Option<usize> {
    let lead = line.len() - line.trim_start().len();
    let body = &line[lead..];
    let (dash_at, dash_len) = [" - ", " – ", " — ", " -- "]
        .iter()
        .filter_map(|d| body.find(d).map(|p| (p, d.len())))
        .min()?;
    if dash_at > 90 {
        return None;
    }
    let prefix = &body[..dash_at];
    let first = prefix.split([' ', ',', '(']).next().unwrap_or("");
    let letters = first.chars().filter(|c| c.is_alphabetic()).count();
    let all_caps = first
        .chars()
        .all(|c| !c.is_alphabetic() || c.is_uppercase());
    (letters >= 2
        && all_caps
        && (prefix.contains(',') || prefix.contains('(') || is_acronym(prefix)))
    .then_some(lead + dash_at + dash_len)
}

/// Marks the first word of each sentence, line and quotation.
pub(super) fn mark_sentence_starts(text: &str, toks: &mut [Token]) {
    let mut boundary = true;
    for t in toks.iter_mut() {
        if t.ignored {
            boundary = true;
            continue;
        }
        if t.word {
            t.sentence_start = boundary || t.newline_before;
            boundary = false;
            continue;
        }
        let c = first_char(text.get(t.start..t.end).unwrap_or(""));
        if matches!(c, '.' | '!' | '?' | ':' | ';' | '(' | '[') || is_quote(c) || t.newline_before {
            boundary = true;
        }
    }
}
