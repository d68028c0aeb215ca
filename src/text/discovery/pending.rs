//! Names without a signal of their own, resolved once the whole article is read: speech
//! verbs before or after them, acronyms defined in parentheses, surnames of known people.

use super::*;

impl<'d, 'a> Analysis<'d, 'a> {
    /// Whether the chunk is the subject of a speech verb ("X said", "X, who ..., said",
    /// "X (ACR) has warned") or follows one after a quote ("..., said X") or "according to X".
    pub(super) fn spoke(&self, sp: Span) -> bool {
        self.speech_after(sp.a, sp.b) || self.speech_before(sp.a)
    }

    pub(super) fn speech_after(&self, first_word: usize, b: usize) -> bool {
        let d = self.doc;
        let mut j = b + 1;
        if d.possessive(b) && !(d.is_lower_word(j) && self.lex.speech.contains(d.s(j))) {
            // "the ministry's spokesman said": a spokesperson speaks for the owner.
            let mut k = j;
            while k < j + 3 && d.is_lower_word(k) && !self.lex.speech.contains(d.s(k)) {
                k += 1;
            }
            if k > j && self.lex.is_title(d.s(k - 1)) {
                j = k;
            } else {
                return false;
            }
        }
        if d.s(j) == "(" {
            j = (j + 1..j + 8).find(|&k| d.s(k) == ")").map_or(j, |k| k + 1);
        }
        // "the Democratic Centre party, which ..., attacked", "the UGT union said".
        if d.is_lower_word(j) && lx::ORGANISATION_NOUNS.contains(d.s(j)) {
            j += 1;
        }
        // "The country's leading business association, TUSIAD, welcomed ...".
        let mut before = first_word.checked_sub(1);
        if let Some(p) = before.filter(|&p| matches!(d.s(p), "the" | "a" | "an")) {
            before = p.checked_sub(1);
        }
        let in_apposition = before.is_some_and(|p| d.s(p) == ",");
        if d.s(j) == "," && in_apposition && lx::APPOSITIVE_SPEECH_VERBS.contains(d.s(j + 1)) {
            return true;
        }
        if d.is_lower_word(j) && self.lex.speech.contains(d.s(j)) {
            return true;
        }
        if d.s(j) == "," {
            // Skip an appositive up to the next comma.
            match (j + 1..j + 24).find(|&k| matches!(d.s(k), "," | "." | "\"" | "“" | "”")) {
                Some(k) if d.s(k) == "," => j = k + 1,
                _ => return false,
            }
        }
        for _ in 0..3 {
            if d.is_word(j) && self.lex.fillers.contains(d.s(j)) {
                j += 1;
            }
        }
        d.is_lower_word(j) && self.lex.speech.contains(d.s(j))
    }

    pub(super) fn speech_before(&self, a: usize) -> bool {
        let d = self.doc;
        let (Some(p1), Some(p2)) = (a.checked_sub(1), a.checked_sub(2)) else {
            return false;
        };
        let w1 = d.s(p1);
        if w1 == "to" && d.s(p2) == "according" {
            return true;
        }
        let after_quote = !d.is_word(p2) && (d.s(p2) == "," || is_quote(first_char(d.s(p2))));
        d.is_lower_word(p1) && self.lex.speech.contains(w1) && after_quote
    }

    /// A chunk that is not a name as a whole because it holds an abbreviation ("EU Mercosur",
    /// "NATO Ukraine"): the abbreviations are mentions and the pieces between them are
    /// classified on their own. Full names are not taken out of longer names ("Wales" in "New
    /// South Wales", "Jordan" in "Jordan Peterson").
    pub(super) fn split_mixed(&mut self, sp: Span) {
        let d = self.doc;
        let abbreviations: Vec<usize> = (sp.a..=sp.b)
            .filter(|&i| {
                let hyphenated = d.s(i + 1) == "-" || (i > sp.a && d.s(i - 1) == "-");
                d.is_word(i)
                    && !hyphenated
                    && matches!(self.lex.lookup(&norm_key(d.s(i))), Some((_, Role::Abbrev)))
            })
            .collect();
        if abbreviations.is_empty() {
            return;
        }
        let mut rest = sp.a;
        for i in abbreviations {
            if rest < i {
                self.classify_piece(rest, i - 1);
            }
            self.classify(Span::single(i), Ctx::Normal);
            rest = i + 1;
        }
        if rest <= sp.b {
            self.classify_piece(rest, sp.b);
        }
    }

    /// Classifies tokens a..=b without the punctuation at their ends.
    pub(super) fn classify_piece(&mut self, mut a: usize, mut b: usize) {
        let d = self.doc;
        while a < b && !d.is_word(a) {
            a += 1;
        }
        while b > a && !d.is_word(b) {
            b -= 1;
        }
        if d.is_word(a) && d.is_word(b) {
            self.classify(Span { a, b }, Ctx::Normal);
        }
    }

    // ----- acronyms ---------------------------------------------------------------------------

    /// "Kurdistan Regional Government (KRG)": records the pair.
    pub(super) fn note_acronym_definition(&mut self, sp: Span) {
        let d = self.doc;
        let (open, acr, close) = (sp.b + 1, sp.b + 2, sp.b + 3);
        if d.s(open) == "(" && d.s(close) == ")" && d.is_word(acr) && sp.tokens() >= 2 {
            let a = d.s(acr);
            if is_acronym_like(a) && !self.lex.non_actor_acronyms.contains(a) {
                self.acronym_defs.push((sp, Span::single(acr)));
            }
        }
    }

    /// Gives every defined acronym the entity of its long form (creating an organisation for a
    /// long form that is still pending).
    pub(super) fn resolve_acronym_definitions(&mut self) {
        let defs = self.acronym_defs.clone();
        for (long, acr) in defs {
            let e = match self.tok_ent.get(long.b).copied().flatten() {
                Some(e) => e,
                None if self.multiword_has_non_name(long) => continue,
                None => {
                    let surface = self.doc.surface(long);
                    let e = self.entity(
                        format!("org:{}", norm_key(&surface).to_lowercase()),
                        ActorKind::Organisation,
                        None,
                    );
                    self.mention(e, long, true);
                    self.pending.retain(|p| p.span != long);
                    e
                }
            };
            self.ents[e].acronym = true;
            let key = format!("acr:{}", norm_key(self.doc.s(acr.a)));
            self.keys.entry(key).or_insert(e);
        }
    }

    // ----- pending names ----------------------------------------------------------------------

    /// Multi-word pending names become persons when they speak or when one of their words is
    /// used alone elsewhere ("Vestergaard declined ...").
    pub(super) fn promote_pending_people(&mut self) {
        let d = self.doc;
        let singles: HashSet<String> = self
            .pending
            .iter()
            .filter(|p| p.span.tokens() == 1)
            .map(|p| norm_key(d.s(p.span.a)).to_lowercase())
            .collect();
        let pending = self.pending.clone();
        for p in pending {
            if p.span.tokens() < 2 {
                continue;
            }
            let key = norm_key(&d.surface(p.span));
            // The full name of a person already introduced with a title.
            let known = self
                .keys
                .contains_key(&format!("person:{}", key.to_lowercase()));
            if !known && self.multiword_has_non_name(p.span) {
                continue;
            }
            let words = person_words(&key);
            // Surname reuse: the last word alone elsewhere ("Vestergaard declined").
            let reused = words.last().is_some_and(|w| singles.contains(w));
            if (p.spoke && words.len() <= 4) || reused || known {
                let e = self.person(p.span);
                self.ents[e].spoke |= p.spoke;
            }
        }
        let persons: HashSet<Span> = self
            .pending
            .iter()
            .filter(|p| self.tok_ent[p.span.a].is_some())
            .map(|p| p.span)
            .collect();
        self.pending.retain(|p| !persons.contains(&p.span));
    }

    /// Whether a multi-word chunk contains a word that makes it unlikely to be a person:
    /// acronyms, place or event words ("Ocean", "Games"), or words the article also uses in
    /// lower case ("Energy" where the article also writes "energy").
    pub(super) fn multiword_has_non_name(&self, sp: Span) -> bool {
        let d = self.doc;
        let surface = d.surface(sp);
        self.lex.non_actor_places.contains(surface.as_str())
            || (sp.a..=sp.b).any(|i| {
                let w = d.s(i);
                d.is_word(i)
                    && !d.is_particle(i)
                    && (is_acronym(w)
                        || self.lex.lookup(&norm_key(w)).is_some()
                        || self.lex.place_signals.contains(w)
                        || self.lex.non_actor_places.contains(w)
                        || d.lower_words.contains(&w.to_lowercase()))
            })
    }

    /// Resolves the remaining pending names: acronyms, surnames, unknown organisations.
    pub(super) fn resolve_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for p in pending {
            if self.tok_ent[p.span.a].is_some() {
                continue;
            }
            if let Some(e) = self.resolve_alias(p.span) {
                self.mention(e, p.span, false);
                self.ents[e].spoke |= p.spoke;
            } else {
                self.unknown(p);
            }
        }
    }

    /// A defined acronym, or a surname / name part of exactly one person (the nearest preceding
    /// one when several share it).
    pub(super) fn resolve_alias(&self, sp: Span) -> Option<usize> {
        let d = self.doc;
        let key = norm_key(&d.surface(sp));
        if let Some(&e) = self.keys.get(&format!("acr:{key}")) {
            return Some(e);
        }
        let words = person_words(&key);
        if words.is_empty() {
            return None;
        }
        let offset = d.offset(sp.a);
        let people = self.longer_names_ending_with(&words);
        let chosen = nearest_before(&self.ents, &people, offset);
        if chosen.is_some() || words.len() > 1 {
            return chosen;
        }
        // A first name used alone ("Hafiz"), only when it is unambiguous.
        let firsts: Vec<usize> = self
            .by_first_word
            .get(&words[0])
            .map(|c| {
                c.iter()
                    .copied()
                    .filter(|&e| self.ents[e].person_words.len() > 1)
                    .collect()
            })
            .unwrap_or_default();
        (firsts.len() == 1).then(|| firsts[0])
    }

    /// Persons whose name is longer than `words` and ends with them.
    pub(super) fn longer_names_ending_with(&self, words: &[String]) -> Vec<usize> {
        let Some(last) = words.last() else {
            return Vec::new();
        };
        self.by_last_word
            .get(last)
            .map(|c| {
                c.iter()
                    .copied()
                    .filter(|&e| {
                        let pw = &self.ents[e].person_words;
                        pw.len() > words.len() && pw.ends_with(words)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// An unrecognised capitalised name: a candidate organisation (or person when it has
    /// several words and speaks), unless it is clearly a common word.
    pub(super) fn unknown(&mut self, p: Pending) {
        let d = self.doc;
        let sp = p.span;
        let surface = d.surface(sp);
        let first = d.s(sp.a);
        if self.lex.non_actor_places.contains(surface.as_str())
            || self.lex.non_actor_acronyms.contains(surface.as_str())
        {
            return;
        }
        if sp.tokens() == 1 && d.toks[sp.a].sentence_start && self.common_sentence_word(first) {
            return;
        }
        let kind = if let Some(kind) = p.actor_phrase {
            kind
        } else if sp.tokens() >= 2 && p.spoke && !self.multiword_has_non_name(sp) {
            ActorKind::Person
        } else {
            ActorKind::Organisation
        };
        let key = norm_key(&surface);
        let e = if kind == ActorKind::Person {
            self.person(sp)
        } else {
            let e = self.entity(format!("org:{}", key.to_lowercase()), kind, None);
            self.mention(e, sp, true);
            e
        };
        let ent = &mut self.ents[e];
        ent.spoke |= p.spoke || p.actor_phrase.is_some();
        ent.unknown = true;
    }

    /// A sentence-initial word that is probably a common word: listed, used in lower case
    /// elsewhere, or a plain plural ("Diplomats said").
    pub(super) fn common_sentence_word(&self, w: &str) -> bool {
        let lower = w.to_lowercase();
        let plural = lower.ends_with('s') && !lower.ends_with("ss") && !is_acronym(w);
        self.lex.common_subjects.contains(w) || self.doc.lower_words.contains(&lower) || plural
    }

    // ----- merging ----------------------------------------------------------------------------
}
