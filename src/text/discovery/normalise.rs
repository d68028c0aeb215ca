//! Text normalisation: folding accents and quotes, normalised lookup keys, and the word
//! shape tests (capitalised, acronym, roman numeral) the other stages share.

/// Folds common Latin diacritics to ASCII, keeping case ("É" → "E", "ı" → "i").
pub(super) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    let lower = c.to_lowercase().next().unwrap_or(c);
    let base = match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ğ' | 'ģ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
        'ķ' => 'k',
        'ł' | 'ľ' | 'ļ' => 'l',
        'ñ' | 'ń' | 'ň' | 'ņ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'ť' | 'ţ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        '’' | '‘' | 'ʼ' => '\'',
        '–' | '—' | '‐' => '-',
        _ => return c,
    };
    if c.is_uppercase() {
        base.to_ascii_uppercase()
    } else {
        base
    }
}

/// Lookup key: accents folded, hyphens as spaces, dots dropped, whitespace collapsed; case kept.
pub(super) fn norm_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().map(fold_char) {
        match c {
            '.' => {}
            '-' => out.push(' '),
            c if c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops a leading "the " / "The ".
pub(super) fn strip_leading_the(s: &str) -> &str {
    for prefix in ["the ", "The ", "THE "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return rest.trim_start();
        }
    }
    s
}

/// Whitespace runs (including line breaks) collapsed to one space.
pub(super) fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

pub(super) fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '‘' | '’' | '\'' | '«' | '»')
}

pub(super) fn first_char(s: &str) -> char {
    s.chars().next().unwrap_or(' ')
}

pub(super) fn is_capitalised(s: &str) -> bool {
    first_char(s).is_uppercase()
}

/// Two or more letters, all upper case ("KRG", "U.S.", "G7" counts through its letter).
pub(super) fn is_acronym(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

/// Acronym-like: at least two capitals, few letters ("BevSA", "AfDB", "KRG").
pub(super) fn is_acronym_like(s: &str) -> bool {
    let upper = s.chars().filter(|c| c.is_uppercase()).count();
    let len = s.chars().count();
    is_capitalised(s) && upper >= 2 && len <= 10 && !s.contains(' ')
}

pub(super) fn is_roman_numeral(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
}
