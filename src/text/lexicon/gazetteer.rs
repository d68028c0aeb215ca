//! The gazetteer: countries and territories (`places.tsv`) and organisations
//! (`organisations.tsv`) with the forms that refer to each, written from general knowledge.
//!
//! Names are stored without accents and without a leading "the": the matcher folds accents
//! ("Élysée" → "Elysee"), treats hyphens as spaces and ignores dots ("U.S." → "US"), so one
//! spelling per form is enough. Matching is case-sensitive, which keeps "US"/"us", "WHO"/"who"
//! and "Turkey"/"turkey" apart. Rows are sorted by canonical name and no form belongs to two
//! rows (checked by the tests), so their order means nothing.
//!
//! ```
//! use stance::text::lexicon::gazetteer::{places, PlaceKind};
//! let turkey = places().iter().find(|p| p.name == "Turkey").unwrap();
//! assert_eq!(turkey.kind, PlaceKind::State);
//! assert!(turkey.metonyms.contains(&"Ankara"));
//! ```

use std::sync::LazyLock;

/// Whether a place is a sovereign state or a territory/region inside or beside one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// A sovereign (or widely treated as sovereign) state.
    State,
    /// A territory, region or nation without full sovereignty.
    Territory,
}

/// A country or territory and the forms that refer to it.
#[derive(Debug)]
pub struct Place {
    /// Canonical name ("United States").
    pub name: &'static str,
    /// State or territory.
    pub kind: PlaceKind,
    /// Other full names ("America", "Britain").
    pub names: Vec<&'static str>,
    /// Abbreviations ("US", "UK", "UAE").
    pub abbrevs: Vec<&'static str>,
    /// Capitals and seats of power used as metonyms ("Washington", "White House").
    pub metonyms: Vec<&'static str>,
    /// Adjectives/demonyms ("American").
    pub demonyms: Vec<&'static str>,
    /// Canonical name of the [`Org`] that governs a territory, when it has one: an article that
    /// names that government gets the territory's mentions merged into it.
    pub government: Option<&'static str>,
}

/// An organisation (international body, bloc, party, agency, armed group, NGO, company).
#[derive(Debug)]
pub struct Org {
    /// Canonical name ("European Union").
    pub name: &'static str,
    /// Other full names.
    pub names: Vec<&'static str>,
    /// Acronyms and short names ("EU").
    pub abbrevs: Vec<&'static str>,
    /// Seats used as metonyms ("Brussels" for the EU, "Erbil" for the KRG).
    pub metonyms: Vec<&'static str>,
    /// Adjectives that stand for the organisation before an actor noun ("European officials").
    pub demonyms: Vec<&'static str>,
}

impl Place {
    /// Every form the gazetteer lists for the place, its canonical name first.
    pub fn forms(&self) -> impl Iterator<Item = &'static str> + '_ {
        all_forms(
            self.name,
            [&self.names, &self.abbrevs, &self.metonyms, &self.demonyms],
        )
    }
}

impl Org {
    /// Every form the gazetteer lists for the organisation, its canonical name first.
    pub fn forms(&self) -> impl Iterator<Item = &'static str> + '_ {
        all_forms(
            self.name,
            [&self.names, &self.abbrevs, &self.metonyms, &self.demonyms],
        )
    }
}

/// A row's canonical name, then the forms of its lists in order.
fn all_forms<'r>(
    name: &'static str,
    lists: [&'r Vec<&'static str>; 4],
) -> impl Iterator<Item = &'static str> + 'r {
    std::iter::once(name).chain(lists.into_iter().flatten().copied())
}

const PLACES_FILE: &str = include_str!("places.tsv");
const ORGANISATIONS_FILE: &str = include_str!("organisations.tsv");

/// The two tables by file name, for the lexicon tests.
#[cfg(test)]
pub(super) const TABLE_FILES: &[(&str, &str)] = &[
    ("places.tsv", PLACES_FILE),
    ("organisations.tsv", ORGANISATIONS_FILE),
];

/// The canonical names of a table's rows in file order, for the lexicon tests.
#[cfg(test)]
pub(super) fn table_names(file: &str, text: &'static str) -> Vec<&'static str> {
    let column = if file == "places.tsv" { 1 } else { 0 };
    rows(text)
        .map(|(_, fields)| fields.get(column).copied().unwrap_or(""))
        .collect()
}

/// Countries (UN members, observers, Taiwan, Kosovo) and major territories/regions.
pub fn places() -> &'static [Place] {
    static PLACES: LazyLock<Vec<Place>> = LazyLock::new(|| {
        rows(PLACES_FILE)
            .map(|(line, f)| {
                expect_fields("places.tsv", line, &f, 7);
                Place {
                    kind: match f[0] {
                        "state" => PlaceKind::State,
                        "territory" => PlaceKind::Territory,
                        other => panic!("places.tsv:{line}: kind `{other}`"),
                    },
                    name: f[1],
                    names: list(f[2]),
                    abbrevs: list(f[3]),
                    metonyms: list(f[4]),
                    demonyms: list(f[5]),
                    government: Some(f[6]).filter(|g| !g.is_empty()),
                }
            })
            .collect()
    });
    &PLACES
}

/// International bodies, blocs, regional governments, well-known parties, agencies, armed
/// groups, NGOs and companies that often act in the news.
pub fn orgs() -> &'static [Org] {
    static ORGS: LazyLock<Vec<Org>> = LazyLock::new(|| {
        rows(ORGANISATIONS_FILE)
            .map(|(line, f)| {
                expect_fields("organisations.tsv", line, &f, 5);
                Org {
                    name: f[0],
                    names: list(f[1]),
                    abbrevs: list(f[2]),
                    metonyms: list(f[3]),
                    demonyms: list(f[4]),
                }
            })
            .collect()
    });
    &ORGS
}

/// (line number, tab-separated fields) of every row that is not a comment.
fn rows(text: &'static str) -> impl Iterator<Item = (usize, Vec<&'static str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(index, line)| (index + 1, line.split('\t').collect()))
}

/// The tables are compiled in and checked by the tests, so a malformed row is a defect of the
/// build, not of user input.
fn expect_fields(file: &str, line: usize, fields: &[&str], count: usize) {
    assert_eq!(
        fields.len(),
        count,
        "{file}:{line}: {count} tab-separated fields expected"
    );
}

fn list(field: &'static str) -> Vec<&'static str> {
    field.split('|').filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn tables_parse_and_keep_their_rows() {
        assert!(places().len() > 200);
        assert!(orgs().len() > 100);
        let kurdistan = places().iter().find(|p| p.name == "Kurdistan").unwrap();
        assert_eq!(kurdistan.kind, PlaceKind::Territory);
        assert_eq!(kurdistan.government, Some("Kurdistan Regional Government"));
        let eu = orgs().iter().find(|o| o.name == "European Union").unwrap();
        assert_eq!(eu.abbrevs, ["EU"]);
    }

    #[test]
    fn every_government_named_by_a_territory_is_an_organisation() {
        for place in places() {
            if let Some(government) = place.government {
                assert!(
                    orgs().iter().any(|o| o.name == government),
                    "{}: government `{government}` not in organisations.tsv",
                    place.name
                );
            }
        }
    }

    #[test]
    fn no_form_belongs_to_two_rows() {
        let mut owner: HashMap<&str, &str> = HashMap::new();
        let all = places()
            .iter()
            .map(|p| (p.name, p.forms().collect::<Vec<_>>()))
            .chain(orgs().iter().map(|o| (o.name, o.forms().collect())));
        for (name, forms) in all {
            for form in forms {
                if let Some(other) = owner.insert(form, name) {
                    assert_eq!(other, name, "`{form}` is listed for `{other}` and `{name}`");
                }
            }
        }
    }
}
