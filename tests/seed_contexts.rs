//! The evidence `stance predict` would read for each actor of the seed article
//! (../shared/examples/erdogan-rouhani-2017-10-04.txt), without a model: speaker-aware contexts
//! must give each actor its own statements and actions, not what others say about it. Skipped
//! (with a message) when ../shared is not beside the project.

use std::path::PathBuf;

use stance::text::article::ArticleText;
use stance::text::context::ContextPolicy;
use stance::text::discovery::discover_actors;

const TOPIC: &str = "the Kurdish independence referendum";

fn article() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/examples/erdogan-rouhani-2017-10-04.txt");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!("skipping: {} is not there", path.display());
            None
        }
    }
}

/// The context of the actor `name` (with `aliases`), as the default model's settings choose it.
fn context(text: &str, name: &str, aliases: &[String]) -> String {
    let article = ArticleText::new(text, policy());
    article
        .context(&article.mentions(name, aliases), TOPIC)
        .text
}

fn policy() -> ContextPolicy {
    ContextPolicy { budget_chars: 700 }
}

fn given(text: &str, name: &str) -> String {
    let article = ArticleText::new(text, policy());
    article.context(&article.given_actor(name, &[]), TOPIC).text
}

fn discovered(text: &str, needle: &str) -> String {
    let actor = discover_actors(text)
        .into_iter()
        .find(|a| a.name.contains(needle) || a.aliases.iter().any(|x| x.contains(needle)))
        .unwrap_or_else(|| panic!("no discovered actor like {needle}"));
    context(text, &actor.name, &actor.aliases)
}

fn assert_has(context: &str, wanted: &[&str], unwanted: &[&str]) {
    for words in wanted {
        assert!(context.contains(words), "lacks {words:?}: {context}");
    }
    for words in unwanted {
        assert!(!context.contains(words), "has {words:?}: {context}");
    }
}

/// The actor's context, as given by name (`given_name`) and as discovered (an actor whose
/// name or alias contains `needle`), has every `wanted` phrase and no `unwanted` one.
fn assert_both_have(
    text: &str,
    given_name: &str,
    needle: &str,
    wanted: &[&str],
    unwanted: &[&str],
) {
    for (label, context) in [
        ("given", given(text, given_name)),
        ("discovered", discovered(text, needle)),
    ] {
        eprintln!("{needle} ({label}): {context}");
        assert_has(&context, wanted, unwanted);
    }
}

#[test]
fn each_actor_reads_its_own_statements_and_actions() {
    let Some(text) = article() else { return };
    // The KRG acts (it held the referendum); the opposition of Turkey and Iran to it is theirs.
    assert_both_have(
        &text,
        "Kurdish Regional Government (KRG)",
        "KRG",
        &["held by the Kurdish Regional Government"],
        &["opposed the referendum", "denounced", "sectarian plot"],
    );
    assert_both_have(
        &text,
        "Recep Tayyip Erdogan",
        "Erdogan",
        &[
            "No one recognises you other than Israel",
            "would not recognise the referendum",
        ],
        &["said Rouhani"],
    );
    assert_both_have(
        &text,
        "Hassan Rouhani",
        "Rouhani",
        &["denounced the KRG's referendum move", "sectarian plot"],
        &["Speaking at a joint press conference with Rouhani"],
    );
    // Iraq's position is only reported (by Rouhani); "in northern Iraq" merely places the vote.
    assert_both_have(
        &text,
        "Iraqi central government",
        "Iraq",
        &["back steps taken by the central Iraqi government"],
        &["held by the Kurdish Regional Government"],
    );
}
