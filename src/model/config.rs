//! `config.json` of a model folder: the BERT hyper-parameters as Hugging Face writes them, the
//! label map, and a `stance` section with the settings transformers does not know about.
//!
//! Unknown fields are kept and written back, so a folder round-trips through `stance` without
//! losing what other tools put there.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Labels a classifier gets when its config has none.
pub const DEFAULT_LABELS: [&str; 3] = ["FAVOR", "AGAINST", "NONE"];

/// The `architectures` entry written to saved folders, so transformers' Auto classes pick the
/// sequence-classification model.
pub const ARCHITECTURE: &str = "BertForSequenceClassification";

/// The activation of the feed-forward block (`hidden_act`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HiddenAct {
    /// Exact GELU, with erf (transformers' "gelu").
    Gelu,
    /// GELU with the tanh approximation (transformers' "gelu_new").
    #[serde(alias = "gelu_pytorch_tanh")]
    GeluNew,
    /// ReLU.
    Relu,
}

/// How the encoder's hidden states become one vector per sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Pooling {
    /// BERT's pooler (dense + tanh) over the [CLS] token: the same head as transformers'
    /// `BertForSequenceClassification`, so Python gives the same logits.
    #[default]
    Cls,
    /// Mean of the hidden states over the non-padding tokens (how all-MiniLM-L6-v2 was trained).
    Mean,
}

/// Settings of `stance` stored in the `stance` section of config.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StanceSettings {
    /// Pooling of the hidden states before the classification head.
    #[serde(default)]
    pub pooling: Pooling,
    /// Longest input in tokens (first segment + context + special tokens); longer contexts are cut.
    #[serde(default = "default_max_length")]
    pub max_length: usize,
    /// How the first segment is built from the topic and the actor. `{topic}` and `{actor}` are
    /// replaced; with no actor, the text from `{actor}`'s preceding separator on is dropped.
    #[serde(default = "default_first_segment_template")]
    pub first_segment_template: String,
    /// Characters of an actor's context taken from an article (sentences that mention it and
    /// their follow-ups); training and prediction use the same budget.
    #[serde(default = "default_context_chars")]
    pub context_chars: usize,
    /// Softmax temperature fitted on dev data (`stance calibrate`), so that probabilities are
    /// calibrated; 1 leaves the logits as they are.
    #[serde(default = "default_temperature")]
    pub temperature: f64,
    /// Whether the actor's mentions in its context are wrapped in marks (`« Erdogan »`), so the
    /// model knows whose stance is asked when a sentence names several actors. New models mark;
    /// a config written before this setting existed did not.
    #[serde(default)]
    pub mark_actor: bool,
    /// The marks themselves, opening and closing, each followed/preceded by one space
    /// (`« Erdogan »`): recorded so that a user building inputs in Python sees the convention in
    /// the folder (README, "Use the model from Python"). Only
    /// [`crate::text::mentions::ACTOR_MARKS`] is supported.
    #[serde(default = "default_actor_marks")]
    pub actor_marks: [String; 2],
    /// Whether an actor's context prefers the sentences it holds (its statements and actions)
    /// to sentences in which someone else speaks about it ([`crate::text::context`]). Always
    /// true: a config written before this setting existed (or with it false) chose contexts by
    /// mentions alone, which is no longer built, and is refused with a clear error.
    #[serde(default)]
    pub speaker_aware: bool,
    /// When set, the folder holds an evidence scorer (`evidence/`) and an actor whose context has
    /// no sentence scored at least this likely to carry its stance is NONE
    /// ([`crate::evidence::EvidenceGate`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_threshold: Option<f64>,
    /// Amounts added to labels' logits (after the temperature) to correct the classifier's
    /// prior on data unlike its training mix, chosen on dev data (`stance model shift`). They
    /// are already part of the head's bias (`classifier.bias`), so Python loads the same
    /// decisions; recorded here so that the folder says how it was adjusted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub logit_shift: BTreeMap<String, f64>,
}

fn default_context_chars() -> usize {
    1200
}

fn default_actor_marks() -> [String; 2] {
    let (open, close) = crate::text::mentions::ACTOR_MARKS;
    [open.to_string(), close.to_string()]
}

fn default_temperature() -> f64 {
    1.0
}

fn default_max_length() -> usize {
    256
}

fn default_first_segment_template() -> String {
    "{topic} [SEP] {actor}".to_string()
}

impl Default for StanceSettings {
    fn default() -> Self {
        StanceSettings {
            pooling: Pooling::default(),
            max_length: default_max_length(),
            first_segment_template: default_first_segment_template(),
            context_chars: default_context_chars(),
            temperature: default_temperature(),
            mark_actor: true,
            actor_marks: default_actor_marks(),
            speaker_aware: true,
            evidence_threshold: None,
            logit_shift: BTreeMap::new(),
        }
    }
}

/// Mirror of a BERT `config.json` (transformers' `BertConfig`), plus the label map and the
/// `stance` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BertConfig {
    /// Size of the WordPiece vocabulary.
    pub vocab_size: usize,
    /// Width of every hidden state.
    pub hidden_size: usize,
    /// Number of transformer layers.
    pub num_hidden_layers: usize,
    /// Attention heads per layer; must divide `hidden_size`.
    pub num_attention_heads: usize,
    /// Width of the feed-forward block.
    pub intermediate_size: usize,
    /// Activation of the feed-forward block.
    pub hidden_act: HiddenAct,
    /// Dropout on embeddings and on each block's output.
    #[serde(default = "default_dropout")]
    pub hidden_dropout_prob: f64,
    /// Dropout on the attention probabilities.
    #[serde(default = "default_dropout")]
    pub attention_probs_dropout_prob: f64,
    /// Dropout before the classification head; `hidden_dropout_prob` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classifier_dropout: Option<f64>,
    /// Longest sequence the position embeddings cover.
    pub max_position_embeddings: usize,
    /// Number of segment (token type) embeddings.
    #[serde(default = "default_type_vocab_size")]
    pub type_vocab_size: usize,
    /// Standard deviation of freshly initialised weights.
    #[serde(default = "default_initializer_range")]
    pub initializer_range: f64,
    /// Epsilon of every LayerNorm.
    #[serde(default = "default_layer_norm_eps")]
    pub layer_norm_eps: f64,
    /// Id of the padding token.
    #[serde(default)]
    pub pad_token_id: u32,
    /// Only "absolute" is supported.
    #[serde(default = "default_position_embedding_type")]
    pub position_embedding_type: String,
    /// "bert" for the models `stance` reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_type: Option<String>,
    /// Model classes transformers should use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architectures: Option<Vec<String>>,
    /// Label of each class id (keys are ids as strings, as transformers writes them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id2label: Option<BTreeMap<String, String>>,
    /// Class id of each label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label2id: Option<BTreeMap<String, usize>>,
    /// Settings of `stance`; absent in base models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stance: Option<StanceSettings>,
    /// The token type ids are each word's casing (`stance::ner::casing`), not segments: set on
    /// taggers trained to read capitals through an uncased tokenizer. transformers loads such a
    /// folder as it is; its callers pass the casing types as `token_type_ids`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub casing_token_types: bool,
    /// Every other field, kept as it was.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn default_dropout() -> f64 {
    0.1
}
fn default_type_vocab_size() -> usize {
    2
}
fn default_initializer_range() -> f64 {
    0.02
}
fn default_layer_norm_eps() -> f64 {
    1e-12
}
fn default_position_embedding_type() -> String {
    "absolute".to_string()
}

impl BertConfig {
    /// Reads and validates a config.json.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses and validates the text of a config.json; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let config: BertConfig = serde_json::from_str(text).map_err(|e| Error::Json {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        config.validate(path)?;
        Ok(config)
    }

    /// Checks the values the encoder relies on.
    pub fn validate(&self, path: &Path) -> Result<()> {
        let invalid = |field: &str, message: String| Error::InvalidConfig {
            path: path.to_path_buf(),
            field: field.to_string(),
            message,
        };
        if let Some(model_type) = &self.model_type {
            if model_type != "bert" {
                return Err(invalid(
                    "model_type",
                    format!("`{model_type}` is not supported; stance reads BERT models"),
                ));
            }
        }
        if let Some(settings) = &self.stance {
            if !settings.speaker_aware {
                return Err(invalid(
                    "stance.speaker_aware",
                    "false: this model was trained on contexts chosen by mentions alone, which \
                     stance no longer builds; retrain it with `stance train`, or set the field \
                     to true to read it with speaker-aware contexts (its accuracy with them is \
                     not measured)"
                        .to_string(),
                ));
            }
        }
        if self.position_embedding_type != "absolute" {
            return Err(invalid(
                "position_embedding_type",
                format!("`{}` is not supported", self.position_embedding_type),
            ));
        }
        if self.num_attention_heads == 0
            || !self.hidden_size.is_multiple_of(self.num_attention_heads)
        {
            return Err(invalid(
                "num_attention_heads",
                format!(
                    "{} does not divide hidden_size {}",
                    self.num_attention_heads, self.hidden_size
                ),
            ));
        }
        for (field, p) in [
            ("hidden_dropout_prob", self.hidden_dropout_prob),
            (
                "attention_probs_dropout_prob",
                self.attention_probs_dropout_prob,
            ),
            ("classifier_dropout", self.classifier_dropout.unwrap_or(0.0)),
        ] {
            if !(0.0..1.0).contains(&p) {
                return Err(invalid(field, format!("{p} is not a probability below 1")));
            }
        }
        if let Some(settings) = &self.stance {
            if settings.max_length > self.max_position_embeddings {
                return Err(invalid(
                    "stance.max_length",
                    format!(
                        "{} exceeds max_position_embeddings {}",
                        settings.max_length, self.max_position_embeddings
                    ),
                ));
            }
            if settings.max_length < 8 {
                return Err(invalid(
                    "stance.max_length",
                    format!("{} is too short to hold a pair", settings.max_length),
                ));
            }
            if !(settings.temperature > 0.0 && settings.temperature.is_finite()) {
                return Err(invalid(
                    "stance.temperature",
                    format!("{} is not a positive number", settings.temperature),
                ));
            }
            if let Some((label, shift)) = settings.logit_shift.iter().find(|(label, shift)| {
                !shift.is_finite() || self.labels(path).is_ok_and(|ls| !ls.contains(label))
            }) {
                return Err(invalid(
                    "stance.logit_shift",
                    format!("{label}: {shift} is not a finite shift of one of the model's labels"),
                ));
            }
            if settings.actor_marks != default_actor_marks() {
                return Err(invalid(
                    "stance.actor_marks",
                    format!(
                        "{:?} is not supported (stance marks actors with {:?})",
                        settings.actor_marks,
                        default_actor_marks()
                    ),
                ));
            }
            if !settings.first_segment_template.contains("{topic}") {
                return Err(invalid(
                    "stance.first_segment_template",
                    "must contain {topic}".to_string(),
                ));
            }
        }
        self.labels(path)?;
        Ok(())
    }

    /// The class labels in id order: from `id2label` when present, else [`DEFAULT_LABELS`].
    ///
    /// transformers writes `LABEL_0`, `LABEL_1` for base models that never had a head; those are
    /// placeholders, not labels, and are treated as absent.
    pub fn labels(&self, path: &Path) -> Result<Vec<String>> {
        let invalid = |field: &str, message: String| Error::InvalidConfig {
            path: path.to_path_buf(),
            field: field.to_string(),
            message,
        };
        let Some(id2label) = &self.id2label else {
            return Ok(DEFAULT_LABELS.iter().map(|s| s.to_string()).collect());
        };
        let mut labels = vec![None; id2label.len()];
        for (id, label) in id2label {
            let index: usize = id
                .parse()
                .map_err(|_| invalid("id2label", format!("key `{id}` is not a class id")))?;
            let slot = labels.get_mut(index).ok_or_else(|| {
                invalid(
                    "id2label",
                    format!("ids must be 0..{}, found {index}", id2label.len()),
                )
            })?;
            *slot = Some(label.clone());
        }
        let labels: Vec<String> = labels.into_iter().flatten().collect();
        if labels.iter().all(|l| l.starts_with("LABEL_")) && self.stance.is_none() {
            return Ok(DEFAULT_LABELS.iter().map(|s| s.to_string()).collect());
        }
        let mut seen = std::collections::BTreeSet::new();
        for label in &labels {
            if !seen.insert(label) {
                return Err(invalid(
                    "id2label",
                    format!("label `{label}` appears twice"),
                ));
            }
        }
        if let Some(label2id) = &self.label2id {
            for (id, label) in labels.iter().enumerate() {
                if label2id.get(label) != Some(&id) {
                    return Err(invalid(
                        "label2id",
                        format!("disagrees with id2label on `{label}` (id {id})"),
                    ));
                }
            }
        }
        if labels.len() < 2 {
            return Err(invalid(
                "id2label",
                "a classifier needs at least two labels".to_string(),
            ));
        }
        Ok(labels)
    }

    /// The `stance` section, or its defaults for a base model (with `max_length` no longer than
    /// the position embeddings allow).
    pub fn settings(&self) -> StanceSettings {
        self.stance.clone().unwrap_or_else(|| StanceSettings {
            max_length: default_max_length().min(self.max_position_embeddings),
            ..StanceSettings::default()
        })
    }

    /// Dropout before the classification head.
    pub fn head_dropout(&self) -> f64 {
        self.classifier_dropout.unwrap_or(self.hidden_dropout_prob)
    }

    /// Sets the label map, architecture and `stance` section of a classifier config.
    pub fn make_classifier(&mut self, labels: &[String], settings: StanceSettings) {
        self.set_head(ARCHITECTURE, labels);
        self.stance = Some(settings);
    }

    /// Sets the transformers class (`architectures`), `model_type` and the label maps of a
    /// config with a head over `labels`.
    pub fn set_head(&mut self, architecture: &str, labels: &[String]) {
        self.architectures = Some(vec![architecture.to_string()]);
        self.model_type = Some("bert".to_string());
        self.id2label = Some(
            labels
                .iter()
                .enumerate()
                .map(|(i, l)| (i.to_string(), l.clone()))
                .collect(),
        );
        self.label2id = Some(
            labels
                .iter()
                .enumerate()
                .map(|(i, l)| (l.clone(), i))
                .collect(),
        );
    }

    /// A small configuration for tests and examples.
    pub fn tiny(vocab_size: usize) -> Self {
        BertConfig {
            vocab_size,
            hidden_size: 32,
            num_hidden_layers: 2,
            num_attention_heads: 4,
            intermediate_size: 64,
            hidden_act: HiddenAct::Gelu,
            hidden_dropout_prob: 0.1,
            attention_probs_dropout_prob: 0.1,
            classifier_dropout: None,
            max_position_embeddings: 128,
            type_vocab_size: 2,
            initializer_range: 0.02,
            layer_norm_eps: 1e-12,
            pad_token_id: 0,
            position_embedding_type: default_position_embedding_type(),
            model_type: Some("bert".to_string()),
            architectures: None,
            id2label: None,
            label2id: None,
            stance: None,
            casing_token_types: false,
            extra: serde_json::Map::new(),
        }
    }

    /// Serialises the config as pretty JSON, the way transformers writes it.
    pub fn to_json_string(&self) -> String {
        // A struct of plain fields and a JSON map cannot fail to serialise.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> BertConfig {
        serde_json::from_str(json).expect("valid test config")
    }

    const MINILM: &str = r#"{"architectures":["BertModel"],"attention_probs_dropout_prob":0.1,
        "gradient_checkpointing":false,"hidden_act":"gelu","hidden_dropout_prob":0.1,"hidden_size":384,
        "initializer_range":0.02,"intermediate_size":1536,"layer_norm_eps":1e-12,
        "max_position_embeddings":512,"model_type":"bert","num_attention_heads":12,
        "num_hidden_layers":6,"pad_token_id":0,"position_embedding_type":"absolute",
        "transformers_version":"4.8.2","type_vocab_size":2,"use_cache":true,"vocab_size":30522}"#;

    #[test]
    fn a_model_without_speaker_aware_contexts_is_refused_by_name() {
        let old = MINILM.replacen('{', r#"{"stance": {"context_chars": 700},"#, 1);
        let error = BertConfig::parse(&old, Path::new("old/config.json"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("old/config.json"), "{error}");
        assert!(error.contains("stance.speaker_aware"), "{error}");
        assert!(error.contains("retrain"), "{error}");
        let new = MINILM.replacen('{', r#"{"stance": {"speaker_aware": true},"#, 1);
        BertConfig::parse(&new, Path::new("new/config.json")).unwrap();
    }

    #[test]
    fn base_config_gets_default_labels_and_keeps_unknown_fields() {
        let config = parse(MINILM);
        config.validate(Path::new("config.json")).unwrap();
        assert_eq!(
            config.labels(Path::new("c")).unwrap(),
            ["FAVOR", "AGAINST", "NONE"]
        );
        assert_eq!(config.extra["transformers_version"], "4.8.2");
        let round_trip: serde_json::Value = serde_json::from_str(&config.to_json_string()).unwrap();
        assert_eq!(round_trip["gradient_checkpointing"], false);
    }

    #[test]
    fn classifier_config_round_trips_labels() {
        let mut config = parse(MINILM);
        let labels: Vec<String> = ["PRO", "CON"].iter().map(|s| s.to_string()).collect();
        config.make_classifier(&labels, StanceSettings::default());
        let back = parse(&config.to_json_string());
        assert_eq!(back.labels(Path::new("c")).unwrap(), labels);
        assert_eq!(
            back.architectures.as_deref(),
            Some(&[ARCHITECTURE.to_string()][..])
        );
        assert_eq!(back.settings(), StanceSettings::default());
    }

    #[test]
    fn inconsistent_label_maps_are_rejected_naming_the_field() {
        let mut config = parse(MINILM);
        config.make_classifier(
            &["A".to_string(), "B".to_string()],
            StanceSettings::default(),
        );
        config.label2id.as_mut().unwrap().insert("A".to_string(), 1);
        let err = config.validate(Path::new("m/config.json")).unwrap_err();
        assert!(err.to_string().contains("label2id"), "{err}");
    }

    #[test]
    fn heads_must_divide_hidden_size() {
        let mut config = parse(MINILM);
        config.num_attention_heads = 7;
        let err = config.validate(Path::new("m/config.json")).unwrap_err();
        assert!(err.to_string().contains("num_attention_heads"), "{err}");
    }

    #[test]
    fn max_length_cannot_exceed_position_embeddings() {
        let mut config = parse(MINILM);
        config.stance = Some(StanceSettings {
            max_length: 1024,
            ..StanceSettings::default()
        });
        let err = config.validate(Path::new("m/config.json")).unwrap_err();
        assert!(err.to_string().contains("stance.max_length"), "{err}");
    }
}
