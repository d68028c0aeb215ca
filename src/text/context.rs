//! The context of one actor in an article, within a length budget: the sentences that mention
//! it ([`super::mentions`]) or that it holds ([`super::holders`]: its quotes, reported speech
//! and pronoun follow-ups), what the actor itself says or does before what others say about it.
//! (Contexts by mentions alone, which models before speaker-aware contexts read, are no longer
//! built: such a model folder is refused when it is loaded.)

use super::holders::Holders;
use super::lexicon::{PLACE_MODIFIERS, PLACE_PREPOSITIONS, PREPOSITIONS, TOPIC_STOP_WORDS};
use super::mentions::ActorMentions;
use super::sentences::Sentence;

/// The context chosen for one actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorContext {
    /// Indices of the chosen sentences, in article order.
    pub sentence_indices: Vec<usize>,
    /// The chosen sentences joined with spaces.
    pub text: String,
    /// Whether any sentence mentions the actor (otherwise the context is the article's lead).
    pub mentioned: bool,
    /// Whether any chosen sentence (or the quotation it is part of) has a word of the topic.
    pub on_topic: bool,
    /// When the context is one sentence longer than the budget (text without sentence ends),
    /// the bytes of it that are kept: its start, cut at a word boundary within the budget.
    pub clipped: Option<usize>,
}

impl ActorContext {
    /// The part of sentence `index` that the context holds: the whole sentence, or its start
    /// when [`ActorContext::clipped`].
    pub fn sentence_text<'s>(&self, sentences: &[Sentence<'s>], index: usize) -> &'s str {
        let text = sentences[index].text;
        match self.clipped {
            Some(end) if end < text.len() => &text[..end],
            _ => text,
        }
    }

    /// The context as the model reads it: with the actor's mentions marked when `mark_actor`
    /// (see [`super::mentions::ACTOR_MARKS`]), as chosen otherwise.
    pub fn model_text(
        &self,
        sentences: &[Sentence],
        mentions: &ActorMentions,
        mark_actor: bool,
    ) -> String {
        if !mark_actor {
            return self.text.clone();
        }
        self.sentence_indices
            .iter()
            .map(|&i| mentions.mark(self.sentence_text(sentences, i)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How an actor's context is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextPolicy {
    /// Characters of context at most, in whole sentences (the first chosen one always fits).
    pub budget_chars: usize,
}

/// The context of an actor by what it holds: sentences whose holder is the actor (its quotes,
/// reported speech, pronoun follow-ups, its stance verbs) and sentences that mention it without
/// anyone holding them come first, those on the topic before the rest; sentences in which
/// another holder talks about the actor ("Rouhani denounced the KRG's move") are left out unless
/// nothing of the actor's own touches the topic. Mentions that only place something ("in
/// northern Iraq") do not count when the actor is mentioned otherwise too.
pub fn actor_context(
    sentences: &[Sentence],
    holders: &Holders,
    mentions: &ActorMentions,
    topic: &str,
    policy: ContextPolicy,
) -> ActorContext {
    let budget_chars = policy.budget_chars;
    let holds = |i: usize| {
        holders
            .of(i)
            .is_some_and(|h| mentions.occurs_in(h.text(sentences)))
    };
    let mentioning: Vec<usize> = (0..sentences.len())
        .filter(|&i| mentions.occurs_in(sentences[i].text))
        .collect();
    let acting: Vec<usize> = mentioning
        .iter()
        .copied()
        .filter(|&i| !only_as_place(sentences[i].text, mentions))
        .collect();
    let mentioning = if acting.is_empty() {
        mentioning
    } else {
        acting
    };
    let held: Vec<usize> = (0..sentences.len()).filter(|&i| holds(i)).collect();
    if mentioning.is_empty() && held.is_empty() {
        let mut lead = choose(
            sentences,
            (0..sentences.len()).collect(),
            budget_chars,
            false,
        );
        lead.on_topic = any_touches_topic(sentences, &lead.sentence_indices, topic);
        return lead;
    }
    let mut own: Vec<usize> = held;
    let mut reported: Vec<usize> = Vec::new();
    for i in mentioning {
        if own.contains(&i) {
            continue;
        }
        let someone_else = holders.of(i).is_some();
        let subject = holders
            .verb_offset(i)
            .is_some_and(|verb| is_subject_before(sentences[i].text, mentions, verb));
        if someone_else && !subject {
            reported.push(i);
        } else {
            own.push(i);
        }
    }
    // The actor's own name in the topic ("talks with Ukraine") does not make a sentence about it.
    let keys: Vec<String> = topic_keys(topic)
        .into_iter()
        .filter(|key| {
            !mentions.patterns().iter().any(|p| {
                p.to_lowercase()
                    .split_whitespace()
                    .any(|w| w.starts_with(key.as_str()))
            })
        })
        .collect();
    // A quotation is one statement: on the topic if any of its sentences is.
    let touches = |i: &usize| {
        let (first, last) = holders.quote_of(*i).unwrap_or((*i, *i));
        (first..=last).any(|j| touches_topic(sentences[j].text, &keys))
    };
    let (own_on_topic, own_other): (Vec<usize>, Vec<usize>) = own.into_iter().partition(touches);
    let (reported_on_topic, reported_other): (Vec<usize>, Vec<usize>) =
        reported.into_iter().partition(touches);
    let candidates: Vec<usize> = if own_on_topic.is_empty() {
        reported_on_topic
            .into_iter()
            .chain(own_other)
            .chain(reported_other)
            .collect()
    } else {
        own_on_topic.into_iter().chain(own_other).collect()
    };
    let mut context = choose(sentences, candidates, budget_chars, true);
    context.on_topic = context.sentence_indices.iter().any(touches);
    context
}

/// Whether the actor is named before byte `verb` of `sentence` and not as the object of a
/// preposition ("The bank decided …, though it stressed …", not "Speaking with Rouhani, …").
fn is_subject_before(sentence: &str, mentions: &ActorMentions, verb: usize) -> bool {
    mentions
        .spans(sentence)
        .iter()
        .take_while(|&&(start, _)| start < verb)
        .any(|&(start, _)| {
            let before =
                words_before(sentence, start).find(|w| !matches!(w.as_str(), "the" | "a" | "an"));
            !before.is_some_and(|w| PREPOSITIONS.contains(w.as_str()))
        })
}

/// Whether every mention of the actor in `sentence` only places something ("in northern Iraq").
fn only_as_place(sentence: &str, mentions: &ActorMentions) -> bool {
    let spans = mentions.spans(sentence);
    !spans.is_empty()
        && spans.iter().all(|&(start, _)| {
            let mut before = words_before(sentence, start);
            let mut word = before.next();
            while word.as_deref().is_some_and(|w| PLACE_MODIFIERS.contains(w)) {
                word = before.next();
            }
            word.as_deref()
                .is_some_and(|w| PLACE_PREPOSITIONS.contains(w))
        })
}

/// The words of `sentence` before byte `at`, nearest first, lowercased.
fn words_before(sentence: &str, at: usize) -> impl Iterator<Item = String> + '_ {
    sentence[..at]
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .rev()
        .map(str::to_lowercase)
}

/// Takes `candidates` in order while they fit `budget_chars`, then puts them in article order.
fn choose(
    sentences: &[Sentence],
    candidates: Vec<usize>,
    budget_chars: usize,
    mentioned: bool,
) -> ActorContext {
    let mut chosen = Vec::new();
    let mut used = 0;
    for index in candidates {
        if chosen.contains(&index) {
            continue;
        }
        let length = sentences[index].text.len() + 1;
        if used + length > budget_chars && !chosen.is_empty() {
            continue;
        }
        used += length;
        chosen.push(index);
    }
    chosen.sort_unstable();
    let clipped = match chosen.as_slice() {
        [only] if sentences[*only].text.len() > budget_chars => {
            Some(clip_point(sentences[*only].text, budget_chars))
        }
        _ => None,
    };
    let mut context = ActorContext {
        sentence_indices: chosen,
        text: String::new(),
        mentioned,
        on_topic: false,
        clipped,
    };
    context.text = context
        .sentence_indices
        .iter()
        .map(|&i| context.sentence_text(sentences, i))
        .collect::<Vec<_>>()
        .join(" ");
    context
}

/// Where to cut `text` so that at most `budget` bytes remain: at the last space in the budget's
/// final fifth, else at the last character boundary within it (at least one character).
fn clip_point(text: &str, budget: usize) -> usize {
    let mut end = budget.min(text.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    if end == 0 {
        return text.chars().next().map_or(0, char::len_utf8);
    }
    match text[..end].rfind(char::is_whitespace) {
        Some(space) if space > 0 && space >= end - end / 5 => space,
        _ => end,
    }
}

/// Whether any of the sentences at `indices` has a word of `topic`.
fn any_touches_topic(sentences: &[Sentence], indices: &[usize], topic: &str) -> bool {
    let keys = topic_keys(topic);
    indices
        .iter()
        .any(|&i| touches_topic(sentences[i].text, &keys))
}

/// Stems (first 5 letters) of the topic's content words: "independence referendum" matches
/// "referendums" and "independent".
fn topic_keys(topic: &str) -> Vec<String> {
    topic
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !TOPIC_STOP_WORDS.contains(w.as_str()))
        .map(|w| w.chars().take(5).collect())
        .collect()
}

fn touches_topic(sentence: &str, keys: &[String]) -> bool {
    !keys.is_empty()
        && sentence.split(|c: char| !c.is_alphanumeric()).any(|word| {
            let word = word.to_lowercase();
            keys.iter().any(|k| word.starts_with(k.as_str()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The context within `budget_chars`.
    fn within(
        sentences: &[Sentence],
        mentions: &ActorMentions,
        topic: &str,
        budget_chars: usize,
    ) -> ActorContext {
        let policy = ContextPolicy { budget_chars };
        actor_context(
            sentences,
            &Holders::find(sentences),
            mentions,
            topic,
            policy,
        )
    }

    /// The speaker-aware context with an unlimited budget.
    fn aware(text: &str, name: &str, aliases: &[&str], topic: &str) -> Vec<String> {
        let sentences = split_sentences(text);
        let holders = Holders::find(&sentences);
        let aliases: Vec<String> = aliases.iter().map(|a| a.to_string()).collect();
        let policy = ContextPolicy {
            budget_chars: 10_000,
        };
        let mentions = ActorMentions::new(name, &aliases);
        let context = actor_context(&sentences, &holders, &mentions, topic, policy);
        context
            .sentence_indices
            .iter()
            .map(|&i| sentences[i].text.to_string())
            .collect()
    }

    #[test]
    fn an_actor_talked_about_by_others_keeps_its_own_sentences() {
        let text = "The referendum was held by the Kurdish Regional Government (KRG). \
                    Both countries opposed the referendum and the KRG-controlled territory. \
                    For his part, Rouhani underlined co-operation. \
                    He also said Tehran denounced the KRG's referendum move.";
        let krg = aware(
            text,
            "Kurdish Regional Government (KRG)",
            &[],
            "the referendum",
        );
        assert_eq!(
            krg,
            ["The referendum was held by the Kurdish Regional Government (KRG)."]
        );
        // Rouhani holds the last sentence through "He"; his off-topic sentence comes too.
        let rouhani = aware(text, "Hassan Rouhani", &["Tehran"], "the referendum");
        assert_eq!(rouhani.len(), 2, "{rouhani:?}");
        assert!(rouhani[1].starts_with("He also said"), "{rouhani:?}");
    }

    #[test]
    fn a_subject_keeps_its_sentence_whoever_the_verb_points_at() {
        let text = "FRANKFURT, Oct 18 (wire) - The European Central Bank decided to move to the \
                    next phase of the digital euro, though it stressed that nothing was decided. \
                    Speaking with the ECB, the minister said the digital euro was welcome.";
        let ecb = aware(
            text,
            "the European Central Bank",
            &["ECB"],
            "the digital euro",
        );
        assert_eq!(ecb.len(), 1, "{ecb:?}");
        assert!(ecb[0].starts_with("FRANKFURT"), "{ecb:?}");
    }

    #[test]
    fn others_views_are_the_fallback_and_places_do_not_count() {
        // Iraq only acts through what Rouhani says of it; "in northern Iraq" just places the vote.
        let text = "The vote in northern Iraq was held by the KRG. \
                    Rouhani said Tehran would back steps taken by the Iraqi government against \
                    the vote.";
        let iraq = aware(text, "Iraq", &["Iraqi"], "the vote");
        assert_eq!(iraq.len(), 1, "{iraq:?}");
        assert!(iraq[0].starts_with("Rouhani said"), "{iraq:?}");
        // Mentioned only as a place: those mentions are all there is.
        let place = aware("Talks took place in Iraq.", "Iraq", &[], "the vote");
        assert_eq!(place, ["Talks took place in Iraq."]);
        // Never mentioned: the article's lead.
        let absent = aware("First. Second.", "Chile", &[], "the vote");
        assert_eq!(absent, ["First.", "Second."]);
    }

    #[test]
    fn sentences_on_the_topic_win_the_budget() {
        let text = "Erdogan met Rouhani in Tehran. Erdogan praised the weather and the food. \
                    Erdogan said the referendum was illegitimate.";
        let sentences = split_sentences(text);
        let mentions = ActorMentions::new("Erdogan", &[]);
        let context = within(&sentences, &mentions, "the independence referendum", 50);
        assert_eq!(context.sentence_indices, [2], "{}", context.text);
        // Without a topic, what Erdogan does himself ("praised") wins over a bare mention.
        let no_topic = within(&sentences, &mentions, "", 50);
        assert_eq!(no_topic.sentence_indices, [1]);
    }

    #[test]
    fn a_quote_spanning_sentences_belongs_to_its_speaker() {
        let text = "Talks went on. \"We reject it. It is a plot. We will act,\" said Rouhani. Others left. \u{201c}Fine. Good,\u{201d} Erdogan said.";
        let sentences = split_sentences(text);
        let rouhani = within(
            &sentences,
            &ActorMentions::new("Hassan Rouhani", &[]),
            "",
            1000,
        );
        assert!(
            rouhani.text.starts_with("\"We reject it."),
            "{}",
            rouhani.text
        );
        assert!(!rouhani.text.contains("Talks"), "{}", rouhani.text);
        let erdogan = within(&sentences, &ActorMentions::new("Erdogan", &[]), "", 1000);
        assert!(
            erdogan.text.starts_with("\u{201c}Fine."),
            "{}",
            erdogan.text
        );
    }
    use crate::text::sentences::split_sentences;

    #[test]
    fn a_quote_belongs_to_its_speaker_not_to_those_it_names() {
        let text =
            "Talks went on. \"We reject the vote. Turkey and Iran must act,\" said Rouhani. \
                    \"No one recognises you. It is illegitimate,\" said Erdogan.";
        let sentences = split_sentences(text);
        let turkey = within(
            &sentences,
            &ActorMentions::new("Turkey", &[]),
            "the vote",
            1000,
        );
        // Turkey is named inside Rouhani's quote: that sentence is a mention, the rest of the
        // quote is not Turkey's.
        assert!(!turkey.text.contains("We reject"), "{}", turkey.text);
        // A quote is one statement: its sentences without a topic word ride with the one that
        // has it, ahead of the speaker's other, off-topic sentences.
        let text = "Erdogan arrived in Tehran with a large delegation of ministers. \
                    \"The vote is a plot. No one recognises you. It is illegitimate,\" said Erdogan.";
        let sentences = split_sentences(text);
        let erdogan = within(
            &sentences,
            &ActorMentions::new("Erdogan", &[]),
            "the vote",
            100,
        );
        assert!(
            erdogan.text.contains("No one recognises you"),
            "{}",
            erdogan.text
        );
        assert!(!erdogan.text.contains("arrived"), "{}", erdogan.text);
    }

    #[test]
    fn context_takes_mentions_and_follow_ups_in_order() {
        let text = "Turkey's President Recep Tayyip Erdogan met Rouhani. The weather was fine. \
                    Erdogan said the vote was illegitimate. He added that Ankara would act. \
                    Markets were calm.";
        let sentences = split_sentences(text);
        let context = within(
            &sentences,
            &ActorMentions::new("Recep Tayyip Erdogan", &[]),
            "the vote",
            10_000,
        );
        assert_eq!(context.sentence_indices, [0, 2, 3]);
        assert!(context.mentioned);
        assert!(
            context.text.starts_with("Turkey's President") && context.text.ends_with("would act.")
        );

        let small = within(
            &sentences,
            &ActorMentions::new("Recep Tayyip Erdogan", &[]),
            "",
            60,
        );
        // Within a small budget, his own statement comes before the sentence that names him.
        assert_eq!(small.sentence_indices, [2]);

        let absent = within(&sentences, &ActorMentions::new("Israel", &[]), "", 60);
        assert!(!absent.mentioned);
        assert_eq!(absent.sentence_indices, [0]);
    }
}
