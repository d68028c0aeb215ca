//! From entities to the discovered actors: which are kept, and the name and aliases each is
//! reported with.

use super::*;

impl<'d, 'a> Analysis<'d, 'a> {
    /// Whether an entity has enough evidence to be reported.
    pub(super) fn keep(&self, e: usize) -> bool {
        let ent = &self.ents[e];
        let n = ent.mentions.len();
        if n == 0 {
            return false;
        }
        let signalled = ent.spoke || ent.acronym || ent.affiliated;
        if ent.target.is_some() {
            return ent.strong || signalled;
        }
        if ent.generic && !ent.titled {
            let word = ent.names.first().map_or("", |(s, _)| s.as_str());
            let common = self.lex.common_subjects.contains(word)
                || self.doc.lower_words.contains(&word.to_lowercase());
            return ent.spoke && !common;
        }
        match ent.kind {
            ActorKind::Person => ent.titled || ent.spoke || n >= 2,
            _ if ent.unknown => signalled,
            _ => signalled || ent.titled || (ent.org_signal && n >= 2),
        }
    }

    pub(super) fn into_actors(self) -> Vec<DiscoveredActor> {
        let mut out: Vec<DiscoveredActor> = (0..self.ents.len())
            .filter(|&e| self.merged_into[e].is_none() && self.keep(e))
            .map(|e| self.actor(e))
            .collect();
        rank_actors(&mut out);
        out
    }

    pub(super) fn actor(&self, e: usize) -> DiscoveredActor {
        let ent = &self.ents[e];
        let canonical = ent.target.map(|t| self.lex.canonical(t));
        let name = choose_name(ent, canonical);
        let mut forms: Vec<(usize, String)> = ent
            .names
            .iter()
            .chain(ent.aliases.iter())
            .filter(|(s, _)| *s != name)
            .map(|(s, o)| (*o, s.clone()))
            .collect();
        forms.sort();
        let mut aliases: Vec<String> = Vec::new();
        for (_, s) in forms {
            if !aliases.contains(&s) {
                aliases.push(s);
            }
        }
        DiscoveredActor {
            name,
            kind: ent.kind,
            aliases,
            mentions: ent.mentions.len(),
            first_offset: ent.mentions.iter().next().copied().unwrap_or(0),
        }
    }
}

/// The canonical name when the article uses it, else the longest full name it uses, else the
/// canonical name, else the longest alias.
pub(super) fn choose_name(ent: &Entity, canonical: Option<&str>) -> String {
    if let Some(c) = canonical {
        let ck = norm_key(c);
        if let Some((s, _)) = ent.names.iter().find(|(s, _)| norm_key(s) == ck) {
            return s.clone();
        }
        if ent.names.is_empty() {
            return c.to_string();
        }
    }
    let longest = |list: &[(String, usize)]| {
        list.iter()
            .max_by(|x, y| x.0.len().cmp(&y.0.len()).then(y.1.cmp(&x.1)))
            .map(|(s, _)| s.clone())
    };
    longest(&ent.names)
        .or_else(|| longest(&ent.aliases))
        .unwrap_or_default()
}

/// Lower-cased words of a person name, without particles and honorifics.
pub(super) fn person_words(key: &str) -> Vec<String> {
    let lex = lexicon();
    key.split(' ')
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !lex.particles.contains(w.as_str()))
        .collect()
}

/// Among candidate entities, the one whose first mention is nearest before `offset` (else the
/// first one).
pub(super) fn nearest_before(
    ents: &[Entity],
    candidates: &[usize],
    offset: usize,
) -> Option<usize> {
    let first = |e: usize| {
        ents[e]
            .mentions
            .iter()
            .next()
            .copied()
            .unwrap_or(usize::MAX)
    };
    candidates
        .iter()
        .copied()
        .filter(|&e| first(e) <= offset)
        .max_by_key(|&e| first(e))
        .or_else(|| candidates.first().copied())
}

/// Suffixes of a multi-word person name ("Tayyip Erdogan", "Erdogan").
pub(super) fn name_suffixes(name: &str) -> Vec<String> {
    let lex = lexicon();
    let words: Vec<&str> = name.split_whitespace().collect();
    let looks_like_person = words.len() >= 2
        && words.iter().all(|w| {
            is_capitalised(w) && !lex.org_signals.contains(w) || lex.particles.contains(w)
        });
    if !looks_like_person {
        return Vec::new();
    }
    (1..words.len())
        .filter(|&i| !lex.particles.contains(words[i]))
        .map(|i| words[i..].join(" "))
        .collect()
}

/// Acronyms defined in parentheses right after `name` in the document.
pub(super) fn defined_acronyms(doc: &Doc, name: &str) -> Vec<String> {
    let key = norm_key(name);
    let mut out = Vec::new();
    for sp in doc.chunks() {
        if norm_key(&doc.surface(sp)) != key {
            continue;
        }
        let (open, acr, close) = (sp.b + 1, sp.b + 2, sp.b + 3);
        if doc.s(open) == "(" && doc.s(close) == ")" && is_acronym_like(doc.s(acr)) {
            out.push(doc.s(acr).to_string());
        }
    }
    out
}
