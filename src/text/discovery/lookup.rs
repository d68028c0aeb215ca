//! The lexicon as discovery reads it: the gazetteer indexed by normalised form (exact and
//! case-insensitive) and the word lists as sets, built once per process.

use super::*;

/// A gazetteer entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Target {
    Place(usize),
    Org(usize),
}

/// How a surface form refers to its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Name,
    Abbrev,
    Metonym,
    Demonym,
}

pub(super) struct Lexicon {
    pub(super) gazetteer: HashMap<String, (Target, Role)>,
    pub(super) gazetteer_lower: HashMap<String, (Target, Role)>,
    pub(super) titles: HashSet<String>,
    pub(super) executive: HashSet<&'static str>,
    pub(super) portfolios: HashSet<&'static str>,
    pub(super) org_signals: HashSet<&'static str>,
    pub(super) gov_heads: HashSet<&'static str>,
    pub(super) actor_nouns: HashSet<&'static str>,
    pub(super) actor_modifiers: HashSet<&'static str>,
    pub(super) locatives: HashSet<&'static str>,
    pub(super) capital_nouns: HashSet<&'static str>,
    pub(super) speech: HashSet<&'static str>,
    pub(super) fillers: HashSet<&'static str>,
    pub(super) stop: HashSet<&'static str>,
    pub(super) common_subjects: HashSet<&'static str>,
    pub(super) non_actor_acronyms: HashSet<&'static str>,
    pub(super) non_actor_places: HashSet<&'static str>,
    pub(super) particles: HashSet<&'static str>,
    pub(super) dotted: HashSet<&'static str>,
    pub(super) no_merge: HashSet<&'static str>,
    pub(super) months: HashSet<&'static str>,
    pub(super) place_signals: HashSet<&'static str>,
}

impl Lexicon {
    pub(super) fn build() -> Lexicon {
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
            speech: [&lx::SPEECH_VERBS, &lx::STANCE_VERBS, &lx::ACTOR_VERBS]
                .into_iter()
                .flat_map(|list| list.entries().iter().copied())
                .collect(),
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
            let lists = [&p.names, &p.abbrevs, &p.metonyms, &p.demonyms];
            lex.add_entry(Target::Place(i), p.name, lists);
        }
        for (i, o) in gz::orgs().iter().enumerate() {
            let lists = [&o.names, &o.abbrevs, &o.metonyms, &o.demonyms];
            lex.add_entry(Target::Org(i), o.name, lists);
        }
        lex
    }

    /// Adds a gazetteer row: its canonical name and its names, abbreviations, metonyms and
    /// demonyms, each with its role.
    fn add_entry(&mut self, t: Target, name: &str, lists: [&Vec<&'static str>; 4]) {
        self.add(name, t, Role::Name);
        let roles = [Role::Name, Role::Abbrev, Role::Metonym, Role::Demonym];
        for (list, role) in lists.into_iter().zip(roles) {
            list.iter().for_each(|s| self.add(s, t, role));
        }
    }

    /// First entry wins, so a form listed twice keeps its first meaning.
    pub(super) fn add(&mut self, surface: &str, target: Target, role: Role) {
        let key = norm_key(surface);
        self.gazetteer_lower
            .entry(key.to_lowercase())
            .or_insert((target, role));
        self.gazetteer.entry(key).or_insert((target, role));
    }

    pub(super) fn lookup(&self, key: &str) -> Option<(Target, Role)> {
        self.gazetteer.get(key).copied()
    }

    /// Exact lookup, then case-insensitive (for user-given names like "turkey").
    pub(super) fn lookup_any_case(&self, key: &str) -> Option<(Target, Role)> {
        self.lookup(key)
            .or_else(|| self.gazetteer_lower.get(&key.to_lowercase()).copied())
    }

    pub(super) fn canonical(&self, t: Target) -> &'static str {
        match t {
            Target::Place(i) => gz::places().get(i).map_or("", |p| p.name),
            Target::Org(i) => gz::orgs().get(i).map_or("", |o| o.name),
        }
    }

    /// Every surface form the gazetteer lists for an entry.
    pub(super) fn forms(&self, t: Target) -> Vec<&'static str> {
        match t {
            Target::Place(i) => gz::places().get(i).map(|p| p.forms().collect()),
            Target::Org(i) => gz::orgs().get(i).map(|o| o.forms().collect()),
        }
        .unwrap_or_default()
    }

    pub(super) fn is_title(&self, word: &str) -> bool {
        let w = word.trim_end_matches('.');
        self.titles.contains(&w.to_lowercase())
    }
}

pub(super) fn lexicon() -> &'static Lexicon {
    pub(super) static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::build)
}
