//! Topic-polarity augmentation: the same evidence with the topic turned around and the label
//! flipped, so that a model cannot score well from the tone of the text alone and must read the
//! topic as worded. "Turkey rejected the referendum" is AGAINST "the referendum" and FAVOR
//! "opposition to the referendum".

use super::schema::Example;

/// Wordings that turn a topic around; `{topic}` is replaced by the topic. Several wordings, so
/// that the model learns what they mean rather than one fixed phrase.
const TURNED_AROUND: &[&str] = &[
    "opposition to {topic}",
    "blocking {topic}",
    "rejecting {topic}",
    "stopping {topic}",
];

/// The topic turned around. A topic that is already one of the turned-around wordings is turned
/// back (so flipping twice gives the topic again); `choice` picks among the wordings.
///
/// ```
/// use stance::data::augment::turn_topic_around;
/// assert_eq!(turn_topic_around("the referendum", 0), "opposition to the referendum");
/// assert_eq!(turn_topic_around("opposition to the referendum", 3), "the referendum");
/// ```
pub fn turn_topic_around(topic: &str, choice: u64) -> String {
    let topic = topic.trim();
    let lower = topic.to_lowercase();
    for wording in TURNED_AROUND {
        let prefix = wording.trim_end_matches("{topic}");
        if lower.starts_with(prefix) && topic.len() > prefix.len() {
            return topic[prefix.len()..].trim_start().to_string();
        }
    }
    let wording = TURNED_AROUND[(choice % TURNED_AROUND.len() as u64) as usize];
    wording.replace("{topic}", topic)
}

/// The label toward the turned-around topic: FAVOR and AGAINST swap, anything else (NONE: no
/// position on either wording) stays.
///
/// ```
/// use stance::data::augment::flipped_label;
/// assert_eq!(flipped_label("FAVOR"), "AGAINST");
/// assert_eq!(flipped_label("NONE"), "NONE");
/// ```
pub fn flipped_label(label: &str) -> &str {
    match label {
        "FAVOR" => "AGAINST",
        "AGAINST" => "FAVOR",
        other => other,
    }
}

/// FNV-1a of the example's id with the seed, so the choice does not depend on file order.
fn draw(seed: u64, id: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for &b in id.as_bytes() {
        hash ^= b as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    // Final avalanche so that nearby ids and seeds give unrelated draws.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^ (hash >> 33)
}

/// Replaces a seeded `share` (0 to 1) of `examples` by their topic-flipped twin: topic turned
/// around, FAVOR and AGAINST swapped, NONE kept. Which examples are flipped depends only on the
/// seed and each example's id. Flipped examples get the id suffix `~flip`.
///
/// Replacing rather than adding keeps the training time unchanged, and with a share of 0.5 the
/// FAVOR and AGAINST counts become equal in expectation whatever the sources' lean.
pub fn flip_topics(examples: &mut [Example], share: f64, seed: u64) {
    if share <= 0.0 {
        return;
    }
    let threshold = (share.min(1.0) * u32::MAX as f64) as u64;
    for example in examples.iter_mut() {
        let draw = draw(seed, &example.id);
        if (draw & 0xffff_ffff) > threshold {
            continue;
        }
        example.topic = turn_topic_around(&example.topic, draw >> 32);
        example.label = flipped_label(&example.label).to_string();
        example.id.push_str("~flip");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(id: &str, label: &str) -> Example {
        Example {
            id: id.to_string(),
            topic: "the dam".to_string(),
            text: "« Egypt » condemned the dam.".to_string(),
            actor: Some("Egypt".to_string()),
            label: label.to_string(),
        }
    }

    #[test]
    fn flipped_examples_swap_favor_and_against_and_keep_none() {
        let mut examples: Vec<Example> = (0..200)
            .map(|i| example(&format!("e{i}"), ["FAVOR", "AGAINST", "NONE"][i % 3]))
            .collect();
        let original = examples.clone();
        flip_topics(&mut examples, 0.5, 7);
        let flipped: Vec<(&Example, &Example)> = original
            .iter()
            .zip(&examples)
            .filter(|(_, after)| after.id.ends_with("~flip"))
            .collect();
        assert!(
            (70..130).contains(&flipped.len()),
            "{} of 200 flipped",
            flipped.len()
        );
        for (before, after) in &flipped {
            assert_ne!(before.topic, after.topic);
            assert_eq!(turn_topic_around(&after.topic, 0), before.topic);
            let expected = match before.label.as_str() {
                "FAVOR" => "AGAINST",
                "AGAINST" => "FAVOR",
                _ => "NONE",
            };
            assert_eq!(after.label, expected, "{}", after.id);
            assert_eq!(before.text, after.text);
        }
        for (before, after) in original.iter().zip(&examples) {
            if !after.id.ends_with("~flip") {
                assert_eq!(before, after);
            }
        }
    }

    #[test]
    fn the_choice_depends_on_seed_and_id_only() {
        let mut a: Vec<Example> = (0..50)
            .map(|i| example(&format!("e{i}"), "FAVOR"))
            .collect();
        let mut b: Vec<Example> = a.iter().rev().cloned().collect();
        flip_topics(&mut a, 0.3, 1);
        flip_topics(&mut b, 0.3, 1);
        b.reverse();
        assert_eq!(a, b);
        let mut c: Vec<Example> = (0..50)
            .map(|i| example(&format!("e{i}"), "FAVOR"))
            .collect();
        flip_topics(&mut c, 0.3, 2);
        assert_ne!(a, c);
        let mut none: Vec<Example> = (0..5).map(|i| example(&format!("e{i}"), "FAVOR")).collect();
        flip_topics(&mut none, 0.0, 1);
        assert!(none.iter().all(|e| !e.id.ends_with("~flip")));
    }

    #[test]
    fn turned_around_topics_turn_back() {
        for choice in 0..4 {
            let turned = turn_topic_around("Brexit", choice);
            assert_ne!(turned, "Brexit");
            assert_eq!(turn_topic_around(&turned, choice + 1), "Brexit");
        }
        assert_eq!(turn_topic_around("Blocking the merger", 0), "the merger");
    }
}
