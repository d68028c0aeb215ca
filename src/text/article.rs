//! One article read once: its sentences, who holds the view of each, and on top of them the
//! actors it mentions and the context of each actor. Prediction, training data and the NONE
//! labeller all start here, so an article goes through the same stages whoever asks:
//! [`super::sentences`] → [`super::holders`] →
//! [`super::mentions`] → [`super::context`]; [`super::discovery`] when the actors are not given.
//!
//! ```
//! use stance::text::article::ArticleText;
//! use stance::text::context::ContextPolicy;
//! let text = "Turkey rejected the referendum. Iran agreed with Ankara. Russia hosted talks on Syria.";
//! let article = ArticleText::new(text, ContextPolicy { budget_chars: 700 });
//! assert_eq!(article.sentences().len(), 3);
//!
//! // A given actor is found under the aliases the gazetteer knows too ("Ankara" for Turkey).
//! let turkey = article.given_actor("Turkey", &[]);
//! let context = article.context(&turkey, "the referendum");
//! assert_eq!(context.sentence_indices, [0, 1]);
//! assert_eq!(article.model_text(&context, &turkey, true),
//!            "« Turkey » rejected the referendum. Iran agreed with « Ankara ».");
//!
//! // The actors of an article that names none, most mentioned first.
//! let names: Vec<String> = article.actors().into_iter().map(|a| a.name).collect();
//! assert!(names.contains(&"Turkey".to_string()));
//! ```

use std::cell::OnceCell;

use super::context::{actor_context, ActorContext, ContextPolicy};
use super::discovery::{discover_actors, DiscoveredActor};
use super::holders::Holders;
use super::mentions::{with_known_aliases, ActorMentions};
use super::sentences::{split_sentences, Sentence};

/// An article's text with what every actor shares: its sentences, split once, and the holders
/// of their views, found the first time a context needs them.
#[derive(Debug)]
pub struct ArticleText<'t> {
    text: &'t str,
    sentences: Vec<Sentence<'t>>,
    policy: ContextPolicy,
    holders: OnceCell<Holders>,
}

impl<'t> ArticleText<'t> {
    /// Splits `text` into sentences; contexts will be chosen by `policy`.
    pub fn new(text: &'t str, policy: ContextPolicy) -> Self {
        ArticleText {
            text,
            sentences: split_sentences(text),
            policy,
            holders: OnceCell::new(),
        }
    }

    /// The whole text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The sentences, in order, with their byte ranges.
    pub fn sentences(&self) -> &[Sentence<'t>] {
        &self.sentences
    }

    /// The actors discovery finds in the text (rules only), the most mentioned first.
    pub fn actors(&self) -> Vec<DiscoveredActor> {
        discover_actors(self.text)
    }

    /// The aliases of a user-given actor: its own, then those the gazetteer knows for its name
    /// and that occur in the text ("Ankara" for "Turkey").
    pub fn known_aliases(&self, name: &str, aliases: &[String]) -> Vec<String> {
        with_known_aliases(name, aliases, self.text)
    }

    /// The mentions of a user-given actor, with [`ArticleText::known_aliases`].
    pub fn given_actor(&self, name: &str, aliases: &[String]) -> ActorMentions {
        ActorMentions::new(name, &self.known_aliases(name, aliases))
    }

    /// The mentions of an actor under exactly these names (a discovered actor's, which already
    /// hold what the article calls it).
    pub fn mentions(&self, name: &str, aliases: &[String]) -> ActorMentions {
        ActorMentions::new(name, aliases)
    }

    /// The context of the actor with `mentions`, chosen for `topic` by the article's policy.
    pub fn context(&self, mentions: &ActorMentions, topic: &str) -> ActorContext {
        let holders = self.holders.get_or_init(|| Holders::find(&self.sentences));
        actor_context(&self.sentences, holders, mentions, topic, self.policy)
    }

    /// `context` as a model reads it: the actor's mentions marked when `mark_actor`.
    pub fn model_text(
        &self,
        context: &ActorContext,
        mentions: &ActorMentions,
        mark_actor: bool,
    ) -> String {
        context.model_text(&self.sentences, mentions, mark_actor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ContextPolicy {
        ContextPolicy { budget_chars: 700 }
    }

    #[test]
    fn contexts_match_the_stages_run_by_hand() {
        let text = "Egypt condemned the dam. \"It is a threat,\" Egypt's minister said. \
                    Ethiopia said the dam would bring power. Kenya hosted a summit on trade.";
        let article = ArticleText::new(text, policy());
        let sentences = split_sentences(text);
        let holders = Holders::find(&sentences);
        for name in ["Egypt", "Ethiopia", "Kenya", "Sudan"] {
            let by_hand = ActorMentions::new(name, &with_known_aliases(name, &[], text));
            let expected = actor_context(&sentences, &holders, &by_hand, "the dam", policy());
            let mentions = article.given_actor(name, &[]);
            assert_eq!(mentions, by_hand);
            assert_eq!(article.context(&mentions, "the dam"), expected, "{name}");
        }
    }

    #[test]
    fn an_actor_never_mentioned_gets_the_lead_and_is_not_mentioned() {
        let article = ArticleText::new("Talks began. They ended.", policy());
        let mentions = article.mentions("Sudan", &[]);
        let context = article.context(&mentions, "talks");
        assert!(!context.mentioned);
        assert_eq!(context.sentence_indices, [0, 1]);
    }
}
