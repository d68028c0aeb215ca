//! Matching a discovered actor against labelled names: the word sequences of each name and
//! a maximum bipartite matching between the two sides ([`super::match_counts`]).

use super::*;

/// Lower-cased, accent-folded word sequences of each form, without a leading "the".
pub(super) fn match_forms<'a>(forms: impl Iterator<Item = &'a String>) -> Vec<Vec<String>> {
    forms
        .map(|f| {
            let folded: String = f.chars().map(fold_char).collect::<String>().to_lowercase();
            let mut words: Vec<String> = folded
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            if words.len() > 1 && words[0] == "the" {
                words.remove(0);
            }
            words
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether any form of one side equals or contains (as whole words) any form of the other.
pub(super) fn forms_match(a: &[Vec<String>], b: &[Vec<String>]) -> bool {
    a.iter().any(|x| {
        b.iter()
            .any(|y| contains_words(x, y) || contains_words(y, x))
    })
}

/// Whether `needle` occurs as a contiguous word sequence in `hay`.
pub(super) fn contains_words(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty()
        && needle.len() <= hay.len()
        && hay.windows(needle.len()).any(|w| w == needle)
}

/// Size of a maximum bipartite matching (Kuhn's augmenting paths; the graphs are tiny).
pub(super) fn maximum_matching(edges: &[Vec<usize>], right: usize) -> usize {
    pub(super) fn augment(
        u: usize,
        edges: &[Vec<usize>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for &v in &edges[u] {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            if owner[v].is_none_or(|w| augment(w, edges, seen, owner)) {
                owner[v] = Some(u);
                return true;
            }
        }
        false
    }
    let mut owner = vec![None; right];
    (0..edges.len())
        .filter(|&u| augment(u, edges, &mut vec![false; right], &mut owner))
        .count()
}
