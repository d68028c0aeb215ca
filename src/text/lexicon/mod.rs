//! The words the text rules know, kept as data apart from the rules that use them.
//!
//! Each list is one file in `src/text/lexicon/`, one entry per line, sorted (byte order) and
//! without repeats; lines starting with `#` say what the list is for. The gazetteer of places
//! and organisations is two tab-separated tables beside them ([`gazetteer`]). The files are
//! compiled in (`include_str!`) and a test checks every one of them, so a list can be read,
//! diffed and extended without reading Rust.
//!
//! ```
//! use stance::text::lexicon::SPEECH_VERBS;
//! assert!(SPEECH_VERBS.contains("said"));
//! assert!(!SPEECH_VERBS.contains("Said"), "entries are matched as written");
//! ```

pub mod gazetteer;

use std::collections::HashSet;
use std::sync::LazyLock;

/// One word list: its entries in file order and a set for lookups.
#[derive(Debug)]
pub struct WordList {
    entries: Vec<&'static str>,
    set: HashSet<&'static str>,
}

impl WordList {
    /// Reads a list file: every line that is neither empty nor a `#` comment is an entry.
    pub fn parse(text: &'static str) -> WordList {
        let entries: Vec<&'static str> = entry_lines(text).collect();
        let set = entries.iter().copied().collect();
        WordList { entries, set }
    }

    /// Whether `word` is an entry, exactly as written.
    pub fn contains(&self, word: &str) -> bool {
        self.set.contains(word)
    }

    /// The entries, sorted.
    pub fn entries(&self) -> &[&'static str] {
        &self.entries
    }
}

/// The lines of a lexicon file that hold entries.
fn entry_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

macro_rules! word_lists {
    ($($(#[$doc:meta])* $name:ident => $file:literal,)*) => {
        $(
            $(#[$doc])*
            pub static $name: LazyLock<WordList> =
                LazyLock::new(|| WordList::parse(include_str!($file)));
        )*
        /// Every word list file, by name, with its text: what the lexicon test checks.
        #[cfg(test)]
        const LIST_FILES: &[(&str, &str)] = &[$(($file, include_str!($file))),*];
    };
}

word_lists! {
    // Sentences.
    /// Lower-case words after which a period does not end a sentence.
    ABBREVIATIONS => "abbreviations.txt",

    // Actor discovery: names, titles and organisations.
    /// Titles and roles that introduce a person's name ("President", "Sen.").
    TITLES => "titles.txt",
    /// Titles that speak for a state ("Turkish President ...").
    EXECUTIVE_TITLES => "executive_titles.txt",
    /// Portfolio words between a title and a name ("Secretary of State ...").
    PORTFOLIOS => "portfolios.txt",
    /// Capitalised words that mark an organisation when they head a name ("... Party").
    ORGANISATION_SIGNALS => "organisation_signals.txt",
    /// Lower-case nouns for organisations and bodies ("the central bank's governor").
    ORGANISATION_NOUNS => "organisation_nouns.txt",
    /// Signal words that are party names on their own ("the Greens").
    PARTY_NICKNAMES => "party_nicknames.txt",
    /// Heads that make a country-prefixed body part of its government ("U.S. Treasury").
    GOVERNMENT_HEADS => "government_heads.txt",
    /// Lower-case nouns after a demonym or possessive that make it an actor ("Turkish officials").
    ACTOR_NOUNS => "actor_nouns.txt",
    /// Lower-case modifiers between a demonym and its actor noun ("Iraqi central government").
    ACTOR_MODIFIERS => "actor_modifiers.txt",
    /// Words before a capital that make it a place rather than an actor ("in Brasilia").
    LOCATIVES => "locatives.txt",
    /// Lower-case nouns after a capital that make it a modifier ("Astana talks").
    CAPITAL_MODIFIED_NOUNS => "capital_modified_nouns.txt",
    /// Words that make a capitalised phrase a place or an event ("Pacific Ocean").
    PLACE_SIGNALS => "place_signals.txt",
    /// Places that are never actors by themselves (continents, seas, broad regions).
    NON_ACTOR_PLACES => "non_actor_places.txt",
    /// All-capital tokens that are not actors (units, currencies, news agencies).
    NON_ACTOR_ACRONYMS => "non_actor_acronyms.txt",
    /// Particles inside a person's name ("bin", "al-", "van").
    NAME_PARTICLES => "name_particles.txt",
    /// Abbreviations written with a dot that do not end a sentence.
    DOTTED_ABBREVIATIONS => "dotted_abbreviations.txt",
    /// Month abbreviations, months only before a day number or with a dot ("Jan 4").
    MONTH_ABBREVIATIONS => "month_abbreviations.txt",
    /// Modifiers that keep a person out of the body they are attached to ("former").
    NO_MERGE_MODIFIERS => "no_merge_modifiers.txt",
    /// Capitalised words that never belong to an actor name (sentence openers, months).
    STOP_WORDS => "stop_words.txt",
    /// Capitalised common nouns that open sentences as subjects ("Officials said").
    COMMON_SUBJECTS => "common_subjects.txt",
    /// Words where a backward search for a speaker's affiliation stops.
    AFFILIATION_STOPS => "affiliation_stops.txt",

    // Verbs.
    /// Other verbs whose subject is an actor (speech and stances the holders do not read yet,
    /// actions); discovery reads all three verb lists.
    ACTOR_VERBS => "actor_verbs.txt",
    /// Verbs that make an appositive name the speaker ("the association, TUSIAD, welcomed").
    APPOSITIVE_SPEECH_VERBS => "appositive_speech_verbs.txt",
    /// Auxiliaries and adverbs between a subject and its speech verb.
    VERB_FILLERS => "verb_fillers.txt",
    /// Verbs that attribute speech: their subject holds the sentence's view.
    SPEECH_VERBS => "speech_verbs.txt",
    /// Verbs that express a position: their subject (or agent) holds the sentence's view.
    STANCE_VERBS => "stance_verbs.txt",
    /// Forms of "to be" that make a following participle passive ("is rejected by").
    BE_FORMS => "be_forms.txt",

    // Holders and contexts.
    /// Words that alone name nobody: a holder needs another word.
    FUNCTION_WORDS => "function_words.txt",
    /// Pronouns that stand for a holder named earlier.
    PRONOUNS => "pronouns.txt",
    /// Words that open an introductory phrase rather than a subject ("In London, ...").
    INTRODUCTORY_WORDS => "introductory_words.txt",
    /// Titles, which end no surname ("Eurogroup President").
    MENTION_TITLE_WORDS => "mention_title_words.txt",
    /// Words before a name that make it a preposition's object rather than a subject.
    PREPOSITIONS => "prepositions.txt",
    /// Words before a name that make it a place ("in northern Iraq").
    PLACE_PREPOSITIONS => "place_prepositions.txt",
    /// Words between a place preposition and the name ("northern").
    PLACE_MODIFIERS => "place_modifiers.txt",
    /// Words of a topic too common to show that a sentence is about it.
    TOPIC_STOP_WORDS => "topic_stop_words.txt",
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file's entries are sorted, unique and free of stray spaces, and every file says
    /// what it is for.
    fn check_sorted_unique(file: &str, keys: &[&str]) {
        for pair in keys.windows(2) {
            assert!(
                pair[0] < pair[1],
                "{file}: `{}` before `{}` (entries sorted, each once)",
                pair[0],
                pair[1]
            );
        }
        for key in keys {
            assert_eq!(key.trim(), *key, "{file}: `{key}` has surrounding spaces");
        }
    }

    #[test]
    fn every_word_list_is_sorted_unique_and_described() {
        assert!(LIST_FILES.len() >= 30);
        for (file, text) in LIST_FILES {
            assert!(text.starts_with("# "), "{file}: no description");
            let entries: Vec<&str> = entry_lines(text).collect();
            assert!(!entries.is_empty(), "{file}: empty");
            check_sorted_unique(file, &entries);
        }
    }

    #[test]
    fn gazetteer_tables_are_sorted_unique_and_described() {
        for (file, text) in gazetteer::TABLE_FILES {
            assert!(text.starts_with("# "), "{file}: no description");
            let names: Vec<&str> = gazetteer::table_names(file, text);
            check_sorted_unique(file, &names);
        }
    }

    #[test]
    fn the_verb_lists_share_no_verb_and_appositive_verbs_are_among_them() {
        for verb in SPEECH_VERBS.entries() {
            assert!(!STANCE_VERBS.contains(verb), "{verb}: speech and stance");
            assert!(!ACTOR_VERBS.contains(verb), "{verb}: speech and actor");
        }
        for verb in STANCE_VERBS.entries() {
            assert!(!ACTOR_VERBS.contains(verb), "{verb}: stance and actor");
        }
        for verb in APPOSITIVE_SPEECH_VERBS.entries() {
            assert!(
                SPEECH_VERBS.contains(verb)
                    || STANCE_VERBS.contains(verb)
                    || ACTOR_VERBS.contains(verb),
                "{verb}: appositive but in no verb list"
            );
        }
    }

    #[test]
    fn lists_are_read_as_written() {
        assert!(ABBREVIATIONS.contains("mr"));
        assert!(TITLES.contains("President"));
        assert!(!TITLES.contains("president"));
        assert_eq!(PRONOUNS.entries().len(), PRONOUNS.set.len());
    }
}
