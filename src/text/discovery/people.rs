//! Titled people: the title phrases before or after a name, the portfolio words inside them
//! and the country or organisation a title ties a person to.

use super::*;

impl<'d, 'a> Analysis<'d, 'a> {
    /// Splits "Turkish President Recep Tayyip Erdogan" at its last title: the name after it
    /// becomes a titled person, the words before it an affiliation. Returns whether the chunk
    /// contained a title.
    pub(super) fn titled_person(&mut self, sp: Span) -> bool {
        let d = self.doc;
        let Some(t) = (sp.a..=sp.b).rev().find(|&i| self.lex.is_title(d.s(i))) else {
            return false;
        };
        let (name_start, place_affiliation) = self.skip_portfolio(t + 1, sp.b);
        let front_end = self.title_phrase_start(t, sp.a);
        if front_end > sp.a {
            let front = Span {
                a: sp.a,
                b: front_end - 1,
            };
            self.classify(front, Ctx::BeforeTitle);
        }
        if name_start > sp.b {
            return true;
        }
        let name = Span {
            a: name_start,
            b: sp.b,
        };
        if !self.name_like(name) {
            self.classify(name, Ctx::Normal);
            return true;
        }
        match place_affiliation.or_else(|| self.affiliation_before(t)) {
            Some(aff) => self.titled(name, t, Some(aff)),
            // "Ms. X, the European Commission president, said": the appositive's title
            // names the affiliation.
            None => match self.appositive_title_after(name.b) {
                Some((title, aff)) => self.titled(name, title, aff),
                None => self.titled(name, t, None),
            },
        }
        true
    }

    /// Skips "of State", "of France" after a title ("Secretary of State Antony Blinken",
    /// "President of France Emmanuel Macron"). Returns where the name starts and the token of a
    /// place named on the way (which is also recorded as a mention).
    pub(super) fn skip_portfolio(
        &mut self,
        after_title: usize,
        last: usize,
    ) -> (usize, Option<usize>) {
        let d = self.doc;
        let mut k = after_title;
        let mut place = None;
        if k > last || !matches!(d.s(k), "of" | "for") {
            return (k, None);
        }
        k += 1;
        while k <= last {
            if let Some(end) = self.place_at(k, last) {
                place = Some(k);
                self.classify(Span { a: k, b: end }, Ctx::Normal);
                k = end + 1;
            } else if self.lex.portfolios.contains(d.s(k)) {
                k += 1;
            } else {
                break;
            }
        }
        (k, place)
    }

    /// First token of the title phrase ending at `title`: earlier titles and portfolio words
    /// ("Foreign" in "Foreign Minister", "Minister-" in "Minister-President") belong to it.
    pub(super) fn title_phrase_start(&self, title: usize, chunk_start: usize) -> usize {
        let d = self.doc;
        let mut k = title;
        while k > chunk_start {
            let w = d.s(k - 1);
            if !(self.lex.is_title(w) || self.lex.portfolios.contains(w) || w == "-") {
                break;
            }
            k -= 1;
        }
        k
    }

    /// End of a gazetteer place starting at token `a` (longest, within `max_b`).
    pub(super) fn place_at(&self, a: usize, max_b: usize) -> Option<usize> {
        (a..=max_b).rev().find(|&b| {
            matches!(
                self.lex.lookup(&norm_key(&self.doc.surface(Span { a, b }))),
                Some((Target::Place(_), _))
            )
        })
    }

    /// A person introduced by the title at token `title`, with an optional affiliation token.
    pub(super) fn titled(&mut self, name: Span, title: usize, aff_tok: Option<usize>) {
        let e = self.person(name);
        self.ents[e].titled = true;
        let spoke = self.spoke(name);
        self.ents[e].spoke |= spoke;
        let no_merge = self.no_merge_before(title);
        if let Some(tok) = aff_tok {
            let executive = self.title_is_executive(title);
            self.affiliations.push(Affiliation {
                person: e,
                tok,
                executive,
                no_merge,
            });
        } else if !no_merge && self.title_is_national(title) {
            self.home_officials.push(e);
        }
    }

    /// Titles of a national government ("Finance Minister", "President", "Energy Secretary"),
    /// used for speakers without a named country.
    pub(super) fn title_is_national(&self, title: usize) -> bool {
        let d = self.doc;
        if title >= 1 && d.s(title - 1) == "-" {
            return false;
        }
        let w = d.s(title).to_lowercase();
        w.ends_with("minister")
            || matches!(w.as_str(), "president" | "premier" | "chancellor")
            || (w == "secretary" && is_capitalised(d.s(title)))
    }

    pub(super) fn person(&mut self, name: Span) -> usize {
        let surface = self.doc.surface(name);
        let key = norm_key(&surface);
        let e = self.entity(
            format!("person:{}", key.to_lowercase()),
            ActorKind::Person,
            None,
        );
        if self.ents[e].person_words.is_empty() {
            let words = person_words(&key);
            if let (Some(first), Some(last)) = (words.first(), words.last()) {
                self.by_first_word.entry(first.clone()).or_default().push(e);
                self.by_last_word.entry(last.clone()).or_default().push(e);
            }
            self.ents[e].person_words = words;
        }
        self.mention(e, name, true);
        e
    }

    pub(super) fn title_is_executive(&self, title: usize) -> bool {
        let d = self.doc;
        let mut w = d.s(title).trim_end_matches('.').to_lowercase();
        // "secretary-general": look at the whole hyphenated title.
        if title >= 2 && d.s(title - 1) == "-" {
            w = format!("{}-{}", d.s(title - 2).to_lowercase(), w);
        }
        self.lex.executive.contains(w.as_str())
            || w.ends_with("minister")
            || w.ends_with("president")
            || w.ends_with("general")
    }

    /// Whether "former", "opposition" and the like qualify the title phrase ending at `title`.
    pub(super) fn no_merge_before(&self, title: usize) -> bool {
        let d = self.doc;
        (title.saturating_sub(4)..title).any(|i| self.lex.no_merge.contains(d.s(i)))
    }

    /// Walks back from a title over modifiers to the capitalised word naming the speaker's
    /// country or organisation ("Turkey's President", "Commission trade spokeswoman", "a German
    /// government spokesman"). Stops at determiners, prepositions, punctuation and unnamed
    /// bodies ("the central bank's governor").
    pub(super) fn affiliation_before(&self, title: usize) -> Option<usize> {
        let d = self.doc;
        let mut k = title;
        for _ in 0..6 {
            k = k.checked_sub(1)?;
            let w = d.s(k);
            if !d.is_word(k) {
                if w == "-" && d.glued(k) {
                    continue;
                }
                return None;
            }
            if is_capitalised(w) {
                if self.lex.is_title(w) || self.lex.portfolios.contains(w) {
                    continue;
                }
                return (!self.lex.stop.contains(w)).then_some(k);
            }
            if d.possessive(k)
                || lx::AFFILIATION_STOPS.contains(w)
                || lx::ORGANISATION_NOUNS.contains(w)
                || self.lex.speech.contains(w)
            {
                return None;
            }
        }
        None
    }

    /// Every word is a capitalised name word (particles and hyphens allowed inside).
    pub(super) fn name_like(&self, sp: Span) -> bool {
        let d = self.doc;
        let lex = self.lex;
        let mut words = 0;
        for i in sp.a..=sp.b {
            let w = d.s(i);
            if !d.is_word(i) {
                if !matches!(w, "-" | "&") {
                    return false;
                }
                continue;
            }
            if d.is_particle(i) {
                continue;
            }
            let key = norm_key(w);
            let bad = !is_capitalised(w)
                || lex.stop.contains(w)
                || lex.is_title(w)
                || d.is_org_signal(i)
                || lex.non_actor_acronyms.contains(w)
                || is_roman_numeral(w) && sp.tokens() > 1 && i > sp.a
                || first_char(w).is_ascii_digit()
                || (sp.tokens() > 1 && matches!(lex.lookup(&key), Some((_, Role::Abbrev))));
            if bad {
                return false;
            }
            words += 1;
        }
        words > 0
    }

    /// A capitalised name without a title in the chunk: a title just before it makes it a
    /// person now; otherwise it waits for the end of the article.
    pub(super) fn name_candidate(&mut self, sp: Span) {
        if let Some(title) = self.title_before(sp.a) {
            let aff = self
                .affiliation_before(title)
                .or_else(|| self.affiliation_after(sp.b));
            self.titled(sp, title, aff);
            return;
        }
        if let Some((title, aff)) = self.appositive_title_after(sp.b) {
            self.titled(sp, title, aff);
            return;
        }
        let spoke = self.spoke(sp);
        let actor_phrase = self.actor_phrase_after(sp);
        self.pending.push(Pending {
            span: sp,
            spoke,
            actor_phrase,
        });
    }

    /// "Georgian Dream, the ruling party, said": an appositive that calls the name a body.
    pub(super) fn organisation_apposition(&self, b: usize) -> bool {
        let d = self.doc;
        if d.s(b + 1) != "," || !matches!(d.s(b + 2), "the" | "a" | "an") {
            return false;
        }
        (b + 3..b + 10)
            .take_while(|&k| d.is_word(k))
            .any(|k| d.is_lower_word(k) && lx::ORGANISATION_NOUNS.contains(d.s(k)))
    }

    /// "Gujarat state government said" (a place), "the UGT union", "Westinghouse officials"
    /// (an organisation): an unknown name followed by an actor noun.
    pub(super) fn actor_phrase_after(&self, sp: Span) -> Option<ActorKind> {
        let d = self.doc;
        let next = sp.b + 1;
        if self.organisation_apposition(sp.b) {
            return Some(ActorKind::Organisation);
        }
        if d.possessive(sp.b) || !d.is_lower_word(next) {
            return None;
        }
        if sp.tokens() == 1
            && is_acronym_like(d.s(sp.a))
            && lx::ORGANISATION_NOUNS.contains(d.s(next))
        {
            return Some(ActorKind::Organisation);
        }
        if !self.before_actor_noun(sp.b) {
            return None;
        }
        let mut j = next;
        while d.is_lower_word(j) && !self.lex.actor_nouns.contains(d.s(j)) {
            j += 1;
        }
        let governing = [
            "government",
            "authorities",
            "administration",
            "regime",
            "cabinet",
        ];
        Some(if governing.contains(&d.s(j)) {
            ActorKind::Country
        } else {
            ActorKind::Organisation
        })
    }

    /// A lower-case title right before the name ("spokeswoman Annika Vestergaard", "union
    /// leader X", "secretary-general X"), or before an appositive comma ("Poland's agriculture
    /// minister, Tadeusz Wronski,", "Morena's leader in the lower house, Ricardo Montiel,").
    pub(super) fn title_before(&self, a: usize) -> Option<usize> {
        let d = self.doc;
        let prev = a.checked_sub(1)?;
        if d.is_lower_word(prev) && self.lex.is_title(d.s(prev)) {
            return Some(prev);
        }
        if d.s(prev) != "," {
            return None;
        }
        // Appositive: search the clause before the comma for a title.
        let mut k = prev;
        for _ in 0..7 {
            k = k.checked_sub(1)?;
            if !d.is_word(k) {
                return None;
            }
            let w = d.s(k);
            if self.lex.is_title(w) && (d.is_lower_word(k) || k + 1 == prev) {
                return Some(k);
            }
            if self.lex.speech.contains(w) {
                return None;
            }
        }
        None
    }

    /// "X, chairman of the Kenya Association of Manufacturers," / "X, Iran's foreign minister,":
    /// the title inside a following appositive and the affiliation it names.
    pub(super) fn appositive_title_after(&self, b: usize) -> Option<(usize, Option<usize>)> {
        let d = self.doc;
        if d.s(b + 1) != "," {
            return None;
        }
        let mut k = b + 2;
        let limit = b + 14;
        while k < limit && k < d.len() {
            let w = d.s(k);
            if !d.is_word(k) && w != "-" {
                return None;
            }
            if d.is_word(k) && self.lex.is_title(w) && !self.lex.speech.contains(w) {
                let aff = self
                    .affiliation_before(k)
                    .filter(|&t| t > b + 1)
                    .or_else(|| self.affiliation_after(k));
                return Some((k, aff));
            }
            if self.lex.speech.contains(w) {
                return None;
            }
            k += 1;
        }
        None
    }

    /// "chairman of the Kenya Association ...", "economist at Oxford Economics": the named body
    /// after a title.
    pub(super) fn affiliation_after(&self, title: usize) -> Option<usize> {
        let d = self.doc;
        let mut k = title + 1;
        // Skip further title words ("chief executive of").
        while d.is_lower_word(k) && self.lex.is_title(d.s(k)) {
            k += 1;
        }
        if !matches!(d.s(k), "of" | "at" | "for" | "with") {
            return None;
        }
        k += 1;
        if d.s(k) == "the" {
            k += 1;
        }
        d.chunk_word(k).then_some(k)
    }
}
