//! `stance eval --task discovery`: how many labelled actors discovery finds, by the rules, a
//! named-entity tagger, or both.

use stance::model::dense::Precision;
use stance::model::kernels::KernelChoice;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use stance::actors::measure::{render_discovery, score_discovery};
use stance::actors::stances::stances_with_discovery;
use stance::actors::{ActorFinder, Discovery};
use stance::data::articles::read_articles;
use stance::model::hub;
use stance::model::StanceModel;
use stance::ner::NerModel;
use stance::predict::PredictOptions;
use stance::text::discovery::same_actor;

/// How a command finds actors that are not given (shared by eval and predict).
#[derive(Debug, Clone, clap::Args)]
pub struct DiscoveryOptions {
    /// A named-entity tagger folder (`stance train --task ner`) whose people and organisations
    /// become actors (default: the model's own `tagger/` folder, if any).
    #[arg(long, value_name = "DIR")]
    pub tagger: Option<PathBuf>,
    /// Who finds the actors: the rules, the tagger, or both (default: both with a tagger, else
    /// the rules).
    #[arg(long, value_enum)]
    pub discovery: Option<DiscoveryArg>,
}

/// The command-line spelling of [`Discovery`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiscoveryArg {
    /// The rules alone.
    Rules,
    /// The tagger alone.
    Tagger,
    /// The rules' actors plus the tagger's that the rules missed.
    Both,
}

impl From<DiscoveryArg> for Discovery {
    fn from(arg: DiscoveryArg) -> Self {
        match arg {
            DiscoveryArg::Rules => Discovery::Rules,
            DiscoveryArg::Tagger => Discovery::Tagger,
            DiscoveryArg::Both => Discovery::Both,
        }
    }
}

impl DiscoveryOptions {
    /// The finder these options ask for; `model_tagger` is the tagger a stance model carries.
    pub fn finder(
        &self,
        model_tagger: Option<&Path>,
        precision: Precision,
    ) -> anyhow::Result<ActorFinder> {
        let folder = self.tagger.as_deref().or(model_tagger);
        let discovery = match (self.discovery, folder) {
            (Some(choice), _) => choice.into(),
            (None, Some(_)) => Discovery::Both,
            (None, None) => Discovery::Rules,
        };
        if discovery == Discovery::Rules {
            return Ok(ActorFinder::rules());
        }
        let Some(folder) = folder else {
            bail!(
                "--discovery {} needs a tagger: give --tagger DIR (a folder from `stance train --task ner`)",
                discovery.name()
            );
        };
        let dir = hub::resolve(&folder.to_string_lossy())
            .with_context(|| format!("loading tagger {}", folder.display()))?;
        let mut tagger = NerModel::from_dir(&dir)
            .with_context(|| format!("loading tagger {}", dir.display()))?;
        tagger.set_precision(precision);
        // Discovery only reads the tagger: its f32 copies of packed layers are dead weight.
        tagger.keep_only_packed();
        Ok(ActorFinder::new(discovery, Some(tagger))?)
    }
}

/// The folder where a stance model keeps its tagger (`stance model add-tagger`).
pub const TAGGER_FOLDER: &str = "tagger";

/// The tagger folder of stance model `model`, if it has one.
pub fn model_tagger(model: &str) -> Option<PathBuf> {
    let dir = hub::resolve(model).ok()?.join(TAGGER_FOLDER);
    dir.join("config.json").is_file().then_some(dir)
}

/// Scores discovery on an article-level file; prints the table, writes it as JSON and each
/// article's actors as JSONL (`{"id", "found": [...], "missed": [...]}`) if asked.
pub fn eval(
    data: &Path,
    finder: &ActorFinder,
    max_actors: usize,
    json: Option<&Path>,
    predictions: Option<&Path>,
    stance_model: Option<&StanceModel>,
) -> anyhow::Result<()> {
    let articles: Vec<_> = read_articles(data)?.into_iter().map(|(_, a)| a).collect();
    if articles.is_empty() {
        bail!("{}: no articles", data.display());
    }
    let (score, found) = score_discovery(finder, &articles, max_actors)
        .with_context(|| format!("finding the actors of {}", data.display()))?;
    println!("discovery: {}", finder.discovery().name());
    print!("{}", render_discovery(&score));
    let stances = match stance_model {
        Some(model) => {
            let options = PredictOptions {
                max_discovered: max_actors,
                ..PredictOptions::default()
            };
            let scores = stances_with_discovery(model, finder, &articles, &options)
                .with_context(|| format!("labelling the actors of {}", data.display()))?;
            println!(
                "stance macro-F1: actors given {:.3}, discovered {:.3} ({} labelled actors not \
                 among the first {max_actors} found count as NONE); accuracy {:.3} / {:.3}",
                scores.given.macro_f1,
                scores.discovered.macro_f1,
                scores.missed,
                scores.given.accuracy,
                scores.discovered.accuracy,
            );
            Some(scores)
        }
        None => None,
    };
    if let Some(path) = predictions {
        let mut text = String::new();
        for (article, actors) in articles.iter().zip(&found) {
            let missed: Vec<&str> = article
                .actors
                .iter()
                .filter(|labelled| {
                    !actors
                        .iter()
                        .any(|a| same_actor(a, &labelled.name, &labelled.aliases))
                })
                .map(|labelled| labelled.name.as_str())
                .collect();
            let found: Vec<serde_json::Value> = actors
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "name": a.name,
                        "aliases": a.aliases,
                        "kind": format!("{:?}", a.kind),
                        "mentions": a.mentions,
                        "labelled": article.actors.iter().any(|l| same_actor(a, &l.name, &l.aliases)),
                    })
                })
                .collect();
            let line = serde_json::json!({"id": article.id, "found": found, "missed": missed});
            text.push_str(&line.to_string());
            text.push('\n');
        }
        stance::model::folder::write_atomically(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = json {
        let mut value = serde_json::to_value(&score)?;
        value["discovery"] = finder.discovery().name().into();
        if let Some(stances) = &stances {
            value["stances"] = serde_json::to_value(stances)?;
        }
        let text = serde_json::to_string_pretty(&value)?;
        stance::model::folder::write_atomically(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
