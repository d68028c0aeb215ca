//! Who holds the view of each sentence in an article: the speaker of a quote or of reported
//! speech (`X said`, `…," said X`, `according to X`, `He added …`), the subject of a stance verb
//! (`Both countries opposed …`) or the agent of a passive one (`… is rejected by Tehran`).
//!
//! An actor's context uses this to tell the actor's own statements from sentences in which
//! someone else talks about it: in "Rouhani denounced the KRG's referendum move" the view is
//! Rouhani's, not the KRG's. Rules over words, no parser: they aim at the attribution patterns of
//! news prose and leave a sentence without a holder when none of them applies.

use super::lexicon::{
    WordList, BE_FORMS, FUNCTION_WORDS, INTRODUCTORY_WORDS, PRONOUNS, SPEECH_VERBS, STANCE_VERBS,
};
use super::sentences::Sentence;

/// Where an article names whoever holds a sentence's view: a byte range in the text of sentence
/// `sentence` (the same sentence, or an earlier/later one for quotes and pronoun follow-ups).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    /// Index of the sentence whose text holds the name.
    pub sentence: usize,
    /// Byte offset of the name's first word in that sentence's text.
    pub start: usize,
    /// Byte offset just past the name's last word.
    pub end: usize,
}

impl Holder {
    /// The words naming the holder.
    pub fn text<'a>(&self, sentences: &[Sentence<'a>]) -> &'a str {
        &sentences[self.sentence].text[self.start..self.end]
    }
}

/// The holders of an article's sentences, and the quotes that span several sentences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holders {
    /// One entry per sentence; `None` where no rule finds a holder.
    pub by_sentence: Vec<Option<Holder>>,
    /// Inclusive ranges of sentences that form one quotation.
    pub quotes: Vec<(usize, usize)>,
    /// For each sentence that names its own holder and quotes nobody, the byte offset of the verb
    /// that attributes it: a name before it that no preposition governs is the sentence's
    /// subject ("The bank decided …, though it stressed …"), whoever the rules took as holder.
    pub verb_offsets: Vec<Option<usize>>,
}

impl Holders {
    /// Finds the holder of every sentence.
    ///
    /// ```
    /// use stance::text::holders::Holders;
    /// use stance::text::sentences::split_sentences;
    /// let text = "Rouhani denounced the KRG's move. \"It is illegal,\" the minister said. \
    ///             The talks ended.";
    /// let sentences = split_sentences(text);
    /// let holders = Holders::find(&sentences);
    /// // The subject of a stance verb holds the view, not the actor it talks about.
    /// assert_eq!(holders.of(0).unwrap().text(&sentences), "Rouhani");
    /// // A quote belongs to whoever the attribution names.
    /// assert_eq!(holders.of(1).unwrap().text(&sentences), "the minister");
    /// // Nobody holds a plain report.
    /// assert!(holders.of(2).is_none());
    /// ```
    pub fn find(sentences: &[Sentence]) -> Self {
        let scans: Vec<Scan> = {
            let mut inside = false;
            let mut open_for = 0;
            sentences
                .iter()
                .map(|sentence| {
                    // A quote left open for too long was a stray mark, not a quotation.
                    if open_for >= MAX_QUOTE_SENTENCES {
                        inside = false;
                    }
                    let scan = Scan::new(sentence.text, inside);
                    inside = scan.ends_inside;
                    open_for = if inside { open_for + 1 } else { 0 };
                    scan
                })
                .collect()
        };
        let mut by_sentence: Vec<Option<Holder>> = scans
            .iter()
            .enumerate()
            .map(|(index, scan)| {
                scan.holder.map(|found| Holder {
                    sentence: index,
                    start: found.start,
                    end: found.end,
                })
            })
            .collect();
        let verb_offsets = scans
            .iter()
            .map(|scan| scan.holder.filter(|_| !scan.quotes).map(|found| found.verb))
            .collect();

        // A quotation over several sentences is one statement: its attribution, before it opens
        // or after it closes, holds every sentence of it.
        let mut quotes = Vec::new();
        let mut index = 0;
        while index < scans.len() {
            if scans[index].starts_inside || !scans[index].ends_inside {
                index += 1;
                continue;
            }
            let first = index;
            let mut last = index + 1;
            while last < scans.len() && scans[last].starts_inside && scans[last].ends_inside {
                last += 1;
            }
            if last >= scans.len() || !scans[last].starts_inside {
                index = last;
                continue;
            }
            // Words inside a quotation never name its holder, so the attribution overrides.
            if let Some(holder) = by_sentence[last].or(by_sentence[first]) {
                by_sentence[first..=last].fill(Some(holder));
            }
            quotes.push((first, last));
            index = last + 1;
        }

        // "He said …", "They added …": the most recent named holder just before.
        for index in 0..by_sentence.len() {
            let Some(holder) = by_sentence[index] else {
                continue;
            };
            if !is_pronoun(holder.text(sentences)) {
                continue;
            }
            let antecedent = (index.saturating_sub(PRONOUN_REACH)..index)
                .rev()
                .filter_map(|j| by_sentence[j])
                .find(|h| !is_pronoun(h.text(sentences)));
            if let Some(antecedent) = antecedent {
                by_sentence[index] = Some(antecedent);
            }
        }
        Holders {
            by_sentence,
            quotes,
            verb_offsets,
        }
    }

    /// The holder of sentence `index`, if a rule found one.
    pub fn of(&self, index: usize) -> Option<Holder> {
        self.by_sentence.get(index).copied().flatten()
    }

    /// The offset of sentence `index`'s attributing verb (see [`Holders::verb_offsets`]).
    pub fn verb_offset(&self, index: usize) -> Option<usize> {
        self.verb_offsets.get(index).copied().flatten()
    }

    /// The quotation that sentence `index` is part of, if it spans sentences.
    pub fn quote_of(&self, index: usize) -> Option<(usize, usize)> {
        self.quotes
            .iter()
            .copied()
            .find(|&(first, last)| (first..=last).contains(&index))
    }
}

/// Sentences a quotation may span.
const MAX_QUOTE_SENTENCES: usize = 6;
/// Sentences back that a pronoun holder may refer to.
const PRONOUN_REACH: usize = 3;
/// Words a holder's name may have.
const MAX_HOLDER_WORDS: usize = 10;

fn is_pronoun(name: &str) -> bool {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !FUNCTION_WORDS.contains(w.as_str()))
        .collect();
    !words.is_empty() && words.iter().all(|w| PRONOUNS.contains(w.as_str()))
}

/// A word or a mark that ends a phrase (comma, quote mark, colon, bracket, dash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Word {
        start: usize,
        end: usize,
        quoted: bool,
    },
    Break(char),
}

/// A holder found in a sentence: the name's byte range and where its verb starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found {
    start: usize,
    end: usize,
    verb: usize,
}

/// One sentence read for attribution.
struct Scan {
    starts_inside: bool,
    ends_inside: bool,
    /// Whether the sentence has quotation marks.
    quotes: bool,
    holder: Option<Found>,
}

impl Scan {
    fn new(text: &str, starts_inside: bool) -> Self {
        let (items, ends_inside) = items(text, starts_inside);
        Scan {
            starts_inside,
            ends_inside,
            quotes: items
                .iter()
                .any(|i| matches!(i, Item::Break('"' | '“' | '”'))),
            holder: holder_in(text, &items),
        }
    }
}

/// The sentence's words and breaks; words inside quotation marks are flagged. Also returns
/// whether a quotation is still open at the end.
fn items(text: &str, mut inside: bool) -> (Vec<Item>, bool) {
    let mut items = Vec::new();
    let mut word_start: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Straight quotes toggle; when they are unbalanced in a sentence that starts inside a
    // quotation, the first one closes it.
    for (k, &(offset, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|&(_, c)| c);
        let inner_mark = matches!(c, '\'' | '’' | '-' | '.')
            && word_start.is_some()
            && next.is_some_and(char::is_alphanumeric);
        if c.is_alphanumeric() || inner_mark {
            word_start.get_or_insert(offset);
            continue;
        }
        if let Some(start) = word_start.take() {
            items.push(Item::Word {
                start,
                end: offset,
                quoted: inside,
            });
        }
        match c {
            '“' => {
                inside = true;
                items.push(Item::Break(c));
            }
            '”' => {
                inside = false;
                items.push(Item::Break(c));
            }
            '"' => {
                inside = !inside;
                items.push(Item::Break(c));
            }
            ',' | ';' | ':' | '(' | ')' | '[' | ']' | '—' | '–' => items.push(Item::Break(c)),
            _ => {}
        }
    }
    if let Some(start) = word_start {
        items.push(Item::Word {
            start,
            end: text.len(),
            quoted: inside,
        });
    }
    (items, inside)
}

/// The holder named in the sentence's own (unquoted) words.
fn holder_in(text: &str, items: &[Item]) -> Option<Found> {
    let lower = |item: &Item| match *item {
        Item::Word { start, end, .. } => Some(text[start..end].to_lowercase()),
        Item::Break(_) => None,
    };
    let offset = |k: usize| match items[k] {
        Item::Word { start, .. } => start,
        Item::Break(_) => 0,
    };
    let found = |k: usize, span: Option<(usize, usize)>| {
        span.map(|(start, end)| Found {
            start,
            end,
            verb: offset(k),
        })
    };
    let unquoted = |item: &Item| matches!(item, Item::Word { quoted: false, .. });
    let verb_at = |verbs: &WordList| {
        items
            .iter()
            .enumerate()
            .filter(|(_, item)| unquoted(item))
            .find(|(_, item)| lower(item).is_some_and(|w| verbs.contains(w.as_str())))
            .map(|(k, _)| k)
    };
    if let Some(k) = verb_at(&SPEECH_VERBS) {
        if lower(&items[k]).as_deref() == Some("according") {
            let to = k + 1;
            let agent = (lower(items.get(to)?).as_deref() == Some("to"))
                .then(|| phrase_after(text, items, to))
                .flatten();
            return found(k, agent);
        }
        let before = phrase_before(text, items, k);
        // "X, asked about Y, said …": the subject opens the sentence, before the aside.
        let aside = k > 0 && matches!(items[k - 1], Item::Break(',' | ')' | '—' | '–'));
        let subject = if before.is_none() && aside {
            leading_subject(text, items, k)
        } else {
            None
        };
        return found(
            k,
            before.or(subject).or_else(|| phrase_after(text, items, k)),
        );
    }
    let k = verb_at(&STANCE_VERBS)?;
    let passive = k > 0 && lower(&items[k - 1]).is_some_and(|w| BE_FORMS.contains(w.as_str()));
    let by = items[k + 1..]
        .iter()
        .take_while(|item| matches!(item, Item::Word { .. }))
        .position(|item| lower(item).as_deref() == Some("by"))
        .map(|p| k + 1 + p);
    if let Some(by) = by {
        if passive || by == k + 1 {
            if let Some(agent) = phrase_after(text, items, by) {
                return found(k, Some(agent));
            }
        }
    }
    let subject_end = if passive { k - 1 } else { k };
    found(k, phrase_before(text, items, subject_end))
}

/// The first phrase of the sentence before `items[k]` that is not introductory: the subject of
/// "X, who …, said".
fn leading_subject(text: &str, items: &[Item], k: usize) -> Option<(usize, usize)> {
    let mut phrase: Vec<(usize, usize)> = Vec::new();
    for item in &items[..k] {
        match *item {
            Item::Word {
                start,
                end,
                quoted: false,
            } => phrase.push((start, end)),
            Item::Word { quoted: true, .. } => return None,
            Item::Break(_) => {
                let introductory = phrase.first().is_some_and(|&(start, end)| {
                    INTRODUCTORY_WORDS.contains(text[start..end].to_lowercase().as_str())
                });
                if !phrase.is_empty() && !introductory && phrase.len() <= MAX_HOLDER_WORDS {
                    return span_naming_someone(text, phrase.into_iter());
                }
                phrase.clear();
            }
        }
    }
    None
}

/// The words just before `items[k]`, back to a break or the sentence start, when they name
/// someone.
fn phrase_before(text: &str, items: &[Item], k: usize) -> Option<(usize, usize)> {
    let mut words = unquoted_run(items[..k].iter().rev());
    words.reverse();
    span_naming_someone(text, words.into_iter())
}

/// The words just after `items[k]`, up to a break.
fn phrase_after(text: &str, items: &[Item], k: usize) -> Option<(usize, usize)> {
    span_naming_someone(text, unquoted_run(items[k + 1..].iter()).into_iter())
}

/// The byte ranges of the unquoted words `items` starts with, up to a break (at most
/// [`MAX_HOLDER_WORDS`]).
fn unquoted_run<'a>(items: impl Iterator<Item = &'a Item>) -> Vec<(usize, usize)> {
    items
        .map_while(|item| match *item {
            Item::Word {
                start,
                end,
                quoted: false,
            } => Some((start, end)),
            _ => None,
        })
        .take(MAX_HOLDER_WORDS)
        .collect()
}

fn span_naming_someone(
    text: &str,
    words: impl Iterator<Item = (usize, usize)>,
) -> Option<(usize, usize)> {
    let words: Vec<(usize, usize)> = words.collect();
    let names = words
        .iter()
        .any(|&(start, end)| !FUNCTION_WORDS.contains(text[start..end].to_lowercase().as_str()));
    if !names {
        return None;
    }
    Some((words.first()?.0, words.last()?.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::sentences::split_sentences;

    fn holders(text: &str) -> Vec<Option<String>> {
        let sentences = split_sentences(text);
        Holders::find(&sentences)
            .by_sentence
            .iter()
            .map(|h| h.map(|h| h.text(&sentences).to_string()))
            .collect()
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn speakers_of_reported_speech_and_quotes() {
        assert_eq!(
            holders(
                "Speaking in Tehran, Erdogan said steps would be taken. \
                 \u{201c}It is illegitimate,\u{201d} said Erdogan. \
                 The minister told reporters that talks failed. \
                 Prices rose, according to the central bank."
            ),
            [
                some("Erdogan"),
                some("Erdogan"),
                some("The minister"),
                some("the central bank")
            ]
        );
    }

    #[test]
    fn subjects_of_stance_verbs_and_passive_agents() {
        assert_eq!(
            holders(
                "Eurogroup President Pieter Claes, asked about the decision, said talks go on. \
                 In London, the Bank of England, which has its own plans, said it was watching."
            ),
            [
                some("Eurogroup President Pieter Claes"),
                some("the Bank of England")
            ]
        );
        assert_eq!(
            holders(
                "Both countries opposed the referendum. \
                 The plan is rejected by Tehran and Ankara. \
                 One of them is the referendum held by the KRG. \
                 The plan, backed by the EU, passed."
            ),
            [
                some("Both countries"),
                some("Tehran and Ankara"),
                None,
                some("the EU")
            ]
        );
    }

    #[test]
    fn pronouns_take_the_last_named_holder() {
        assert_eq!(
            holders(
                "For his part, Rouhani underlined co-operation. \
                 He also said Tehran would back the government and denounced the move. \
                 Markets were calm."
            ),
            [some("Rouhani"), some("Rouhani"), None]
        );
        // Nobody named before: the pronoun stays.
        assert_eq!(holders("He said no."), [some("He")]);
    }

    #[test]
    fn a_quotation_over_sentences_belongs_to_its_attribution() {
        let text = "Talks went on. \"We reject it. It is rejected by Ankara. We will act,\" said \
                    Rouhani. Rouhani said: \"We want peace. Turkey opposed it.\" Others left.";
        let sentences = split_sentences(text);
        let found = Holders::find(&sentences);
        let names: Vec<Option<&str>> = found
            .by_sentence
            .iter()
            .map(|h| h.map(|h| h.text(&sentences)))
            .collect();
        assert_eq!(
            names,
            [
                None,
                Some("Rouhani"),
                Some("Rouhani"),
                Some("Rouhani"),
                Some("Rouhani"),
                Some("Rouhani"),
                None
            ]
        );
        assert_eq!(found.quotes, [(1, 3), (4, 5)]);
        assert_eq!(found.quote_of(2), Some((1, 3)));
        assert_eq!(found.quote_of(6), None);
    }

    #[test]
    fn words_inside_a_quote_do_not_attribute_it() {
        assert_eq!(
            holders("\"He said nobody would come,\" the mayor said."),
            [some("the mayor")]
        );
    }
}
