//! Finding an article's actors when the user does not name them.
//!
//! Two sources, used alone or together ([`Discovery`]):
//! - the **rules** of [`crate::text::discovery`]: capitalised chunks, a gazetteer, titles and
//!   speech verbs, with merging that knows a president speaks for a country;
//! - a **named-entity tagger** trained by `stance train --task ner` ([`crate::ner`]), whose
//!   people and organisations (and the places and names the gazetteer knows) become actors
//!   through the small merging layer of [`tagged`].
//!
//! [`combine`] joins them; [`measure`] scores any of them against labelled articles, and
//! [`stances`] the stance labels they lead to.

pub mod combine;
pub mod measure;
pub mod stances;
pub mod tagged;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ner::NerModel;
use crate::text::discovery::{discover_actors, DiscoveredActor};

/// Windows per forward pass of the tagger.
const TAGGER_BATCH: usize = 32;

/// Which sources find the actors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Discovery {
    /// The rules alone.
    #[default]
    Rules,
    /// The tagger alone.
    Tagger,
    /// The rules' actors, plus the tagger's that the rules missed.
    Both,
}

impl Discovery {
    /// The name used in settings and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Discovery::Rules => "rules",
            Discovery::Tagger => "tagger",
            Discovery::Both => "both",
        }
    }
}

/// Finds actors with the rules, a tagger, or both.
pub struct ActorFinder {
    discovery: Discovery,
    tagger: Option<NerModel>,
}

impl ActorFinder {
    /// The rules alone (no model needed).
    pub fn rules() -> Self {
        ActorFinder {
            discovery: Discovery::Rules,
            tagger: None,
        }
    }

    /// `discovery` with `tagger`; [`Discovery::Tagger`] and [`Discovery::Both`] need one.
    pub fn new(discovery: Discovery, tagger: Option<NerModel>) -> Result<Self> {
        if discovery != Discovery::Rules && tagger.is_none() {
            return Err(Error::InvalidInput(format!(
                "discovery `{}` needs a named-entity tagger",
                discovery.name()
            )));
        }
        Ok(ActorFinder { discovery, tagger })
    }

    /// Which sources this finder uses.
    pub fn discovery(&self) -> Discovery {
        self.discovery
    }

    /// The actors of each text, most mentioned first. Texts are tagged together, so give many
    /// at once.
    pub fn find(&self, texts: &[&str]) -> Result<Vec<Vec<DiscoveredActor>>> {
        let tagged = match (&self.tagger, self.discovery) {
            (Some(tagger), Discovery::Tagger | Discovery::Both) => {
                let mentions = tagger.entities(texts, TAGGER_BATCH)?;
                Some(
                    texts
                        .iter()
                        .zip(&mentions)
                        .map(|(text, found)| tagged::actors_from_mentions(text, found))
                        .collect::<Vec<_>>(),
                )
            }
            _ => None,
        };
        Ok(texts
            .iter()
            .enumerate()
            .map(|(i, text)| match (self.discovery, &tagged) {
                (Discovery::Tagger, Some(tagged)) => tagged[i].clone(),
                (Discovery::Both, Some(tagged)) => {
                    combine::combine(&discover_actors(text), &tagged[i])
                }
                _ => discover_actors(text),
            })
            .collect())
    }
}
