//! A word's capitalisation as a token type id. The base encoder is uncased: its tokenizer lowers
//! every letter, so "Bush" the president and "bush" the plant reach it as the same pieces. A
//! tagger trained with casing types reads each piece's word shape through BERT's token-type
//! embeddings (one row per shape), which transformers loads like any other token type.

/// How many casing types there are (the tagger's `type_vocab_size`).
pub const CASING_TYPES: usize = 3;

/// The casing type of `word`: 0 no capital letter (also digits, punctuation and special
/// tokens), 1 a capital first letter ("Paris", "McCain", a lone "I"), 2 capitals only, at least
/// two of them ("EU", "NATO", "U.S.").
///
/// ```
/// use stance::ner::casing::casing_type;
/// assert_eq!(casing_type("minister"), 0);
/// assert_eq!(casing_type("1997"), 0);
/// assert_eq!(casing_type("Paris"), 1);
/// assert_eq!(casing_type("McCain"), 1);
/// assert_eq!(casing_type("I"), 1);
/// assert_eq!(casing_type("NATO"), 2);
/// assert_eq!(casing_type("U.S."), 2);
/// assert_eq!(casing_type("iPhone"), 0);
/// ```
pub fn casing_type(word: &str) -> u32 {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = letters.next() else {
        return 0;
    };
    if !first.is_uppercase() {
        return 0;
    }
    let mut rest = 0usize;
    let mut all_upper = true;
    for c in letters {
        rest += 1;
        all_upper &= c.is_uppercase();
    }
    if rest > 0 && all_upper {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_below_the_count() {
        for word in [
            "", "a", "A", "AB", "Ab", "ab", "É", "ÉU", "x-Y", "[CLS]", "--",
        ] {
            assert!((casing_type(word) as usize) < CASING_TYPES, "{word}");
        }
    }

    #[test]
    fn non_latin_capitals_count() {
        assert_eq!(casing_type("Ürümqi"), 1);
        assert_eq!(casing_type("ΕΕ"), 2);
        assert_eq!(casing_type("北京"), 0);
    }
}
