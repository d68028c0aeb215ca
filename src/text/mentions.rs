//! The ways an article refers to one actor: its name, aliases, surname and acronym as whole
//! words ([`ActorMentions`]), the aliases the gazetteer adds for a user-given name, and the
//! marks (« Erdogan ») that show a model whose stance is asked.

use super::lexicon::{MENTION_TITLE_WORDS, ORGANISATION_NOUNS};

/// The ways an article may refer to one actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorMentions {
    patterns: Vec<String>,
}

impl ActorMentions {
    /// Patterns for `name` and `aliases`, plus derived ones: the name without a leading "the",
    /// the parts of "Full Name (ACRONYM)", and a person's surname.
    ///
    /// ```
    /// use stance::text::mentions::ActorMentions;
    /// let krg = ActorMentions::new("the Kurdistan Regional Government (KRG)", &[]);
    /// assert!(krg.occurs_in("Kurdistan Regional Government officials said"));
    /// assert!(krg.occurs_in("the KRG-controlled area"));
    /// // Short all-capital forms match with their case only: "us" is not the US.
    /// let us = ActorMentions::new("United States", &["US".to_string()]);
    /// assert!(!us.occurs_in("He told us so."));
    /// // A person is found by surname too; an organisation's last word is no surname.
    /// assert!(ActorMentions::new("Recep Tayyip Erdogan", &[]).occurs_in("Erdogan said"));
    /// assert!(!ActorMentions::new("Gatwick Airport", &[]).occurs_in("Heathrow Airport said"));
    /// ```
    pub fn new(name: &str, aliases: &[String]) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut add = |p: &str| {
            let p = p.trim();
            if p.chars().count() >= 2 && !patterns.iter().any(|q| q == p) {
                patterns.push(p.to_string());
            }
        };
        for raw in std::iter::once(name).chain(aliases.iter().map(String::as_str)) {
            add(raw);
            let (full, acronym) = split_acronym(raw);
            add(full);
            if let Some(acronym) = acronym {
                add(acronym);
            }
            let bare = full
                .strip_prefix("the ")
                .or_else(|| full.strip_prefix("The "))
                .unwrap_or(full);
            add(bare);
            if let Some(surname) = surname(bare) {
                add(surname);
            }
        }
        ActorMentions { patterns }
    }

    /// The patterns, longest first.
    pub fn patterns(&self) -> Vec<&str> {
        let mut patterns: Vec<&str> = self.patterns.iter().map(String::as_str).collect();
        patterns.sort_by_key(|p| std::cmp::Reverse(p.len()));
        patterns
    }

    /// Whether `text` mentions the actor.
    pub fn occurs_in(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        self.patterns
            .iter()
            .any(|p| find_word(text, &lower, p).is_some())
    }
}

/// "Kurdish Regional Government (KRG)" → ("Kurdish Regional Government", Some("KRG")).
fn split_acronym(name: &str) -> (&str, Option<&str>) {
    if let (Some(open), true) = (name.rfind('('), name.trim_end().ends_with(')')) {
        let inner = name[open + 1..name.trim_end().len() - 1].trim();
        return (name[..open].trim(), (!inner.is_empty()).then_some(inner));
    }
    (name, None)
}

/// The last word of a person's name ("Recep Tayyip Erdogan" → "Erdogan"); `None` for single
/// words, lowercase phrases and organisations.
fn surname(name: &str) -> Option<&str> {
    let words: Vec<&str> = name.split_whitespace().collect();
    if !(2..=4).contains(&words.len()) {
        return None;
    }
    let capitalised = words
        .iter()
        .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    let organisation = words.iter().any(|w| {
        let w = w.to_lowercase();
        ORGANISATION_NOUNS.contains(w.as_str()) || MENTION_TITLE_WORDS.contains(w.as_str())
    });
    let last = *words.last()?;
    (capitalised && !organisation && last.chars().count() >= 3).then_some(last)
}

/// `aliases` plus the forms the gazetteer knows for `name` and each alias that occur in `text`
/// ("Turkey" → "Ankara", "Turkish"; "Recep Tayyip Erdogan" → "Erdogan"), without duplicates.
/// Training, evaluation and prediction all find an actor's mentions through this.
pub fn with_known_aliases(name: &str, aliases: &[String], text: &str) -> Vec<String> {
    let mut merged: Vec<String> = aliases.to_vec();
    for alias in std::iter::once(name)
        .chain(aliases.iter().map(String::as_str))
        .flat_map(|n| super::discovery::known_aliases(n, text))
    {
        if alias != name && !merged.contains(&alias) {
            merged.push(alias);
        }
    }
    // A name the article words differently ("Iraqi central government" for "the central Iraqi
    // government") falls back on its proper-noun words and what the gazetteer knows of them.
    if !ActorMentions::new(name, &merged).occurs_in(text) {
        let lower = text.to_lowercase();
        for word in name.split_whitespace() {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            let proper = word.chars().next().is_some_and(char::is_uppercase)
                && word.chars().count() >= 4
                && !ORGANISATION_NOUNS.contains(word.to_lowercase().as_str());
            if !proper {
                continue;
            }
            let found = find_word(text, &lower, word).map(|_| word.to_string());
            for alias in found
                .into_iter()
                .chain(super::discovery::known_aliases(word, text))
            {
                if alias != name && !merged.contains(&alias) {
                    merged.push(alias);
                }
            }
        }
    }
    merged
}

/// Opening and closing marks put around an actor's mentions in its context when the model marks
/// actors ([`crate::model::config::StanceSettings::mark_actor`]): the encoder then sees which
/// name in a sentence the question is about. Guillemets are single WordPiece tokens that plain
/// news text rarely uses.
pub const ACTOR_MARKS: (&str, &str) = ("«", "»");

impl ActorMentions {
    /// Byte ranges of every mention in `text`, longest pattern first, without overlaps, in order.
    pub fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        let lower = text.to_lowercase();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for pattern in self.patterns() {
            let mut from = 0;
            while from < text.len() {
                let Some(at) = find_word(&text[from..], lower_tail(&lower, text, from), pattern)
                else {
                    break;
                };
                let start = from + at;
                let end = start + pattern.len();
                if !spans.iter().any(|&(s, e)| start < e && s < end) && text.is_char_boundary(end) {
                    spans.push((start, end));
                }
                from = end;
                while from < text.len() && !text.is_char_boundary(from) {
                    from += 1;
                }
            }
        }
        spans.sort_unstable();
        spans
    }

    /// `text` with every mention wrapped in [`ACTOR_MARKS`].
    pub fn mark(&self, text: &str) -> String {
        let (open, close) = ACTOR_MARKS;
        let mut marked = String::with_capacity(text.len() + 16);
        let mut last = 0;
        for (start, end) in self.spans(text) {
            marked.push_str(&text[last..start]);
            marked.push_str(open);
            marked.push(' ');
            marked.push_str(&text[start..end]);
            marked.push(' ');
            marked.push_str(close);
            last = end;
        }
        marked.push_str(&text[last..]);
        marked
    }
}

/// `text` with the mentions of `actor` (by name and the aliases the gazetteer knows) marked: the
/// context of an example-level record, read the way article contexts are.
pub fn mark_actor_mentions(actor: &str, text: &str) -> String {
    let aliases = with_known_aliases(actor, &[], text);
    ActorMentions::new(actor, &aliases).mark(text)
}

/// The forms of `actor` that [`mark_actor_mentions`] marks in `text`, as written there, each
/// once, in order of first occurrence: with them, `text` can be marked the same way elsewhere
/// (`stance classify --show-input`, the Python lines in the README).
pub fn actor_mention_forms(actor: &str, text: &str) -> Vec<String> {
    let aliases = with_known_aliases(actor, &[], text);
    let mut forms: Vec<String> = Vec::new();
    for (start, end) in ActorMentions::new(actor, &aliases).spans(text) {
        let form = &text[start..end];
        if !forms.iter().any(|f| f == form) {
            forms.push(form.to_string());
        }
    }
    forms
}

/// The lowercased text from byte `from` on, or the original text when lowercasing changed byte
/// offsets (then [`find_word`] falls back on exact case anyway).
fn lower_tail<'a>(lower: &'a str, text: &'a str, from: usize) -> &'a str {
    if lower.len() == text.len() && lower.is_char_boundary(from) {
        &lower[from..]
    } else {
        &text[from..]
    }
}

/// Byte offset of `pattern` in `text` as a whole word. Short all-caps patterns ("US", "KRG")
/// match case-sensitively; others ignore case (`lower` is `text` lowercased).
pub fn find_word(text: &str, lower: &str, pattern: &str) -> Option<usize> {
    let exact_case = pattern.len() <= 4 && pattern.chars().all(|c| !c.is_lowercase());
    let (haystack, needle) = if exact_case {
        (text, pattern.to_string())
    } else {
        (lower, pattern.to_lowercase())
    };
    // Lowercasing can change byte lengths for some scripts; then fall back to exact case.
    let haystack = if haystack.len() == text.len() {
        haystack
    } else {
        text
    };
    let mut from = 0;
    while let Some(found) = haystack[from..].find(&needle) {
        let at = from + found;
        let end = at + needle.len();
        let before_ok = haystack[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = haystack[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return Some(at);
        }
        from = at + needle.len().max(1);
        while !haystack.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_aliases_are_merged_and_reworded_names_fall_back_on_their_words() {
        let text = "Ankara rejected it. He backed the central Iraqi government. Iraq agreed.";
        let turkey = with_known_aliases("Turkey", &[], text);
        assert!(turkey.contains(&"Ankara".to_string()), "{turkey:?}");
        let iraq = with_known_aliases("Iraqi central government", &[], text);
        assert!(iraq.contains(&"Iraqi".to_string()), "{iraq:?}");
        let mentions = ActorMentions::new("Iraqi central government", &iraq);
        assert!(mentions.occurs_in("He backed the central Iraqi government."));
        // A name the text uses as it is gets no word-level fallback.
        let krg = with_known_aliases(
            "Kurdish Regional Government",
            &[],
            "The Kurdish Regional Government voted. Kurdish songs.",
        );
        assert!(!krg.contains(&"Kurdish".to_string()), "{krg:?}");
    }

    #[test]
    fn marks_wrap_every_mention_once_longest_first() {
        let erdogan = ActorMentions::new("Recep Tayyip Erdogan", &["Ankara".to_string()]);
        assert_eq!(
            erdogan.mark("Recep Tayyip Erdogan met Rouhani; Erdogan said Ankara's view is firm."),
            "« Recep Tayyip Erdogan » met Rouhani; « Erdogan » said « Ankara »'s view is firm."
        );
        assert_eq!(erdogan.mark("No mention here."), "No mention here.");
        let krg = ActorMentions::new("Kurdish Regional Government (KRG)", &[]);
        assert_eq!(
            krg.mark("the KRG-controlled land, said the Kurdish Regional Government (KRG)."),
            "the « KRG »-controlled land, said the « Kurdish Regional Government (KRG) »."
        );
        // Non-ASCII text before a mention keeps byte offsets right.
        assert_eq!(
            mark_actor_mentions("Iran", "Über Tehran, Iran’s view"),
            "Über « Tehran », « Iran »’s view"
        );
    }

    #[test]
    fn derived_patterns_cover_surnames_and_acronyms() {
        let erdogan = ActorMentions::new("Recep Tayyip Erdogan", &[]);
        assert!(erdogan.occurs_in("Speaking in Ankara, Erdogan's aide said no."));
        let krg = ActorMentions::new("Kurdish Regional Government (KRG)", &[]);
        assert!(krg.occurs_in("the KRG-controlled territory"));
        assert!(krg.occurs_in("The Kurdish Regional Government held it."));
        assert!(!krg.occurs_in("the krg is lowercase here"));
        // Organisations and titles get no "surname".
        assert!(!ActorMentions::new("Gatwick Airport", &[]).occurs_in("Heathrow Airport said"));
        assert!(!ActorMentions::new("Eurogroup President", &[]).occurs_in("the President said"));
        let commission = ActorMentions::new("the European Commission", &[]);
        assert!(!commission.occurs_in("a commission of inquiry"));
        assert!(commission.occurs_in("European Commission officials"));
        let us = ActorMentions::new("United States", &["US".to_string()]);
        assert!(!us.occurs_in("He told us so."));
        assert!(us.occurs_in("The US disagreed."));
    }
}
