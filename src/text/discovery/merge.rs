//! Merging entities that are one actor: surnames into full names, bare heads into their
//! organisation, territories into their regional government, affiliated speakers into the
//! country or organisation they speak for.

use super::*;

impl<'d, 'a> Analysis<'d, 'a> {
    pub(super) fn root(&self, mut e: usize) -> usize {
        for _ in 0..self.ents.len() {
            match self.merged_into.get(e).copied().flatten() {
                Some(next) => e = next,
                None => break,
            }
        }
        e
    }

    /// Moves every mention and surface of `from` into `into` (as aliases).
    pub(super) fn merge(&mut self, from: usize, into: usize) {
        let (from, into) = (self.root(from), self.root(into));
        if from == into {
            return;
        }
        let src = self.ents[from].clone();
        let dst = &mut self.ents[into];
        for (s, o) in src.names.into_iter().chain(src.aliases) {
            if !dst.aliases.iter().any(|(x, _)| *x == s) && !dst.names.iter().any(|(x, _)| *x == s)
            {
                dst.aliases.push((s, o));
            }
        }
        dst.mentions.extend(src.mentions);
        dst.titled |= src.titled;
        dst.spoke |= src.spoke;
        dst.acronym |= src.acronym;
        dst.affiliated |= src.affiliated;
        dst.strong |= src.strong;
        self.merged_into[from] = Some(into);
    }

    /// "Mr. Obama" (person "Obama") into "Barack Obama".
    pub(super) fn merge_person_suffixes(&mut self) {
        for e in 0..self.ents.len() {
            let words = self.ents[e].person_words.clone();
            if self.ents[e].kind != ActorKind::Person || words.is_empty() {
                continue;
            }
            let longer = self.longer_names_ending_with(&words);
            let first = self.ents[e].mentions.iter().next().copied().unwrap_or(0);
            if let Some(into) = nearest_before(&self.ents, &longer, first) {
                self.merge(e, into);
            }
        }
    }

    /// A bare head ("Commission", "Parliament") into the one named body ending with it.
    pub(super) fn merge_head_words(&mut self) {
        for e in 0..self.ents.len() {
            let ent = &self.ents[e];
            if ent.kind != ActorKind::Organisation || ent.target.is_some() || ent.names.is_empty() {
                continue;
            }
            let name = ent.names[0].0.clone();
            if name.contains(' ') {
                continue;
            }
            let owners: Vec<usize> = (0..self.ents.len())
                .filter(|&o| {
                    o != e
                        && self.merged_into[o].is_none()
                        && self.ents[o].kind != ActorKind::Person
                        && self
                            .display_names(o)
                            .iter()
                            .any(|n| n.len() > name.len() && n.ends_with(&format!(" {name}")))
                })
                .collect();
            if owners.len() == 1 {
                self.merge(e, owners[0]);
            }
        }
    }

    /// Surfaces and canonical name of an entity.
    pub(super) fn display_names(&self, e: usize) -> Vec<String> {
        let ent = &self.ents[e];
        let mut out: Vec<String> = ent.names.iter().map(|(s, _)| s.clone()).collect();
        if let Some(t) = ent.target {
            out.push(self.lex.canonical(t).to_string());
        }
        out
    }

    /// A territory into its regional government when the article names that government.
    pub(super) fn merge_territories(&mut self) {
        for e in 0..self.ents.len() {
            let Some(Target::Place(i)) = self.ents[e].target else {
                continue;
            };
            let Some(place) = gz::places().get(i) else {
                continue;
            };
            if place.kind != PlaceKind::Territory {
                continue;
            }
            let gov = self.government_of(Target::Place(i));
            if gov == Target::Place(i) {
                continue;
            }
            if let Some(&g) = self.keys.get(&format!("{gov:?}")) {
                self.merge(e, g);
            }
        }
    }

    /// Speakers into the country (executive titles) or organisation (any title) they speak for.
    pub(super) fn merge_affiliations(&mut self) {
        for aff in self.affiliations.clone() {
            let Some(target) = self.tok_ent.get(aff.tok).copied().flatten() else {
                continue;
            };
            let (person, target) = (self.root(aff.person), self.root(target));
            if person == target || self.ents[target].kind == ActorKind::Person {
                continue;
            }
            self.ents[target].affiliated = true;
            if self.merged_into[aff.person].is_some() && person != aff.person {
                continue;
            }
            let to_country = self.ents[target].kind == ActorKind::Country;
            if aff.no_merge || (to_country && !aff.executive) {
                continue;
            }
            self.merge(person, target);
        }
    }

    /// Officials with a national title and no named country into the country of the
    /// article's dateline ("ABUJA, June 8 - ... Finance Minister X said"), when the article
    /// mentions that country as an actor too.
    pub(super) fn merge_home_officials(&mut self) {
        let Some(city) = self.doc.dateline_city.as_deref() else {
            return;
        };
        let Some((t @ Target::Place(_), _)) = self.lex.lookup_any_case(&norm_key(city)) else {
            return;
        };
        let Some(&country) = self.keys.get(&format!("{t:?}")) else {
            return;
        };
        for person in self.home_officials.clone() {
            if self.merged_into[person].is_none() && self.merged_into[country].is_none() {
                self.merge(person, country);
            }
        }
    }

    // ----- output -----------------------------------------------------------------------------
}
