//! The rules' actors and the tagger's actors as one list.

use crate::text::discovery::{rank_actors, ActorKind, DiscoveredActor};

/// Both lists as one: a tagged actor that shares a form (its name or an alias, in any case) with
/// one of the rules' actors, or a tagged person whose name ends one of its forms ("Selena
/// Torres", "Assemblywoman Selena Torres"), adds its forms to it as aliases; the others are added as they are. The rules' merges are kept (they know that a
/// president speaks for a country); the tagger adds the names the rules missed. Most mentioned
/// first (ties: first mention first).
///
/// ```
/// use stance::actors::combine::combine;
/// use stance::text::discovery::{ActorKind, DiscoveredActor};
/// let actor = |name: &str, aliases: &[&str], mentions, first_offset| DiscoveredActor {
///     name: name.into(),
///     kind: ActorKind::Person,
///     aliases: aliases.iter().map(|a| a.to_string()).collect(),
///     mentions,
///     first_offset,
/// };
/// let rules = [actor("Turkey", &["Erdogan"], 4, 0)];
/// let tagged = [actor("Recep Tayyip Erdogan", &["Erdogan"], 3, 10), actor("Selena Torres", &[], 1, 50)];
/// let both = combine(&rules, &tagged);
/// assert_eq!(both[0].name, "Turkey");
/// assert_eq!(both[0].aliases, ["Erdogan", "Recep Tayyip Erdogan"]);
/// assert_eq!(both[1].name, "Selena Torres");
/// // Containing a name is not sharing it: the House is not the United States.
/// let rules = [actor("United States House of Representatives", &[], 2, 0)];
/// let tagged = [actor("United States", &["U.S."], 2, 5)];
/// assert_eq!(combine(&rules, &tagged).len(), 2);
/// // A title the rules kept does not make two people.
/// let rules = [actor("Assemblywoman Selena Torres", &[], 1, 0)];
/// let tagged = [actor("Selena Torres", &[], 1, 14)];
/// assert_eq!(combine(&rules, &tagged).len(), 1);
/// ```
pub fn combine(rules: &[DiscoveredActor], tagged: &[DiscoveredActor]) -> Vec<DiscoveredActor> {
    let mut all: Vec<DiscoveredActor> = rules.to_vec();
    let known = rules.len();
    for actor in tagged {
        let existing = (0..known)
            .find(|&i| shares_a_form(&all[i], actor))
            .or_else(|| (0..known).find(|&i| titled_form_of(&all[i], actor)));
        match existing {
            Some(i) => {
                let target = &mut all[i];
                for form in std::iter::once(&actor.name).chain(&actor.aliases) {
                    if *form != target.name && !target.aliases.contains(form) {
                        target.aliases.push(form.clone());
                    }
                }
                target.mentions = target.mentions.max(actor.mentions);
                target.first_offset = target.first_offset.min(actor.first_offset);
            }
            None => all.push(actor.clone()),
        }
    }
    rank_actors(&mut all);
    all
}

/// Whether two actors have a name or alias in common, ignoring case.
fn shares_a_form(a: &DiscoveredActor, b: &DiscoveredActor) -> bool {
    let forms = |x: &DiscoveredActor| -> Vec<String> {
        std::iter::once(&x.name)
            .chain(&x.aliases)
            .map(|f| f.to_lowercase())
            .collect()
    };
    let theirs = forms(b);
    forms(a).iter().any(|f| theirs.contains(f))
}

/// Whether `tagged` is a person whose name ends one of `rule`'s forms, as "Selena Torres" ends
/// "Assemblywoman Selena Torres" (the rules keep a title the tagger leaves out).
fn titled_form_of(rule: &DiscoveredActor, tagged: &DiscoveredActor) -> bool {
    if tagged.kind != ActorKind::Person {
        return false;
    }
    let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_lowercase).collect() };
    std::iter::once(&tagged.name)
        .chain(&tagged.aliases)
        .map(|f| words(f))
        .any(|short| {
            std::iter::once(&rule.name)
                .chain(&rule.aliases)
                .map(|f| words(f))
                .any(|long| long.len() > short.len() && long.ends_with(&short))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(
        name: &str,
        kind: ActorKind,
        aliases: &[&str],
        first_offset: usize,
    ) -> DiscoveredActor {
        DiscoveredActor {
            name: name.into(),
            kind,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            mentions: 1,
            first_offset,
        }
    }

    #[test]
    fn a_tagged_actor_the_rules_missed_is_added() {
        let rules = [
            actor("Erdogan", ActorKind::Organisation, &[], 0),
            actor("Turkey", ActorKind::Country, &[], 13),
        ];
        let tagged = [
            actor("Erdogan", ActorKind::Person, &[], 0),
            actor("Turkey", ActorKind::Country, &[], 13),
            actor("Iran", ActorKind::Country, &["Tehran"], 77),
        ];
        let names: Vec<String> = combine(&rules, &tagged)
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["Erdogan", "Turkey", "Iran"]);
    }
}
