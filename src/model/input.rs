//! From (topic, actor, context) to token ids: the pair framing, truncation of the context only,
//! and dynamic padding of batches.

use candle_core::{Device, Tensor};
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use super::config::StanceSettings;
use super::encoder::EncoderInput;
use crate::error::{Error, Result};

/// One classification input: what the actor's stance is about, who, and the text that shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairInput<'a> {
    /// The topic, e.g. "the Kurdish independence referendum".
    pub topic: &'a str,
    /// The actor whose stance is asked for; `None` asks for the text's own stance.
    pub actor: Option<&'a str>,
    /// The context: the sentences about the actor, or the whole text.
    pub context: &'a str,
}

/// Token ids of one input pair, without padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedPair {
    /// `[CLS] first segment [SEP] context [SEP]` as WordPiece ids.
    pub input_ids: Vec<u32>,
    /// 0 over the first segment, 1 over the context.
    pub token_type_ids: Vec<u32>,
    /// Whether the context was cut to fit `max_length`.
    pub truncated: bool,
}

/// Builds encoder inputs from pairs with a tokenizer and the model's [`StanceSettings`].
#[derive(Debug, Clone)]
pub struct PairTokenizer {
    tokenizer: Tokenizer,
    settings: StanceSettings,
    pad_id: u32,
}

impl PairTokenizer {
    /// Wraps `tokenizer`, replacing whatever padding and truncation it was saved with: padding is
    /// done per batch, and only the context side is ever truncated, to `settings.max_length`.
    pub fn new(mut tokenizer: Tokenizer, settings: StanceSettings, pad_id: u32) -> Result<Self> {
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length: settings.max_length,
                strategy: TruncationStrategy::OnlySecond,
                stride: 0,
            }))
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        Ok(PairTokenizer {
            tokenizer,
            settings,
            pad_id,
        })
    }

    /// The tokenizer as configured (no padding, context-only truncation); this is what is saved.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Changes the temperature kept with the settings.
    pub fn set_temperature(&mut self, temperature: f64) {
        self.settings.temperature = temperature;
    }

    /// The settings the inputs are built with.
    pub fn settings(&self) -> &StanceSettings {
        &self.settings
    }

    /// The first segment for `topic` and `actor` from the template. Without an actor the
    /// `{actor}` slot and a `[SEP]` left dangling next to it are dropped.
    pub fn first_segment(&self, topic: &str, actor: Option<&str>) -> String {
        let template = &self.settings.first_segment_template;
        match actor.map(str::trim).filter(|a| !a.is_empty()) {
            Some(actor) => template
                .replace("{topic}", topic.trim())
                .replace("{actor}", actor),
            None => {
                let without_actor = template.replace("{actor}", "");
                let trimmed = without_actor
                    .trim()
                    .trim_end_matches("[SEP]")
                    .trim_start_matches("[SEP]")
                    .trim();
                trimmed.replace("{topic}", topic.trim())
            }
        }
    }

    /// Token ids of one pair; the context is cut when the pair is longer than `max_length`.
    pub fn encode(&self, pair: &PairInput) -> Result<EncodedPair> {
        let first = self.first_segment(pair.topic, pair.actor);
        let encoding = self
            .tokenizer
            .encode((first.as_str(), pair.context), true)
            .map_err(|e| {
                Error::InvalidInput(format!(
                    "cannot encode topic `{}`: {e} (topic and actor must fit well within {} tokens)",
                    pair.topic, self.settings.max_length
                ))
            })?;
        Ok(EncodedPair {
            input_ids: encoding.get_ids().to_vec(),
            token_type_ids: encoding.get_type_ids().to_vec(),
            truncated: !encoding.get_overflowing().is_empty(),
        })
    }

    /// Pads `pairs` to the longest one and stacks them into `(batch, seq)` tensors.
    pub fn batch(&self, pairs: &[&EncodedPair], device: &Device) -> Result<EncoderInput> {
        let longest = pairs
            .iter()
            .map(|p| p.input_ids.len())
            .max()
            .ok_or_else(|| Error::InvalidInput("empty batch".to_string()))?;
        let rows = pairs.len();
        let mut ids = Vec::with_capacity(rows * longest);
        let mut types = Vec::with_capacity(rows * longest);
        let mut mask = Vec::with_capacity(rows * longest);
        for pair in pairs {
            let padding = longest - pair.input_ids.len();
            ids.extend_from_slice(&pair.input_ids);
            ids.extend(std::iter::repeat_n(self.pad_id, padding));
            types.extend_from_slice(&pair.token_type_ids);
            types.extend(std::iter::repeat_n(0, padding));
            mask.extend(std::iter::repeat_n(1u32, pair.input_ids.len()));
            mask.extend(std::iter::repeat_n(0u32, padding));
        }
        Ok(EncoderInput {
            input_ids: Tensor::from_vec(ids, (rows, longest), device)?,
            token_type_ids: Tensor::from_vec(types, (rows, longest), device)?,
            attention_mask: Tensor::from_vec(mask, (rows, longest), device)?,
        })
    }
}
