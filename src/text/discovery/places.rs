//! Gazetteer and organisation mentions: when a country, capital, demonym or named body in a
//! chunk is an actor rather than a place, and which government a body belongs to.

use super::*;

impl<'d, 'a> Analysis<'d, 'a> {
    /// "Moody's": a gazetteer name whose possessive belongs to the name.
    pub(super) fn possessive_gazetteer_mention(&mut self, sp: Span, t: Target) {
        let e = self.gazetteer_entity(t);
        let surface = self.doc.surface_with_possessive(sp);
        self.mention_as(e, sp, true, surface);
        let spoke = self.spoke(sp);
        self.ents[e].spoke |= spoke;
        self.ents[e].strong = true;
    }

    /// The gazetteer entry whose name ends in "'s" when the chunk's last word is possessive.
    pub(super) fn possessive_name(&self, sp: Span, key: &str) -> Option<Target> {
        if !self.doc.possessive(sp.b) {
            return None;
        }
        self.lex
            .lookup(&format!("{key}'s"))
            .filter(|&(_, role)| role == Role::Name)
            .map(|(t, _)| t)
    }

    /// "Bloc Quebecois", "Union Pacific": a signal word first, then a name.
    pub(super) fn org_first(&self, sp: Span) -> bool {
        let d = self.doc;
        sp.tokens() >= 2
            && d.is_org_signal(sp.a)
            && (sp.a + 1..=sp.b).all(|i| !d.is_word(i) || !self.lex.is_title(d.s(i)))
    }

    /// A gazetteer form: names always count; capitals only as actors; demonyms only before an
    /// actor noun or a title.
    pub(super) fn gazetteer_mention(&mut self, sp: Span, t: Target, role: Role, ctx: Ctx) {
        let counts = match role {
            Role::Name | Role::Abbrev => true,
            Role::Metonym => self.metonym_is_actor(sp),
            Role::Demonym => ctx == Ctx::BeforeTitle || self.before_actor_noun(sp.b),
        };
        if !counts {
            return;
        }
        let e = self.gazetteer_entity(t);
        self.mention(e, sp, role == Role::Name);
        let spoke = self.spoke(sp);
        let strong = !matches!(role, Role::Name | Role::Abbrev) || !self.weak_place_mention(sp);
        let ent = &mut self.ents[e];
        ent.spoke |= spoke;
        ent.strong |= strong || matches!(t, Target::Org(_));
    }

    /// "in Yemen", "in war-torn Syria", "in France, Belgium and Ireland": a place named as a
    /// location, alone or in a list that starts with a location.
    pub(super) fn weak_place_mention(&self, sp: Span) -> bool {
        let d = self.doc;
        let joiner = |i: usize| matches!(d.s(i), "," | "and" | "or" | "&");
        let mut a = sp.a;
        for _ in 0..12 {
            if self.locative_before(a) {
                return true;
            }
            match a
                .checked_sub(2)
                .filter(|&p| joiner(p + 1))
                .and_then(|p| self.place_start_ending_at(p))
            {
                Some(start) => a = start,
                None => return false,
            }
        }
        false
    }

    /// A locative preposition before token `a`, skipping "the" and a few lower-case
    /// adjectives ("in northern Iraq", "in war-torn Syria").
    pub(super) fn locative_before(&self, a: usize) -> bool {
        let d = self.doc;
        let mut k = a;
        for _ in 0..4 {
            let Some(p) = k.checked_sub(1) else {
                return false;
            };
            let w = d.s(p);
            if d.is_lower_word(p) && self.lex.locatives.contains(w) {
                return true;
            }
            let adjective = d.is_lower_word(p) && !lx::AFFILIATION_STOPS.contains(w);
            if !(w == "the" || w == "-" || adjective) {
                return false;
            }
            k = p;
        }
        false
    }

    /// Start of a gazetteer place name that ends at token `b`.
    pub(super) fn place_start_ending_at(&self, b: usize) -> Option<usize> {
        (b.saturating_sub(3)..=b).find(|&a| self.is_place_name(Span { a, b }))
    }

    pub(super) fn is_place_name(&self, sp: Span) -> bool {
        let d = self.doc;
        d.is_word(sp.a)
            && d.is_word(sp.b)
            && matches!(
                self.lex.lookup(&norm_key(&d.surface(sp))),
                Some((Target::Place(_), Role::Name | Role::Abbrev))
            )
    }

    /// "Ankara said", "talks with Moscow", "the Kremlin's envoy" but not "in Brasilia",
    /// "the Astana talks", "Lima's mayor" or "Brussels-based".
    pub(super) fn metonym_is_actor(&self, sp: Span) -> bool {
        let d = self.doc;
        let mut p = sp.a.checked_sub(1);
        if let Some(i) = p {
            if d.s(i) == "the" || d.s(i) == "The" {
                p = i.checked_sub(1);
            }
        }
        if p.is_some_and(|i| d.is_lower_word(i) && self.lex.locatives.contains(d.s(i))) {
            return false;
        }
        let next = sp.b + 1;
        if d.possessive(sp.b) {
            return self.before_actor_noun(sp.b);
        }
        if d.s(next) == "-" && d.glued(next) {
            return false;
        }
        !(d.is_lower_word(next) && self.lex.capital_nouns.contains(d.s(next)))
    }

    /// Whether token `b` is followed by an actor noun, allowing a few modifiers ("Iraqi
    /// central government", "French foreign ministry spokeswoman").
    pub(super) fn before_actor_noun(&self, b: usize) -> bool {
        let d = self.doc;
        for j in b + 1..b + 5 {
            if !d.is_lower_word(j) {
                return false;
            }
            let w = d.s(j);
            if self.lex.actor_nouns.contains(w) {
                return true;
            }
            if !self.lex.actor_modifiers.contains(w) {
                return false;
            }
        }
        false
    }

    /// Whether the chunk is headed by an organisation signal word: its last word, or the word
    /// before its first "of"/"for"/"on" ("Bank of Mexico").
    pub(super) fn org_head(&self, sp: Span) -> bool {
        let d = self.doc;
        let head = (sp.a..=sp.b)
            .find(|&i| matches!(d.s(i), "of" | "for" | "on") && i > sp.a)
            .map_or(sp.b, |i| i - 1);
        d.is_org_signal(head)
    }

    /// An organisation chunk; a country's government body ("Turkish Foreign Ministry", "U.S.
    /// Treasury") is a mention of the country.
    pub(super) fn organisation(&mut self, sp: Span) {
        if let Some(t) = self
            .government_body(sp)
            .or_else(|| self.possessive_government(sp))
        {
            let e = self.gazetteer_entity(t);
            self.mention(e, sp, false);
            let spoke = self.spoke(sp);
            self.ents[e].spoke |= spoke;
            self.ents[e].strong = true;
            return;
        }
        let surface = self.doc.surface(sp);
        let e = self.entity(
            format!("org:{}", norm_key(&surface).to_lowercase()),
            ActorKind::Organisation,
            None,
        );
        self.mention(e, sp, true);
        let spoke = self.spoke(sp);
        let generic = sp.tokens() == 1 && !lx::PARTY_NICKNAMES.contains(self.doc.s(sp.a));
        let ent = &mut self.ents[e];
        ent.org_signal = true;
        ent.spoke |= spoke;
        ent.generic |= generic;
    }

    /// "Kenya's Health Ministry": a government body owned by a place just before it.
    pub(super) fn possessive_government(&self, sp: Span) -> Option<Target> {
        let d = self.doc;
        let owner = sp.a.checked_sub(1)?;
        if !d.possessive(owner) || !self.lex.gov_heads.contains(d.s(sp.b)) {
            return None;
        }
        let rest_ok = (sp.a..sp.b).all(|i| self.lex.portfolios.contains(d.s(i)));
        let place = (owner.saturating_sub(3)..=owner).find_map(|a| {
            match self.lex.lookup(&norm_key(&d.surface(Span { a, b: owner }))) {
                Some((t @ Target::Place(_), Role::Name | Role::Abbrev)) => Some(t),
                _ => None,
            }
        })?;
        rest_ok.then(|| self.government_of(place))
    }

    /// The country whose government body the chunk names, if any: a place (name, abbreviation
    /// or demonym) followed only by portfolio words and a government head.
    pub(super) fn government_body(&self, sp: Span) -> Option<Target> {
        let d = self.doc;
        if !self.lex.gov_heads.contains(d.s(sp.b)) {
            return None;
        }
        for cut in (sp.a..sp.b).rev() {
            let key = norm_key(&d.surface(Span { a: sp.a, b: cut }));
            if let Some((t @ Target::Place(_), role)) = self.lex.lookup(&key) {
                let rest_ok = (cut + 1..sp.b).all(|i| {
                    self.lex.portfolios.contains(d.s(i)) || self.lex.gov_heads.contains(d.s(i))
                });
                if role != Role::Metonym && rest_ok {
                    return Some(self.government_of(t));
                }
            }
        }
        None
    }

    /// A territory's government when it has one in the gazetteer, else the place itself.
    pub(super) fn government_of(&self, t: Target) -> Target {
        if let Target::Place(i) = t {
            if let Some(g) = gz::places().get(i).and_then(|p| p.government) {
                if let Some((gt, _)) = self.lex.lookup(&norm_key(g)) {
                    return gt;
                }
            }
        }
        t
    }
}
