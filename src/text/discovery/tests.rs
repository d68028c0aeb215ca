//! Discovery by example: each test is one rule stated on a short article.

use super::*;

fn find<'x>(actors: &'x [DiscoveredActor], name: &str) -> Option<&'x DiscoveredActor> {
    actors.iter().find(|a| a.name == name)
}

#[test]
fn title_full_name_and_later_surname_merge() {
    let text = "Senator Maria Delgado opened the hearing. Delgado said the bill was flawed. \
                Later Delgado walked out.";
    let actors = discover_actors(text);
    let m = find(&actors, "Maria Delgado").expect("person found");
    assert_eq!(m.kind, ActorKind::Person);
    assert_eq!(m.aliases, vec!["Delgado".to_string()]);
    assert_eq!(m.mentions, 3);
    assert_eq!(m.first_offset, 8);
    assert!(actors.iter().all(|a| a.name != "Senator Maria Delgado"));
}

#[test]
fn honorific_surname_merges_into_full_name() {
    let text = "Barack Obama said he would go. Mr. Obama later changed his mind.";
    let actors = discover_actors(text);
    let o = find(&actors, "Barack Obama").expect("found");
    assert!(o.aliases.contains(&"Obama".to_string()), "{o:?}");
    assert_eq!(o.mentions, 2);
}

#[test]
fn executive_with_country_merges_into_country() {
    let text = "Portuguese Prime Minister Tomas Avelar met farmers. Avelar said prices \
                would fall. Lisbon has promised aid.";
    let actors = discover_actors(text);
    let p = find(&actors, "Portugal").expect("country");
    assert_eq!(p.kind, ActorKind::Country);
    for alias in ["Portuguese", "Tomas Avelar", "Avelar", "Lisbon"] {
        assert!(p.aliases.contains(&alias.to_string()), "{alias} in {p:?}");
    }
    assert_eq!(p.mentions, 4);
}

#[test]
fn capital_metonym_counts_only_as_actor() {
    let actors = discover_actors("Ankara said it would respond. The talks were held in Oslo.");
    let t = find(&actors, "Turkey").expect("metonym");
    assert_eq!(t.aliases, vec!["Ankara".to_string()]);
    assert!(find(&actors, "Norway").is_none(), "{actors:?}");
}

#[test]
fn demonym_before_actor_noun() {
    let actors =
        discover_actors("Chilean officials rejected the plan. The Chilean wine harvest was good.");
    let c = find(&actors, "Chile").expect("demonym");
    assert_eq!(c.mentions, 1);
    assert_eq!(c.aliases, vec!["Chilean".to_string()]);
}

#[test]
fn government_merges_into_country_but_regional_government_stays() {
    let text = "The Iraqi central government rejected the vote. The Kurdistan Regional \
                Government (KRG) said Erbil would not back down. The KRG held firm.";
    let actors = discover_actors(text);
    let iraq = find(&actors, "Iraq").expect("iraq");
    assert!(iraq.aliases.contains(&"Iraqi".to_string()));
    let krg = find(&actors, "Kurdistan Regional Government").expect("krg");
    assert_eq!(krg.kind, ActorKind::Organisation);
    assert!(krg.aliases.contains(&"KRG".to_string()));
    assert!(krg.aliases.contains(&"Erbil".to_string()));
    assert_eq!(krg.mentions, 4);
}

#[test]
fn acronym_in_parentheses_becomes_alias() {
    let text = "The Coastal Fishers Cooperative (CFC) opposed the quota. A CFC official \
                said boats would stay in port. CFC members voted.";
    let actors = discover_actors(text);
    let c = find(&actors, "Coastal Fishers Cooperative").expect("org");
    assert_eq!(c.kind, ActorKind::Organisation);
    assert_eq!(c.aliases, vec!["CFC".to_string()]);
    assert_eq!(c.mentions, 4);
}

#[test]
fn national_title_joins_the_dateline_country() {
    let text = "LIMA, May 2 (wire) - Peru will sell the utility, Economy Minister Rosa \
                Quilca said. Peru expects bids soon.";
    let actors = discover_actors(text);
    let peru = find(&actors, "Peru").expect("peru");
    assert!(
        peru.aliases.contains(&"Rosa Quilca".to_string()),
        "{actors:?}"
    );
    assert_eq!(actors.len(), 1, "{actors:?}");
}

#[test]
fn appositive_title_ties_person_to_organisation() {
    let text = "\"Costs will rise,\" said Pedro Alves, chairman of the Coastal Hauliers \
                Association. Alves said more.";
    let actors = discover_actors(text);
    let org = find(&actors, "Coastal Hauliers Association").expect("org");
    assert_eq!(
        org.aliases,
        vec!["Pedro Alves".to_string(), "Alves".to_string()]
    );
    assert_eq!(org.mentions, 3);
}

#[test]
fn locations_only_are_not_actors() {
    let text = "Protests spread in France, Belgium and Ireland. Germany backed the deal.";
    let names: Vec<String> = discover_actors(text).into_iter().map(|a| a.name).collect();
    assert_eq!(names, vec!["Germany".to_string()]);
}

#[test]
fn dateline_is_ignored() {
    let text = "NAIROBI, March 3 (Reuters) - Kenyan officials said on Tuesday the dam \
                would go ahead.";
    let actors = discover_actors(text);
    assert!(actors
        .iter()
        .all(|a| a.name != "Reuters" && a.name != "NAIROBI"));
    let k = find(&actors, "Kenya").expect("kenya from demonym");
    assert_eq!(k.aliases, vec!["Kenyan".to_string()]);
    assert_eq!(k.mentions, 1);
}

#[test]
fn sentence_initial_words_and_months_are_not_actors() {
    let actors = discover_actors(
        "However, prices rose in January. Diplomats said little. After Monday, nothing.",
    );
    assert!(actors.is_empty(), "{actors:?}");
}

#[test]
fn speech_verb_signals_unknown_person_and_org() {
    let text = "\"We will not pay,\" said Ingrid Solberg. Brightwater, a utility, warned \
                of shortages.";
    let actors = discover_actors(text);
    assert_eq!(
        find(&actors, "Ingrid Solberg").map(|a| a.kind),
        Some(ActorKind::Person)
    );
    assert_eq!(
        find(&actors, "Brightwater").map(|a| a.kind),
        Some(ActorKind::Organisation)
    );
}

#[test]
fn empty_and_odd_input_does_not_panic() {
    assert!(discover_actors("").is_empty());
    assert!(discover_actors("   \n\t ").is_empty());
    let _ = discover_actors("'s ’s - ( ) \"“”. A. B. U.S. —");
    let _ = discover_actors("Çağlar Gürsoy söyledi. Ünal said. 東京 said. Ωmega Corp said.");
    let _ = discover_actors(&"Minister ".repeat(2000));
    let _ = known_aliases("", "");
    let _ = known_aliases("Ünal", "Ünal");
    assert_eq!(match_counts(&[], &[]), (0, 0, 0));
}

#[test]
fn non_ascii_names_are_found() {
    let text = "Agriculture Minister Hélène Marchand said the deal was unfair. Marchand \
                repeated it. Gábor Szalai, Hungary's foreign minister, agreed.";
    let actors = discover_actors(text);
    let h = find(&actors, "Hélène Marchand").expect("accented name");
    assert_eq!(h.aliases, vec!["Marchand".to_string()]);
    let hu = find(&actors, "Hungary").expect("hungary");
    assert!(hu.aliases.contains(&"Gábor Szalai".to_string()), "{hu:?}");
}

#[test]
fn known_aliases_from_gazetteer_and_name() {
    let text = "Ankara objected. Turkish diplomats left. Erdogan spoke. The KRG and Erbil \
                replied.";
    assert_eq!(known_aliases("Turkey", text), vec!["Ankara", "Turkish"]);
    assert_eq!(
        known_aliases("the Kurdistan Regional Government", text),
        vec!["KRG", "Erbil"]
    );
    assert_eq!(known_aliases("Recep Tayyip Erdogan", text), vec!["Erdogan"]);
    assert!(known_aliases("Turkey", "Nothing here.").is_empty());
    let defined = "The Harbour Pilots Guild (HPG) struck.";
    assert_eq!(known_aliases("Harbour Pilots Guild", defined), vec!["HPG"]);
}

#[test]
fn match_counts_uses_aliases_and_whole_words() {
    let found = vec![
        DiscoveredActor {
            name: "Turkey".into(),
            kind: ActorKind::Country,
            aliases: vec!["Erdogan".into()],
            mentions: 2,
            first_offset: 0,
        },
        DiscoveredActor {
            name: "Erdo".into(),
            kind: ActorKind::Person,
            aliases: vec![],
            mentions: 1,
            first_offset: 0,
        },
    ];
    let gold = vec![
        ("Recep Tayyip Erdogan".to_string(), vec![]),
        (
            "the Iraqi government".to_string(),
            vec!["Baghdad".to_string()],
        ),
    ];
    assert_eq!(match_counts(&found, &gold), (1, 2, 2));
}

#[test]
fn ordering_is_by_mentions_then_first_offset() {
    let actors = discover_actors("Peru objected. Chile said no. Chile left.");
    let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["Chile", "Peru"]);
}
