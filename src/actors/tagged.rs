//! Actors from a named-entity tagger's mentions: each mention is keyed to an actor, and the ways
//! an article refers to one actor are merged.
//!
//! The merging rules, in order:
//! 1. **Gazetteer first.** A mention the gazetteer knows (a country's name, abbreviation,
//!    capital or demonym; an organisation's name or acronym) is that entry: "Tehran" and
//!    "Iranian" are Iran, "EU" is the European Union, whatever type the tagger gave.
//! 2. **Types that are actors.** People (PER) and organisations (ORG) are actors; a place (LOC)
//!    or other name (MISC) is one only through the gazetteer (cities, regions, events,
//!    nationalities without a country are left out).
//! 3. **Surnames.** A person mention whose words end a longer person's name ("Pelosi", "Nancy
//!    Pelosi") is that person when exactly one longer name fits; so is a one-word mention of
//!    another type ("Trump" in "the Trump administration" tagged ORG).
//! 5. **No lower-case single words.** A one-word mention written in lower case ("group", "and")
//!    is a tagging slip, not a name; lower-case phrases ("election commission") stay.
//! 4. **Acronyms.** An organisation mention in capitals that is defined in parentheses right
//!    after a longer name, or spells the initials of one ("ECJ", "European Court of Justice"), is
//!    that organisation.

use std::collections::HashMap;

use crate::ner::entities::EntityMention;
use crate::text::discovery::{gazetteer_actor, rank_actors, ActorKind, DiscoveredActor};

/// Words left out when an acronym spells a name's initials.
const ACRONYM_SKIPS: &[&str] = &["and", "for", "of", "on", "the"];

/// One actor being built.
struct Building {
    name: String,
    kind: ActorKind,
    forms: Vec<String>,
    mentions: usize,
    first_offset: usize,
}

/// The actors of an article from its tagged mentions (in text order), most mentioned first
/// (ties: first mention first). `text` is the article the mentions point into.
///
/// ```
/// use stance::actors::tagged::actors_from_mentions;
/// use stance::ner::entities::EntityMention;
/// let text = "Nancy Pelosi met Iranian envoys in Tehran. The Kenya Association of \
///             Manufacturers (KAM) protested. Pelosi said the KAM erred.";
/// let mention = |word: &str, kind: &str, nth: usize| {
///     let start = text.match_indices(word).nth(nth).unwrap().0;
///     EntityMention { text: word.into(), kind: kind.into(), start, end: start + word.len() }
/// };
/// let mentions = [
///     mention("Nancy Pelosi", "PER", 0), mention("Iranian", "MISC", 0), mention("Tehran", "LOC", 0),
///     mention("Kenya Association of Manufacturers", "ORG", 0), mention("KAM", "ORG", 0),
///     mention("Pelosi", "PER", 1), mention("KAM", "ORG", 1),
/// ];
/// let actors = actors_from_mentions(text, &mentions);
/// let names: Vec<(&str, Vec<&str>)> = actors
///     .iter()
///     .map(|a| (a.name.as_str(), a.aliases.iter().map(String::as_str).collect()))
///     .collect();
/// assert_eq!(names, [
///     ("Kenya Association of Manufacturers", vec!["KAM"]),
///     ("Nancy Pelosi", vec!["Pelosi"]),
///     ("Iran", vec!["Iranian", "Tehran"]),
/// ]);
/// ```
pub fn actors_from_mentions(text: &str, mentions: &[EntityMention]) -> Vec<DiscoveredActor> {
    // Rules 1 and 2: each mention's surface form and the actor it names (people and
    // organisations outside the gazetteer by their own words, for now).
    let mut named: Vec<(String, String, ActorKind, usize)> = Vec::new();
    for mention in mentions {
        let surface = clean_surface(&mention.text);
        if surface.is_empty() || is_lower_case_word(&surface) {
            continue;
        }
        let (name, kind) = match gazetteer_actor(&surface) {
            Some((canonical, kind)) => (canonical.to_string(), kind),
            None => match mention.kind.as_str() {
                "PER" => (surface.clone(), ActorKind::Person),
                "ORG" => (surface.clone(), ActorKind::Organisation),
                _ => continue,
            },
        };
        named.push((surface, name, kind, mention.start));
    }
    // Rules 3 and 4: short forms to the one longer name they abbreviate.
    let mut full_names: Vec<(String, ActorKind)> = named
        .iter()
        .map(|(_, name, kind, _)| (name.clone(), *kind))
        .collect();
    full_names.sort();
    full_names.dedup();
    let mut actors: Vec<Building> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (surface, name, kind, start) in named {
        let name = longer_form(text, &name, kind, &full_names).unwrap_or(name);
        let index = *by_name.entry(name.to_lowercase()).or_insert_with(|| {
            actors.push(Building {
                name,
                kind,
                forms: Vec::new(),
                mentions: 0,
                first_offset: start,
            });
            actors.len() - 1
        });
        let actor = &mut actors[index];
        actor.mentions += 1;
        actor.first_offset = actor.first_offset.min(start);
        if !actor.forms.contains(&surface) {
            actor.forms.push(surface);
        }
    }
    let mut found: Vec<DiscoveredActor> = actors
        .into_iter()
        .map(|b| DiscoveredActor {
            aliases: b.forms.into_iter().filter(|f| *f != b.name).collect(),
            name: b.name,
            kind: b.kind,
            mentions: b.mentions,
            first_offset: b.first_offset,
        })
        .collect();
    rank_actors(&mut found);
    found
}

/// The mention without a leading "the" and a trailing possessive.
fn clean_surface(text: &str) -> String {
    let text = text.trim();
    let text = text
        .strip_prefix("the ")
        .or_else(|| text.strip_prefix("The "))
        .unwrap_or(text);
    let text = text
        .strip_suffix("'s")
        .or_else(|| text.strip_suffix("\u{2019}s"))
        .unwrap_or(text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The one longer name of the same kind that `name` abbreviates (rules 3 and 4), if exactly one
/// fits.
fn longer_form(
    text: &str,
    name: &str,
    kind: ActorKind,
    names: &[(String, ActorKind)],
) -> Option<String> {
    let fits: Vec<&String> = names
        .iter()
        .filter(|(other, other_kind)| {
            let surname = *other_kind == ActorKind::Person && !name.contains(' ');
            (*other_kind == kind || surname) && other.len() > name.len()
        })
        .filter(|(other, other_kind)| match (kind, other_kind) {
            (_, ActorKind::Person) => ends_with_words(other, name),
            (ActorKind::Organisation, ActorKind::Organisation) => {
                is_acronym(name) && (initials(other) == name || defined_after(text, other, name))
            }
            _ => false,
        })
        .map(|(other, _)| other)
        .collect();
    match fits.as_slice() {
        [one] => Some((*one).clone()),
        _ => None,
    }
}

/// "group", "and": one word without a capital letter.
fn is_lower_case_word(surface: &str) -> bool {
    !surface.contains(' ') && !surface.chars().any(char::is_uppercase)
}

/// "Nancy Pelosi" ends with the words "Pelosi".
fn ends_with_words(long: &str, short: &str) -> bool {
    let long: Vec<&str> = long.split(' ').collect();
    let short: Vec<&str> = short.split(' ').collect();
    short.len() < long.len() && long.ends_with(&short)
}

fn is_acronym(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) && !word.contains(' ')
}

/// "European Court of Justice" → "ECJ".
fn initials(name: &str) -> String {
    name.split([' ', '-'])
        .filter(|w| !ACRONYM_SKIPS.contains(&w.to_lowercase().as_str()))
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether the article writes "`long` (`short`)" somewhere.
fn defined_after(text: &str, long: &str, short: &str) -> bool {
    text.contains(&format!("{long} ({short})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronym_skips_are_sorted_and_unique() {
        assert!(ACRONYM_SKIPS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn places_outside_the_gazetteer_and_other_names_are_not_actors() {
        let text = "Protesters in Omsk marched on Christmas.";
        let at = |w: &str| text.find(w).unwrap();
        let mentions = [
            EntityMention {
                text: "Omsk".into(),
                kind: "LOC".into(),
                start: at("Omsk"),
                end: at("Omsk") + 4,
            },
            EntityMention {
                text: "Christmas".into(),
                kind: "MISC".into(),
                start: at("Christmas"),
                end: at("Christmas") + 9,
            },
        ];
        assert!(actors_from_mentions(text, &mentions).is_empty());
    }

    #[test]
    fn an_ambiguous_surname_stays_apart() {
        let text = "Joe Biden and Hunter Biden. Biden said.";
        let mk = |w: &str, start: usize| EntityMention {
            text: w.into(),
            kind: "PER".into(),
            start,
            end: start + w.len(),
        };
        let mentions = [mk("Joe Biden", 0), mk("Hunter Biden", 14), mk("Biden", 28)];
        let actors = actors_from_mentions(text, &mentions);
        assert_eq!(actors.len(), 3);
    }

    #[test]
    fn leading_article_and_possessive_are_dropped() {
        assert_eq!(clean_surface("the Pentagon's"), "Pentagon");
        assert_eq!(clean_surface("The  White House"), "White House");
    }
}
