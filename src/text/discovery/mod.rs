//! Actor discovery: finds the people, organisations and countries in an English news article
//! and merges the different ways the article refers to each of them, so that a stance classifier
//! can label every actor once.
//!
//! # How it works
//! The text is tokenised (words keep internal apostrophes, dotted abbreviations such as "U.S."
//! and "Mr." stay whole, a possessive "'s" is recorded on its word). Datelines ("ANKARA, Oct 4
//! (Reuters) -") and wire credits are ignored. Runs of capitalised words become *chunks*, which
//! may contain name particles ("bin", "al-", "de", "van") and, for organisations, connectors
//! ("Bank of Mexico", "Justice and Development Party"). Each chunk is then classified:
//!
//! 1. a whole gazetteer entry: country name or abbreviation, capital used as a metonym, demonym
//!    before an actor noun, or known organisation;
//! 2. an organisation: the chunk is headed by a signal word ("Party", "Ministry", "Bank of ...");
//! 3. a titled person: a title inside or just before the chunk ("Turkish President Recep Tayyip
//!    Erdogan", "spokeswoman Annika Vestergaard", "minister, Tadeusz Wronski,");
//! 4. otherwise a *pending* name, resolved once the whole article is read: an acronym defined in
//!    parentheses, the surname of a person found elsewhere, a person signalled by a speech verb
//!    ("X said", "said X", "according to X"), or an unknown organisation.
//!
//! # Merging policy
//! * **Governments merge into their country.** "the Iraqi central government", "Turkish
//!   officials", "Italy's agriculture ministry", "U.S. Treasury", "Downing Street", "Ankara"
//!   are all mentions of the country (kind [`ActorKind::Country`]), named by the fullest name the
//!   article uses, or by the gazetteer's canonical name when the article only uses aliases.
//!   Independent bodies with their own name (central banks, courts, parliaments, parties) stay
//!   separate organisations.
//! * **Except distinct regional governments.** A territory that has its own government in the
//!   gazetteer (Kurdistan → "Kurdistan Regional Government") stays separate from the country,
//!   and when the article names that government, the territory's own mentions ("Iraqi
//!   Kurdistan", "Kurdish officials", "Erbil") merge into it.
//! * **People who speak for an actor merge into it.** A person introduced with an executive
//!   title and an explicit country ("Turkish President Recep Tayyip Erdogan", "Iran's foreign
//!   minister, X") becomes an alias of that country; a person tied by any title to an
//!   organisation ("NLC president Joe Ikenna", "X, chairman of the Kenya Association of
//!   Manufacturers") becomes an alias of that organisation. A national title without a country
//!   ("Finance Minister X") ties the person to the country of the article's dateline when that
//!   country is itself an actor of the article (the only use made of datelines). Legislators,
//!   judges, "former" or "opposition" figures and people without an affiliation stay persons.
//!   So in the Erdogan–Rouhani example Erdogan is an alias of Turkey and Rouhani of Iran.
//! * Surnames ("Erdogan"), honorific forms ("Mr. Obama"), acronyms ("KRG") and bare heads
//!   ("the Commission") merge into the full name when it is unambiguous.
//!
//! # Precision
//! Unsignalled capitalised words are dropped: a person needs a title, a speech verb or a second
//! mention; a named organisation needs a signal word plus a second mention, a speech verb, a
//! defined acronym or an affiliated speaker; an unknown name needs a speech verb, an acronym
//! definition or an actor phrase after it ("Gujarat state government", "the UGT union"); a bare
//! head ("Police", "Commission") that merges nowhere needs a speech verb. Gazetteer
//! organisations are kept; a gazetteer country is kept unless every mention is a location ("in
//! Yemen", "in France, Belgium and Ireland"). Places outside the gazetteer (cities, continents,
//! rivers) are actors only when the article makes them act.
//!
//! # Layout
//! One article goes through the files in this order: `tokens` (words, sentence starts,
//! datelines) → `chunks` (runs of capitalised words) → `analysis` (the first reading of each
//! chunk) with `places`, `people` and `pending` (gazetteer forms, titled people, names resolved
//! once the article is read) → `merge` (one entity per actor) → `actors` (what is kept, under
//! which name). `lookup` indexes the lexicon (`src/text/lexicon/`), `normalise` folds text to
//! lookup keys, and `matching` compares discovered actors with labelled ones.

use super::lexicon::gazetteer::{self as gz, PlaceKind};
use super::lexicon::{self as lx, WordList};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

mod actors;
mod analysis;
mod chunks;
mod lookup;
mod matching;
mod merge;
mod normalise;
mod pending;
mod people;
mod places;
#[cfg(test)]
mod tests;
mod tokens;

use actors::*;
use analysis::*;
use chunks::*;
use lookup::*;
use matching::*;
use normalise::*;
use tokens::*;

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/// What kind of actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActorKind {
    /// A named individual.
    Person,
    /// A body, party, agency, company, group or international organisation.
    Organisation,
    /// A country or territory, including its government (see the module policy).
    Country,
}

/// An actor found in an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredActor {
    /// The fullest name the article uses ("Recep Tayyip Erdogan", "Turkey", "Kurdistan Regional
    /// Government"); the gazetteer's canonical name when the article only uses aliases.
    pub name: String,
    /// Person, organisation or country.
    pub kind: ActorKind,
    /// Other surface forms in the text that refer to the same actor, as they appear in the text
    /// ("Erdogan", "KRG", "Ankara", "Turkish"), without duplicates and without `name`.
    pub aliases: Vec<String>,
    /// Number of mentions (name + aliases) in the text.
    pub mentions: usize,
    /// Byte offset of the first mention.
    pub first_offset: usize,
}

/// Orders actors as discovery reports them: most mentioned first, ties by first mention.
pub fn rank_actors(actors: &mut [DiscoveredActor]) {
    actors.sort_by(|x, y| {
        y.mentions
            .cmp(&x.mentions)
            .then(x.first_offset.cmp(&y.first_offset))
    });
}

/// Finds the actors of `text`, most-mentioned first (ties: first mention first).
///
/// The merging rules, by example:
/// ```
/// use stance::text::discovery::{discover_actors, ActorKind};
/// let text = "Turkish President Recep Tayyip Erdogan met Iranian President Hassan Rouhani in \
///             Tehran. Erdogan said Ankara rejected the vote held by the Kurdistan Regional \
///             Government (KRG). The KRG said it would not back down. Iraqi officials agreed \
///             with Ankara, Rouhani said.";
/// let actors = discover_actors(text);
/// let find = |name: &str| actors.iter().find(|a| a.name == name);
/// // A president introduced with his country speaks for it; the capital is the country too.
/// let turkey = find("Turkey").unwrap();
/// assert_eq!(turkey.kind, ActorKind::Country);
/// assert!(turkey.aliases.iter().any(|a| a == "Recep Tayyip Erdogan"));
/// assert!(turkey.aliases.iter().any(|a| a == "Ankara"));
/// assert!(find("Iran").unwrap().aliases.iter().any(|a| a == "Hassan Rouhani"));
/// // "Iraqi officials" are the Iraqi government, that is Iraq.
/// assert!(find("Iraq").is_some());
/// // A regional government stays apart from its country, its acronym merged into it.
/// let krg = find("Kurdistan Regional Government").unwrap();
/// assert!(krg.aliases.iter().any(|a| a == "KRG"));
/// // A place where something happens is not an actor by that alone.
/// assert!(find("Tehran").is_none());
/// ```
pub fn discover_actors(text: &str) -> Vec<DiscoveredActor> {
    let doc = Doc::new(text);
    let mut analysis = Analysis::new(&doc);
    analysis.run();
    analysis.into_actors()
}

/// Aliases that the gazetteer knows for a user-given actor name and that occur in `text`: e.g.
/// "Turkey" → ["Ankara", "Turkish"] when those occur; "Kurdistan Regional Government" → ["KRG",
/// "Erbil"] when they occur; "Recep Tayyip Erdogan" → ["Erdogan"] (surname) when it occurs. An
/// acronym defined in parentheses after the name ("... Association of Nigeria (IPMAN)") is
/// returned too. Aliases come in order of first occurrence. Never returns `name` itself.
pub fn known_aliases(name: &str, text: &str) -> Vec<String> {
    let lex = lexicon();
    let wanted = strip_leading_the(name.trim());
    let name_key = norm_key(wanted);
    if name_key.is_empty() {
        return Vec::new();
    }
    let doc = Doc::new(text);
    let mut candidates: Vec<String> = Vec::new();
    match lex.lookup_any_case(&name_key) {
        Some((target, _)) => candidates.extend(lex.forms(target).iter().map(|s| s.to_string())),
        None => candidates.extend(name_suffixes(wanted)),
    }
    candidates.extend(defined_acronyms(&doc, wanted));
    let mut found: Vec<(usize, String)> = Vec::new();
    for cand in candidates {
        if norm_key(&cand) == name_key {
            continue;
        }
        if let Some((offset, surface)) = doc.find_phrase(&cand) {
            if !found.iter().any(|(_, s)| *s == surface) && norm_key(&surface) != name_key {
                found.push((offset, surface));
            }
        }
    }
    found.sort();
    found.into_iter().map(|(_, s)| s).collect()
}

/// The actor a surface form stands for in the gazetteer, with its kind: a country's names,
/// abbreviations, capitals and demonyms give the country, an organisation's names and acronyms
/// give the organisation. Exact case first, then any case; a leading "the" is ignored.
///
/// ```
/// use stance::text::discovery::{gazetteer_actor, ActorKind};
/// assert_eq!(gazetteer_actor("Tehran"), Some(("Iran", ActorKind::Country)));
/// assert_eq!(gazetteer_actor("Iranian"), Some(("Iran", ActorKind::Country)));
/// assert_eq!(gazetteer_actor("the EU"), Some(("European Union", ActorKind::Organisation)));
/// assert_eq!(gazetteer_actor("Springfield"), None);
/// ```
pub fn gazetteer_actor(form: &str) -> Option<(&'static str, ActorKind)> {
    let lex = lexicon();
    let key = norm_key(strip_leading_the(form.trim()));
    let (target, _) = lex.lookup_any_case(&key)?;
    let kind = match target {
        Target::Place(_) => ActorKind::Country,
        Target::Org(_) => ActorKind::Organisation,
    };
    Some((lex.canonical(target), kind))
}

/// Whether a discovered actor is the actor `name` (with `aliases`): the test of
/// [`match_counts`] for one pair.
pub fn same_actor(discovered: &DiscoveredActor, name: &str, aliases: &[String]) -> bool {
    same_names(&discovered.name, &discovered.aliases, name, aliases)
}

/// Whether two actors, each a name with aliases, are the same by the test of [`match_counts`]:
/// a form of one equals, or contains as whole words, a form of the other (case and a leading
/// "the" ignored).
pub fn same_names(name: &str, aliases: &[String], other: &str, other_aliases: &[String]) -> bool {
    let (name, other) = (name.to_string(), other.to_string());
    let one = match_forms(std::iter::once(&name).chain(aliases.iter()));
    let two = match_forms(std::iter::once(&other).chain(other_aliases.iter()));
    forms_match(&one, &two)
}

/// Actor discovery precision and recall against gold actors. `gold` is a list of (name, aliases)
/// per article; a discovered actor matches a gold actor when any of its name/aliases equals
/// (case-insensitively, ignoring a leading "the ") any of the gold's name/aliases, or one contains
/// the other as a whole-word phrase (e.g. "Erdogan" vs "Recep Tayyip Erdogan"). Each gold actor
/// can be matched once (and each discovered actor once: the count is a maximum matching).
/// Returns (true_positives, discovered_count, gold_count).
pub fn match_counts(
    discovered: &[DiscoveredActor],
    gold: &[(String, Vec<String>)],
) -> (usize, usize, usize) {
    let found: Vec<Vec<Vec<String>>> = discovered
        .iter()
        .map(|a| match_forms(std::iter::once(&a.name).chain(a.aliases.iter())))
        .collect();
    let wanted: Vec<Vec<Vec<String>>> = gold
        .iter()
        .map(|(n, al)| match_forms(std::iter::once(n).chain(al.iter())))
        .collect();
    let edges: Vec<Vec<usize>> = found
        .iter()
        .map(|d| {
            (0..wanted.len())
                .filter(|&g| forms_match(d, &wanted[g]))
                .collect()
        })
        .collect();
    (
        maximum_matching(&edges, wanted.len()),
        discovered.len(),
        gold.len(),
    )
}
