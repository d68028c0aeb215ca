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

use super::lexicon::gazetteer::{self as gz, PlaceKind};
use super::lexicon::{self as lx, WordList};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

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

// ---------------------------------------------------------------------------------------------
// Matching helpers for `match_counts`
// ---------------------------------------------------------------------------------------------

/// Lower-cased, accent-folded word sequences of each form, without a leading "the".
fn match_forms<'a>(forms: impl Iterator<Item = &'a String>) -> Vec<Vec<String>> {
    forms
        .map(|f| {
            let folded: String = f.chars().map(fold_char).collect::<String>().to_lowercase();
            let mut words: Vec<String> = folded
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            if words.len() > 1 && words[0] == "the" {
                words.remove(0);
            }
            words
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether any form of one side equals or contains (as whole words) any form of the other.
fn forms_match(a: &[Vec<String>], b: &[Vec<String>]) -> bool {
    a.iter().any(|x| {
        b.iter()
            .any(|y| contains_words(x, y) || contains_words(y, x))
    })
}

/// Whether `needle` occurs as a contiguous word sequence in `hay`.
fn contains_words(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty()
        && needle.len() <= hay.len()
        && hay.windows(needle.len()).any(|w| w == needle)
}

/// Size of a maximum bipartite matching (Kuhn's augmenting paths; the graphs are tiny).
fn maximum_matching(edges: &[Vec<usize>], right: usize) -> usize {
    fn augment(
        u: usize,
        edges: &[Vec<usize>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for &v in &edges[u] {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            if owner[v].is_none_or(|w| augment(w, edges, seen, owner)) {
                owner[v] = Some(u);
                return true;
            }
        }
        false
    }
    let mut owner = vec![None; right];
    (0..edges.len())
        .filter(|&u| augment(u, edges, &mut vec![false; right], &mut owner))
        .count()
}

// ---------------------------------------------------------------------------------------------
// Text normalisation
// ---------------------------------------------------------------------------------------------

/// Folds common Latin diacritics to ASCII, keeping case ("É" → "E", "ı" → "i").
fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    let lower = c.to_lowercase().next().unwrap_or(c);
    let base = match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ğ' | 'ģ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
        'ķ' => 'k',
        'ł' | 'ľ' | 'ļ' => 'l',
        'ñ' | 'ń' | 'ň' | 'ņ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'ť' | 'ţ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        '’' | '‘' | 'ʼ' => '\'',
        '–' | '—' | '‐' => '-',
        _ => return c,
    };
    if c.is_uppercase() {
        base.to_ascii_uppercase()
    } else {
        base
    }
}

/// Lookup key: accents folded, hyphens as spaces, dots dropped, whitespace collapsed; case kept.
fn norm_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().map(fold_char) {
        match c {
            '.' => {}
            '-' => out.push(' '),
            c if c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops a leading "the " / "The ".
fn strip_leading_the(s: &str) -> &str {
    for prefix in ["the ", "The ", "THE "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return rest.trim_start();
        }
    }
    s
}

/// Whitespace runs (including line breaks) collapsed to one space.
fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '‘' | '’' | '\'' | '«' | '»')
}

fn first_char(s: &str) -> char {
    s.chars().next().unwrap_or(' ')
}

fn is_capitalised(s: &str) -> bool {
    first_char(s).is_uppercase()
}

/// Two or more letters, all upper case ("KRG", "U.S.", "G7" counts through its letter).
fn is_acronym(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

/// Acronym-like: at least two capitals, few letters ("BevSA", "AfDB", "KRG").
fn is_acronym_like(s: &str) -> bool {
    let upper = s.chars().filter(|c| c.is_uppercase()).count();
    let len = s.chars().count();
    is_capitalised(s) && upper >= 2 && len <= 10 && !s.contains(' ')
}

fn is_roman_numeral(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
}

// ---------------------------------------------------------------------------------------------
// Lexicon: gazetteer index and word sets, built once
// ---------------------------------------------------------------------------------------------

/// A gazetteer entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Place(usize),
    Org(usize),
}

/// How a surface form refers to its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Name,
    Abbrev,
    Metonym,
    Demonym,
}

struct Lexicon {
    gazetteer: HashMap<String, (Target, Role)>,
    gazetteer_lower: HashMap<String, (Target, Role)>,
    titles: HashSet<String>,
    executive: HashSet<&'static str>,
    portfolios: HashSet<&'static str>,
    org_signals: HashSet<&'static str>,
    gov_heads: HashSet<&'static str>,
    actor_nouns: HashSet<&'static str>,
    actor_modifiers: HashSet<&'static str>,
    locatives: HashSet<&'static str>,
    capital_nouns: HashSet<&'static str>,
    speech: HashSet<&'static str>,
    fillers: HashSet<&'static str>,
    stop: HashSet<&'static str>,
    common_subjects: HashSet<&'static str>,
    non_actor_acronyms: HashSet<&'static str>,
    non_actor_places: HashSet<&'static str>,
    particles: HashSet<&'static str>,
    dotted: HashSet<&'static str>,
    no_merge: HashSet<&'static str>,
    months: HashSet<&'static str>,
    place_signals: HashSet<&'static str>,
}

impl Lexicon {
    fn build() -> Lexicon {
        let set = |list: &WordList| list.entries().iter().copied().collect::<HashSet<_>>();
        let mut lex = Lexicon {
            gazetteer: HashMap::new(),
            gazetteer_lower: HashMap::new(),
            titles: lx::TITLES
                .entries()
                .iter()
                .map(|t| t.to_lowercase())
                .collect(),
            executive: set(&lx::EXECUTIVE_TITLES),
            portfolios: set(&lx::PORTFOLIOS),
            org_signals: set(&lx::ORGANISATION_SIGNALS),
            gov_heads: set(&lx::GOVERNMENT_HEADS),
            actor_nouns: set(&lx::ACTOR_NOUNS),
            actor_modifiers: set(&lx::ACTOR_MODIFIERS),
            locatives: set(&lx::LOCATIVES),
            capital_nouns: set(&lx::CAPITAL_MODIFIED_NOUNS),
            speech: set(&lx::SPEECH_VERBS),
            fillers: set(&lx::VERB_FILLERS),
            stop: set(&lx::STOP_WORDS),
            common_subjects: set(&lx::COMMON_SUBJECTS),
            non_actor_acronyms: set(&lx::NON_ACTOR_ACRONYMS),
            non_actor_places: set(&lx::NON_ACTOR_PLACES),
            particles: set(&lx::NAME_PARTICLES),
            dotted: set(&lx::DOTTED_ABBREVIATIONS),
            no_merge: set(&lx::NO_MERGE_MODIFIERS),
            months: set(&lx::MONTH_ABBREVIATIONS),
            place_signals: set(&lx::PLACE_SIGNALS),
        };
        for (i, p) in gz::places().iter().enumerate() {
            let t = Target::Place(i);
            lex.add(p.name, t, Role::Name);
            p.names.iter().for_each(|s| lex.add(s, t, Role::Name));
            p.abbrevs.iter().for_each(|s| lex.add(s, t, Role::Abbrev));
            p.metonyms.iter().for_each(|s| lex.add(s, t, Role::Metonym));
            p.demonyms.iter().for_each(|s| lex.add(s, t, Role::Demonym));
        }
        for (i, o) in gz::orgs().iter().enumerate() {
            let t = Target::Org(i);
            lex.add(o.name, t, Role::Name);
            o.names.iter().for_each(|s| lex.add(s, t, Role::Name));
            o.abbrevs.iter().for_each(|s| lex.add(s, t, Role::Abbrev));
            o.metonyms.iter().for_each(|s| lex.add(s, t, Role::Metonym));
            o.demonyms.iter().for_each(|s| lex.add(s, t, Role::Demonym));
        }
        lex
    }

    /// First entry wins, so a form listed twice keeps its first meaning.
    fn add(&mut self, surface: &str, target: Target, role: Role) {
        let key = norm_key(surface);
        self.gazetteer_lower
            .entry(key.to_lowercase())
            .or_insert((target, role));
        self.gazetteer.entry(key).or_insert((target, role));
    }

    fn lookup(&self, key: &str) -> Option<(Target, Role)> {
        self.gazetteer.get(key).copied()
    }

    /// Exact lookup, then case-insensitive (for user-given names like "turkey").
    fn lookup_any_case(&self, key: &str) -> Option<(Target, Role)> {
        self.lookup(key)
            .or_else(|| self.gazetteer_lower.get(&key.to_lowercase()).copied())
    }

    fn canonical(&self, t: Target) -> &'static str {
        match t {
            Target::Place(i) => gz::places().get(i).map_or("", |p| p.name),
            Target::Org(i) => gz::orgs().get(i).map_or("", |o| o.name),
        }
    }

    /// Every surface form the gazetteer lists for an entry.
    fn forms(&self, t: Target) -> Vec<&'static str> {
        match t {
            Target::Place(i) => gz::places().get(i).map(|p| p.forms().collect()),
            Target::Org(i) => gz::orgs().get(i).map(|o| o.forms().collect()),
        }
        .unwrap_or_default()
    }

    fn is_title(&self, word: &str) -> bool {
        let w = word.trim_end_matches('.');
        self.titles.contains(&w.to_lowercase())
    }
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::build)
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
struct Token {
    /// Byte range of the token (a possessive "'s" is not included).
    start: usize,
    end: usize,
    /// A word (letters/digits) rather than a punctuation mark.
    word: bool,
    space_before: bool,
    newline_before: bool,
    /// The word carried a possessive "'s" or a plural possessive "'".
    possessive: bool,
    sentence_start: bool,
    /// Inside a dateline or a wire credit.
    ignored: bool,
}

/// A tokenised article.
struct Doc<'a> {
    text: &'a str,
    toks: Vec<Token>,
    /// Lower-case words that occur in lower case somewhere ("officials"), to tell
    /// sentence-initial common words from names.
    lower_words: HashSet<String>,
    /// Place of the first dateline ("ABUJA" in "ABUJA, June 8 -").
    dateline_city: Option<String>,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str) -> Doc<'a> {
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

    fn len(&self) -> usize {
        self.toks.len()
    }

    /// The token's text ("" when out of range).
    fn s(&self, i: usize) -> &'a str {
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.start..t.end))
            .unwrap_or("")
    }

    fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.word && !t.ignored)
    }

    fn is_lower_word(&self, i: usize) -> bool {
        self.is_word(i) && first_char(self.s(i)).is_lowercase()
    }

    fn possessive(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.possessive)
    }

    /// Surface text of tokens a..=b, whitespace collapsed.
    fn surface(&self, sp: Span) -> String {
        match (self.toks.get(sp.a), self.toks.get(sp.b)) {
            (Some(x), Some(y)) if x.start <= y.end => {
                collapse_ws(self.text.get(x.start..y.end).unwrap_or(""))
            }
            _ => String::new(),
        }
    }

    /// Surface including a possessive "'s" that belongs to the name ("Moody's").
    fn surface_with_possessive(&self, sp: Span) -> String {
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

    fn offset(&self, i: usize) -> usize {
        self.toks.get(i).map_or(0, |t| t.start)
    }

    /// First occurrence of a phrase as whole words (case-sensitive on the normalised form):
    /// its byte offset and surface text.
    fn find_phrase(&self, phrase: &str) -> Option<(usize, String)> {
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
fn tokenize(text: &str) -> Vec<Token> {
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
fn scan_word(ch: &impl Fn(usize) -> char, mut k: usize, n: usize) -> usize {
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
fn absorb_dots(
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
fn mark_ignored(text: &str, toks: &mut [Token]) {
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
fn dateline_city(text: &str) -> Option<String> {
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
fn dateline_len(line: &str) -> Option<usize> {
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
fn mark_sentence_starts(text: &str, toks: &mut [Token]) {
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

// ---------------------------------------------------------------------------------------------
// Chunks: runs of capitalised words
// ---------------------------------------------------------------------------------------------

/// Inclusive token range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Span {
    a: usize,
    b: usize,
}

impl Span {
    fn single(i: usize) -> Span {
        Span { a: i, b: i }
    }
    fn tokens(self) -> usize {
        self.b + 1 - self.a
    }
}

impl Doc<'_> {
    /// A capitalised word that can belong to a name.
    fn chunk_word(&self, i: usize) -> bool {
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

    fn is_particle(&self, i: usize) -> bool {
        self.is_lower_word(i) && lexicon().particles.contains(self.s(i))
    }

    /// "d'Ivoire", "d'Orsay", "l'Economia": an elided particle glued to a capitalised word.
    fn elided_particle(&self, i: usize) -> bool {
        let mut chars = self.s(i).chars();
        let (first, apostrophe, next) = (chars.next(), chars.next(), chars.next());
        self.is_word(i)
            && first.is_some_and(char::is_lowercase)
            && apostrophe.is_some_and(is_apostrophe)
            && next.is_some_and(char::is_uppercase)
    }

    fn glued(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.space_before)
    }

    fn is_org_signal(&self, i: usize) -> bool {
        lexicon()
            .org_signals
            .contains(self.s(i).trim_end_matches('.'))
    }

    /// All runs of capitalised words, with name particles, hyphens and organisation connectors.
    fn chunks(&self) -> Vec<Span> {
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
    fn extend_chunk(&self, a: usize, b: usize) -> Option<usize> {
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
    fn possessive_org_continuation(&self, j: usize) -> Option<usize> {
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
    fn connector_extension(&self, a: usize, b: usize, j: usize) -> Option<usize> {
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

// ---------------------------------------------------------------------------------------------
// Analysis
// ---------------------------------------------------------------------------------------------

/// A growing actor.
#[derive(Debug, Clone)]
struct Entity {
    kind: ActorKind,
    target: Option<Target>,
    /// Full-name surfaces and alias surfaces with their first offsets, in text order.
    names: Vec<(String, usize)>,
    aliases: Vec<(String, usize)>,
    /// Start offsets of the mentions.
    mentions: BTreeSet<usize>,
    /// Lower-cased words of a person's name.
    person_words: Vec<String>,
    titled: bool,
    spoke: bool,
    org_signal: bool,
    acronym: bool,
    affiliated: bool,
    /// Whether it comes from an unrecognised capitalised word.
    unknown: bool,
    /// A bare signal word ("Commission", "Police") without a name of its own.
    generic: bool,
    /// Some mention is in an actor position (not only "in Yemen" or a list of places).
    strong: bool,
}

impl Entity {
    fn new(kind: ActorKind, target: Option<Target>) -> Entity {
        Entity {
            kind,
            target,
            names: Vec::new(),
            aliases: Vec::new(),
            mentions: BTreeSet::new(),
            person_words: Vec::new(),
            titled: false,
            spoke: false,
            org_signal: false,
            acronym: false,
            affiliated: false,
            unknown: false,
            generic: false,
            strong: false,
        }
    }
}

/// A name-like chunk waiting for the whole article to be read.
#[derive(Debug, Clone, Copy)]
struct Pending {
    span: Span,
    spoke: bool,
    /// Followed by an actor phrase ("Gujarat state government", "UGT union").
    actor_phrase: Option<ActorKind>,
}

/// A person tied by a title to the actor mentioned at token `tok`.
#[derive(Debug, Clone, Copy)]
struct Affiliation {
    person: usize,
    tok: usize,
    executive: bool,
    no_merge: bool,
}

/// Whether a chunk is being read as the front of a title phrase ("Turkish" in "Turkish
/// President ..."), where a demonym counts as a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Normal,
    BeforeTitle,
}

struct Analysis<'d, 'a> {
    doc: &'d Doc<'a>,
    lex: &'static Lexicon,
    ents: Vec<Entity>,
    keys: HashMap<String, usize>,
    /// Entity each token was assigned to.
    tok_ent: Vec<Option<usize>>,
    pending: Vec<Pending>,
    /// (long form, acronym) pairs defined as "Long Form (ACR)".
    acronym_defs: Vec<(Span, Span)>,
    affiliations: Vec<Affiliation>,
    /// Persons with a national title but no named country ("Finance Minister X").
    home_officials: Vec<usize>,
    /// Persons by the last and by the first word of their name.
    by_last_word: HashMap<String, Vec<usize>>,
    by_first_word: HashMap<String, Vec<usize>>,
    /// Entity merged into another.
    merged_into: Vec<Option<usize>>,
}

impl<'d, 'a> Analysis<'d, 'a> {
    fn new(doc: &'d Doc<'a>) -> Self {
        Analysis {
            doc,
            lex: lexicon(),
            ents: Vec::new(),
            keys: HashMap::new(),
            tok_ent: vec![None; doc.len()],
            pending: Vec::new(),
            acronym_defs: Vec::new(),
            affiliations: Vec::new(),
            home_officials: Vec::new(),
            by_last_word: HashMap::new(),
            by_first_word: HashMap::new(),
            merged_into: Vec::new(),
        }
    }

    fn run(&mut self) {
        for sp in self.doc.chunks() {
            self.note_acronym_definition(sp);
            self.classify(sp, Ctx::Normal);
        }
        self.resolve_acronym_definitions();
        self.promote_pending_people();
        self.resolve_pending();
        self.merged_into = vec![None; self.ents.len()];
        self.merge_person_suffixes();
        self.merge_head_words();
        self.merge_territories();
        self.merge_affiliations();
        self.merge_home_officials();
    }

    // ----- entities and mentions ----------------------------------------------------------

    fn entity(&mut self, key: String, kind: ActorKind, target: Option<Target>) -> usize {
        if let Some(&id) = self.keys.get(&key) {
            return id;
        }
        self.ents.push(Entity::new(kind, target));
        self.keys.insert(key, self.ents.len() - 1);
        self.ents.len() - 1
    }

    fn gazetteer_entity(&mut self, t: Target) -> usize {
        let kind = match t {
            Target::Place(_) => ActorKind::Country,
            Target::Org(_) => ActorKind::Organisation,
        };
        self.entity(format!("{t:?}"), kind, Some(t))
    }

    /// Records a mention of entity `e` at `sp` (a full name when `is_name`).
    fn mention(&mut self, e: usize, sp: Span, is_name: bool) {
        let surface = self.doc.surface(sp);
        self.mention_as(e, sp, is_name, surface);
    }

    /// Records a mention with an explicit surface form.
    fn mention_as(&mut self, e: usize, sp: Span, is_name: bool, surface: String) {
        if surface.is_empty() {
            return;
        }
        let offset = self.doc.offset(sp.a);
        for slot in self.tok_ent.iter_mut().take(sp.b + 1).skip(sp.a) {
            *slot = Some(e);
        }
        let Some(ent) = self.ents.get_mut(e) else {
            return;
        };
        ent.mentions.insert(offset);
        let list = if is_name {
            &mut ent.names
        } else {
            &mut ent.aliases
        };
        if !list.iter().any(|(s, _)| *s == surface) {
            list.push((surface, offset));
        }
    }

    // ----- chunk classification --------------------------------------------------------------

    /// Classifies one chunk (see the module documentation for the order of the rules).
    fn classify(&mut self, sp: Span, ctx: Ctx) {
        let key = norm_key(&self.doc.surface(sp));
        if let Some((t, role)) = self.lex.lookup(&key) {
            return self.gazetteer_mention(sp, t, role, ctx);
        }
        if let Some(t) = self.possessive_name(sp, &key) {
            return self.possessive_gazetteer_mention(sp, t);
        }
        if self.org_head(sp) {
            return self.organisation(sp);
        }
        if self.titled_person(sp) {
            return;
        }
        if self.org_first(sp) {
            return self.organisation(sp);
        }
        if self.name_like(sp) {
            return self.name_candidate(sp);
        }
        if sp.tokens() > 1 {
            self.split_mixed(sp);
        }
    }

    /// "Moody's": a gazetteer name whose possessive belongs to the name.
    fn possessive_gazetteer_mention(&mut self, sp: Span, t: Target) {
        let e = self.gazetteer_entity(t);
        let surface = self.doc.surface_with_possessive(sp);
        self.mention_as(e, sp, true, surface);
        let spoke = self.spoke(sp);
        self.ents[e].spoke |= spoke;
        self.ents[e].strong = true;
    }

    /// The gazetteer entry whose name ends in "'s" when the chunk's last word is possessive.
    fn possessive_name(&self, sp: Span, key: &str) -> Option<Target> {
        if !self.doc.possessive(sp.b) {
            return None;
        }
        self.lex
            .lookup(&format!("{key}'s"))
            .filter(|&(_, role)| role == Role::Name)
            .map(|(t, _)| t)
    }

    /// "Bloc Quebecois", "Union Pacific": a signal word first, then a name.
    fn org_first(&self, sp: Span) -> bool {
        let d = self.doc;
        sp.tokens() >= 2
            && d.is_org_signal(sp.a)
            && (sp.a + 1..=sp.b).all(|i| !d.is_word(i) || !self.lex.is_title(d.s(i)))
    }

    /// A gazetteer form: names always count; capitals only as actors; demonyms only before an
    /// actor noun or a title.
    fn gazetteer_mention(&mut self, sp: Span, t: Target, role: Role, ctx: Ctx) {
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
    fn weak_place_mention(&self, sp: Span) -> bool {
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
    fn locative_before(&self, a: usize) -> bool {
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
    fn place_start_ending_at(&self, b: usize) -> Option<usize> {
        (b.saturating_sub(3)..=b).find(|&a| self.is_place_name(Span { a, b }))
    }

    fn is_place_name(&self, sp: Span) -> bool {
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
    fn metonym_is_actor(&self, sp: Span) -> bool {
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
    fn before_actor_noun(&self, b: usize) -> bool {
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
    fn org_head(&self, sp: Span) -> bool {
        let d = self.doc;
        let head = (sp.a..=sp.b)
            .find(|&i| matches!(d.s(i), "of" | "for" | "on") && i > sp.a)
            .map_or(sp.b, |i| i - 1);
        d.is_org_signal(head)
    }

    /// An organisation chunk; a country's government body ("Turkish Foreign Ministry", "U.S.
    /// Treasury") is a mention of the country.
    fn organisation(&mut self, sp: Span) {
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
    fn possessive_government(&self, sp: Span) -> Option<Target> {
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
    fn government_body(&self, sp: Span) -> Option<Target> {
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
    fn government_of(&self, t: Target) -> Target {
        if let Target::Place(i) = t {
            if let Some(g) = gz::places().get(i).and_then(|p| p.government) {
                if let Some((gt, _)) = self.lex.lookup(&norm_key(g)) {
                    return gt;
                }
            }
        }
        t
    }

    /// Splits "Turkish President Recep Tayyip Erdogan" at its last title: the name after it
    /// becomes a titled person, the words before it an affiliation. Returns whether the chunk
    /// contained a title.
    fn titled_person(&mut self, sp: Span) -> bool {
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
    fn skip_portfolio(&mut self, after_title: usize, last: usize) -> (usize, Option<usize>) {
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
    fn title_phrase_start(&self, title: usize, chunk_start: usize) -> usize {
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
    fn place_at(&self, a: usize, max_b: usize) -> Option<usize> {
        (a..=max_b).rev().find(|&b| {
            matches!(
                self.lex.lookup(&norm_key(&self.doc.surface(Span { a, b }))),
                Some((Target::Place(_), _))
            )
        })
    }

    /// A person introduced by the title at token `title`, with an optional affiliation token.
    fn titled(&mut self, name: Span, title: usize, aff_tok: Option<usize>) {
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
    fn title_is_national(&self, title: usize) -> bool {
        let d = self.doc;
        if title >= 1 && d.s(title - 1) == "-" {
            return false;
        }
        let w = d.s(title).to_lowercase();
        w.ends_with("minister")
            || matches!(w.as_str(), "president" | "premier" | "chancellor")
            || (w == "secretary" && is_capitalised(d.s(title)))
    }

    fn person(&mut self, name: Span) -> usize {
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

    fn title_is_executive(&self, title: usize) -> bool {
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
    fn no_merge_before(&self, title: usize) -> bool {
        let d = self.doc;
        (title.saturating_sub(4)..title).any(|i| self.lex.no_merge.contains(d.s(i)))
    }

    /// Walks back from a title over modifiers to the capitalised word naming the speaker's
    /// country or organisation ("Turkey's President", "Commission trade spokeswoman", "a German
    /// government spokesman"). Stops at determiners, prepositions, punctuation and unnamed
    /// bodies ("the central bank's governor").
    fn affiliation_before(&self, title: usize) -> Option<usize> {
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
    fn name_like(&self, sp: Span) -> bool {
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
    fn name_candidate(&mut self, sp: Span) {
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
    fn organisation_apposition(&self, b: usize) -> bool {
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
    fn actor_phrase_after(&self, sp: Span) -> Option<ActorKind> {
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
    fn title_before(&self, a: usize) -> Option<usize> {
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
    fn appositive_title_after(&self, b: usize) -> Option<(usize, Option<usize>)> {
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
    fn affiliation_after(&self, title: usize) -> Option<usize> {
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

    /// Whether the chunk is the subject of a speech verb ("X said", "X, who ..., said",
    /// "X (ACR) has warned") or follows one after a quote ("..., said X") or "according to X".
    fn spoke(&self, sp: Span) -> bool {
        self.speech_after(sp.a, sp.b) || self.speech_before(sp.a)
    }

    fn speech_after(&self, first_word: usize, b: usize) -> bool {
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

    fn speech_before(&self, a: usize) -> bool {
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
    fn split_mixed(&mut self, sp: Span) {
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
    fn classify_piece(&mut self, mut a: usize, mut b: usize) {
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
    fn note_acronym_definition(&mut self, sp: Span) {
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
    fn resolve_acronym_definitions(&mut self) {
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
    fn promote_pending_people(&mut self) {
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
    /// lower case ("Indigenous", "Metals").
    fn multiword_has_non_name(&self, sp: Span) -> bool {
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
    fn resolve_pending(&mut self) {
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
    fn resolve_alias(&self, sp: Span) -> Option<usize> {
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
    fn longer_names_ending_with(&self, words: &[String]) -> Vec<usize> {
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
    fn unknown(&mut self, p: Pending) {
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
    fn common_sentence_word(&self, w: &str) -> bool {
        let lower = w.to_lowercase();
        let plural = lower.ends_with('s') && !lower.ends_with("ss") && !is_acronym(w);
        self.lex.common_subjects.contains(w) || self.doc.lower_words.contains(&lower) || plural
    }

    // ----- merging ----------------------------------------------------------------------------

    fn root(&self, mut e: usize) -> usize {
        for _ in 0..self.ents.len() {
            match self.merged_into.get(e).copied().flatten() {
                Some(next) => e = next,
                None => break,
            }
        }
        e
    }

    /// Moves every mention and surface of `from` into `into` (as aliases).
    fn merge(&mut self, from: usize, into: usize) {
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
    fn merge_person_suffixes(&mut self) {
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
    fn merge_head_words(&mut self) {
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
    fn display_names(&self, e: usize) -> Vec<String> {
        let ent = &self.ents[e];
        let mut out: Vec<String> = ent.names.iter().map(|(s, _)| s.clone()).collect();
        if let Some(t) = ent.target {
            out.push(self.lex.canonical(t).to_string());
        }
        out
    }

    /// A territory into its regional government when the article names that government.
    fn merge_territories(&mut self) {
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
    fn merge_affiliations(&mut self) {
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
    fn merge_home_officials(&mut self) {
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

    /// Whether an entity has enough evidence to be reported.
    fn keep(&self, e: usize) -> bool {
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

    fn into_actors(self) -> Vec<DiscoveredActor> {
        let mut out: Vec<DiscoveredActor> = (0..self.ents.len())
            .filter(|&e| self.merged_into[e].is_none() && self.keep(e))
            .map(|e| self.actor(e))
            .collect();
        rank_actors(&mut out);
        out
    }

    fn actor(&self, e: usize) -> DiscoveredActor {
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
fn choose_name(ent: &Entity, canonical: Option<&str>) -> String {
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
fn person_words(key: &str) -> Vec<String> {
    let lex = lexicon();
    key.split(' ')
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !lex.particles.contains(w.as_str()))
        .collect()
}

/// Among candidate entities, the one whose first mention is nearest before `offset` (else the
/// first one).
fn nearest_before(ents: &[Entity], candidates: &[usize], offset: usize) -> Option<usize> {
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
fn name_suffixes(name: &str) -> Vec<String> {
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
fn defined_acronyms(doc: &Doc, name: &str) -> Vec<String> {
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

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'x>(actors: &'x [DiscoveredActor], name: &str) -> Option<&'x DiscoveredActor> {
        actors.iter().find(|a| a.name == name)
    }

    #[test]
    fn title_full_name_and_later_surname_merge() {
        let text = "Senator Maria Delgado opened the hearing. Delgado said the bill was flawed. \
                    Later Delgado walked out.";
        let actors = discover_actors(text);
        let m = find(&actors, "Maria Delgado").expect("person found");
        assert_eq!(m.kind, ActorKind::Person);
        assert_eq!(m.aliases, vec!["Delgado".to_string()]);
        assert_eq!(m.mentions, 3);
        assert_eq!(m.first_offset, 8);
        assert!(actors.iter().all(|a| a.name != "Senator Maria Delgado"));
    }

    #[test]
    fn honorific_surname_merges_into_full_name() {
        let text = "Barack Obama said he would go. Mr. Obama later changed his mind.";
        let actors = discover_actors(text);
        let o = find(&actors, "Barack Obama").expect("found");
        assert!(o.aliases.contains(&"Obama".to_string()), "{o:?}");
        assert_eq!(o.mentions, 2);
    }

    #[test]
    fn executive_with_country_merges_into_country() {
        let text = "Portuguese Prime Minister Tomas Avelar met farmers. Avelar said prices \
                    would fall. Lisbon has promised aid.";
        let actors = discover_actors(text);
        let p = find(&actors, "Portugal").expect("country");
        assert_eq!(p.kind, ActorKind::Country);
        for alias in ["Portuguese", "Tomas Avelar", "Avelar", "Lisbon"] {
            assert!(p.aliases.contains(&alias.to_string()), "{alias} in {p:?}");
        }
        assert_eq!(p.mentions, 4);
    }

    #[test]
    fn capital_metonym_counts_only_as_actor() {
        let actors = discover_actors("Ankara said it would respond. The talks were held in Oslo.");
        let t = find(&actors, "Turkey").expect("metonym");
        assert_eq!(t.aliases, vec!["Ankara".to_string()]);
        assert!(find(&actors, "Norway").is_none(), "{actors:?}");
    }

    #[test]
    fn demonym_before_actor_noun() {
        let actors = discover_actors(
            "Chilean officials rejected the plan. The Chilean wine harvest was good.",
        );
        let c = find(&actors, "Chile").expect("demonym");
        assert_eq!(c.mentions, 1);
        assert_eq!(c.aliases, vec!["Chilean".to_string()]);
    }

    #[test]
    fn government_merges_into_country_but_regional_government_stays() {
        let text = "The Iraqi central government rejected the vote. The Kurdistan Regional \
                    Government (KRG) said Erbil would not back down. The KRG held firm.";
        let actors = discover_actors(text);
        let iraq = find(&actors, "Iraq").expect("iraq");
        assert!(iraq.aliases.contains(&"Iraqi".to_string()));
        let krg = find(&actors, "Kurdistan Regional Government").expect("krg");
        assert_eq!(krg.kind, ActorKind::Organisation);
        assert!(krg.aliases.contains(&"KRG".to_string()));
        assert!(krg.aliases.contains(&"Erbil".to_string()));
        assert_eq!(krg.mentions, 4);
    }

    #[test]
    fn acronym_in_parentheses_becomes_alias() {
        let text = "The Coastal Fishers Cooperative (CFC) opposed the quota. A CFC official \
                    said boats would stay in port. CFC members voted.";
        let actors = discover_actors(text);
        let c = find(&actors, "Coastal Fishers Cooperative").expect("org");
        assert_eq!(c.kind, ActorKind::Organisation);
        assert_eq!(c.aliases, vec!["CFC".to_string()]);
        assert_eq!(c.mentions, 4);
    }

    #[test]
    fn national_title_joins_the_dateline_country() {
        let text = "LIMA, May 2 (wire) - Peru will sell the utility, Economy Minister Rosa \
                    Quilca said. Peru expects bids soon.";
        let actors = discover_actors(text);
        let peru = find(&actors, "Peru").expect("peru");
        assert!(
            peru.aliases.contains(&"Rosa Quilca".to_string()),
            "{actors:?}"
        );
        assert_eq!(actors.len(), 1, "{actors:?}");
    }

    #[test]
    fn appositive_title_ties_person_to_organisation() {
        let text = "\"Costs will rise,\" said Pedro Alves, chairman of the Coastal Hauliers \
                    Association. Alves said more.";
        let actors = discover_actors(text);
        let org = find(&actors, "Coastal Hauliers Association").expect("org");
        assert_eq!(
            org.aliases,
            vec!["Pedro Alves".to_string(), "Alves".to_string()]
        );
        assert_eq!(org.mentions, 3);
    }

    #[test]
    fn locations_only_are_not_actors() {
        let text = "Protests spread in France, Belgium and Ireland. Germany backed the deal.";
        let names: Vec<String> = discover_actors(text).into_iter().map(|a| a.name).collect();
        assert_eq!(names, vec!["Germany".to_string()]);
    }

    #[test]
    fn dateline_is_ignored() {
        let text = "NAIROBI, March 3 (Reuters) - Kenyan officials said on Tuesday the dam \
                    would go ahead.";
        let actors = discover_actors(text);
        assert!(actors
            .iter()
            .all(|a| a.name != "Reuters" && a.name != "NAIROBI"));
        let k = find(&actors, "Kenya").expect("kenya from demonym");
        assert_eq!(k.aliases, vec!["Kenyan".to_string()]);
        assert_eq!(k.mentions, 1);
    }

    #[test]
    fn sentence_initial_words_and_months_are_not_actors() {
        let actors = discover_actors(
            "However, prices rose in January. Diplomats said little. After Monday, nothing.",
        );
        assert!(actors.is_empty(), "{actors:?}");
    }

    #[test]
    fn speech_verb_signals_unknown_person_and_org() {
        let text = "\"We will not pay,\" said Ingrid Solberg. Brightwater, a utility, warned \
                    of shortages.";
        let actors = discover_actors(text);
        assert_eq!(
            find(&actors, "Ingrid Solberg").map(|a| a.kind),
            Some(ActorKind::Person)
        );
        assert_eq!(
            find(&actors, "Brightwater").map(|a| a.kind),
            Some(ActorKind::Organisation)
        );
    }

    #[test]
    fn empty_and_odd_input_does_not_panic() {
        assert!(discover_actors("").is_empty());
        assert!(discover_actors("   \n\t ").is_empty());
        let _ = discover_actors("'s ’s - ( ) \"“”. A. B. U.S. —");
        let _ = discover_actors("Çağlar Gürsoy söyledi. Ünal said. 東京 said. Ωmega Corp said.");
        let _ = discover_actors(&"Minister ".repeat(2000));
        let _ = known_aliases("", "");
        let _ = known_aliases("Ünal", "Ünal");
        assert_eq!(match_counts(&[], &[]), (0, 0, 0));
    }

    #[test]
    fn non_ascii_names_are_found() {
        let text = "Agriculture Minister Hélène Marchand said the deal was unfair. Marchand \
                    repeated it. Gábor Szalai, Hungary's foreign minister, agreed.";
        let actors = discover_actors(text);
        let h = find(&actors, "Hélène Marchand").expect("accented name");
        assert_eq!(h.aliases, vec!["Marchand".to_string()]);
        let hu = find(&actors, "Hungary").expect("hungary");
        assert!(hu.aliases.contains(&"Gábor Szalai".to_string()), "{hu:?}");
    }

    #[test]
    fn known_aliases_from_gazetteer_and_name() {
        let text = "Ankara objected. Turkish diplomats left. Erdogan spoke. The KRG and Erbil \
                    replied.";
        assert_eq!(known_aliases("Turkey", text), vec!["Ankara", "Turkish"]);
        assert_eq!(
            known_aliases("the Kurdistan Regional Government", text),
            vec!["KRG", "Erbil"]
        );
        assert_eq!(known_aliases("Recep Tayyip Erdogan", text), vec!["Erdogan"]);
        assert!(known_aliases("Turkey", "Nothing here.").is_empty());
        let defined = "The Harbour Pilots Guild (HPG) struck.";
        assert_eq!(known_aliases("Harbour Pilots Guild", defined), vec!["HPG"]);
    }

    #[test]
    fn match_counts_uses_aliases_and_whole_words() {
        let found = vec![
            DiscoveredActor {
                name: "Turkey".into(),
                kind: ActorKind::Country,
                aliases: vec!["Erdogan".into()],
                mentions: 2,
                first_offset: 0,
            },
            DiscoveredActor {
                name: "Erdo".into(),
                kind: ActorKind::Person,
                aliases: vec![],
                mentions: 1,
                first_offset: 0,
            },
        ];
        let gold = vec![
            ("Recep Tayyip Erdogan".to_string(), vec![]),
            (
                "the Iraqi government".to_string(),
                vec!["Baghdad".to_string()],
            ),
        ];
        assert_eq!(match_counts(&found, &gold), (1, 2, 2));
    }

    #[test]
    fn ordering_is_by_mentions_then_first_offset() {
        let actors = discover_actors("Peru objected. Chile said no. Chile left.");
        let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, vec!["Chile", "Peru"]);
    }
}
