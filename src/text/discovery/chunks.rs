//! Chunks: runs of capitalised words, with name particles and organisation connectors
//! ("Bank of Mexico"), that the analysis classifies.

use super::*;

/// Inclusive token range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Span {
    pub(super) a: usize,
    pub(super) b: usize,
}

impl Span {
    pub(super) fn single(i: usize) -> Span {
        Span { a: i, b: i }
    }
    pub(super) fn tokens(self) -> usize {
        self.b + 1 - self.a
    }
}

impl Doc<'_> {
    /// A capitalised word that can belong to a name.
    pub(super) fn chunk_word(&self, i: usize) -> bool {
        let lex = lexicon();
        let w = self.s(i);
        if !self.is_word(i) || !is_capitalised(w) || lex.stop.contains(w) {
            return false;
        }
        // "May", "Jan": months after a temporal preposition, before a day number or with a
        // dot; otherwise possibly names ("Theresa May", "Jan Peeters").
        if lex.months.contains(w.trim_end_matches('.')) {
            let prev = if i > 0 { self.s(i - 1) } else { "" };
            let temporal = [
                "in", "on", "since", "until", "by", "of", "last", "next", "early", "late", "mid",
                "from", "to", "through", "between", "before", "after", "during",
            ];
            if temporal.contains(&prev)
                || first_char(self.s(i + 1)).is_ascii_digit()
                || w.ends_with('.')
            {
                return false;
            }
        }
        true
    }

    pub(super) fn is_particle(&self, i: usize) -> bool {
        self.is_lower_word(i) && lexicon().particles.contains(self.s(i))
    }

    /// "d'Ivoire", "d'Orsay", "l'Economia": an elided particle glued to a capitalised word.
    pub(super) fn elided_particle(&self, i: usize) -> bool {
        let mut chars = self.s(i).chars();
        let (first, apostrophe, next) = (chars.next(), chars.next(), chars.next());
        self.is_word(i)
            && first.is_some_and(char::is_lowercase)
            && apostrophe.is_some_and(is_apostrophe)
            && next.is_some_and(char::is_uppercase)
    }

    pub(super) fn glued(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.space_before)
    }

    pub(super) fn is_org_signal(&self, i: usize) -> bool {
        lexicon()
            .org_signals
            .contains(self.s(i).trim_end_matches('.'))
    }

    /// All runs of capitalised words, with name particles, hyphens and organisation connectors.
    pub(super) fn chunks(&self) -> Vec<Span> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.len() {
            if !self.chunk_word(i) {
                i += 1;
                continue;
            }
            let a = i;
            let mut b = i;
            while let Some(next) = self.extend_chunk(a, b) {
                b = next;
            }
            out.push(Span { a, b });
            i = b + 1;
        }
        out
    }

    /// The new last token if the chunk a..=b continues, else None.
    pub(super) fn extend_chunk(&self, a: usize, b: usize) -> Option<usize> {
        let j = b + 1;
        if j >= self.len() || self.toks[j].newline_before {
            return None;
        }
        if self.possessive(b) {
            let owner = norm_key(&self.surface(Span { a, b }));
            if lexicon().lookup(&owner).is_some() {
                return None;
            }
            return self.possessive_org_continuation(j);
        }
        if self.chunk_word(j) {
            return Some(j);
        }
        // Hyphenated names and compounds of capitalised parts: "al-Tamimi", "Guinea-Bissau".
        if self.s(j) == "-" && self.glued(j) && self.glued(j + 1) {
            if self.chunk_word(j + 1) {
                return Some(j + 1);
            }
            if self.is_particle(j + 1) && self.s(j + 2) == "-" && self.chunk_word(j + 3) {
                return Some(j + 3);
            }
        }
        if self.s(j) == "&" && self.chunk_word(j + 1) {
            return Some(j + 1);
        }
        if self.elided_particle(j) {
            return Some(j);
        }
        // Up to three particles before the next name word: "von der Leyen", "al-Tamimi".
        let mut k = j;
        while k < j + 3 && self.is_particle(k) {
            k += 1;
            if self.s(k) == "-" && self.glued(k) {
                k += 1;
            }
        }
        if k > j && self.chunk_word(k) {
            return Some(k);
        }
        self.connector_extension(a, b, j)
    }

    /// "People's Party", "Employers' Associations": a possessive inside an organisation name.
    pub(super) fn possessive_org_continuation(&self, j: usize) -> Option<usize> {
        let mut k = j;
        while k < j + 4 && self.chunk_word(k) && !self.possessive(k) {
            if self.is_org_signal(k) && !self.chunk_word(k + 1) {
                return Some(k);
            }
            k += 1;
        }
        None
    }

    /// "Bank of Mexico", "Commission for the Conservation of ...", "Secretary of State",
    /// "Justice and Development Party": connectors that continue an organisation or title.
    pub(super) fn connector_extension(&self, a: usize, b: usize, j: usize) -> Option<usize> {
        let lex = lexicon();
        let conn = self.s(j);
        if !matches!(conn, "of" | "for" | "on" | "and") || !self.is_lower_word(j) {
            return None;
        }
        let mut k = j + 1;
        if self.s(k) == "the" && conn != "and" {
            k += 1;
        }
        if !self.chunk_word(k) {
            return None;
        }
        let mut run_end = k;
        while self.chunk_word(run_end + 1) && !self.possessive(run_end) {
            run_end += 1;
        }
        let head_signal = (a..=b).any(|t| self.is_org_signal(t) || lex.is_title(self.s(t)));
        let run_signal = self.is_org_signal(run_end);
        let has_of = (a..=b).any(|t| matches!(self.s(t), "of" | "for"));
        let ok = if conn == "and" {
            let single_word_before_party = a == b
                && run_signal
                && !self.is_org_signal(a)
                && lex.lookup(&norm_key(self.s(a))).is_none();
            // "Confederation of Turkish Tradesmen and Craftsmen", "Ministry of Trade and Industry".
            let inside_of_phrase =
                has_of && head_signal && run_end == k && lex.lookup(&norm_key(self.s(k))).is_none();
            k == j + 1 && (single_word_before_party || inside_of_phrase)
        } else {
            head_signal && !lex.is_title(self.s(k))
        };
        ok.then_some(run_end)
    }
}
