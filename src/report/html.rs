//! The report page: a fixed HTML skeleton with the stylesheet, the script and the data inlined.
//!
//! Safety of hostile article text rests on two things:
//! - the data is embedded as JSON in a `<script type="application/json">` element, with `<`, `>`
//!   and `&` written as `\u003c`, `\u003e`, `\u0026`, so no text can close the element or open
//!   markup; the script renders it through text nodes only;
//! - the page's Content-Security-Policy allows only its own inline script and stylesheet (by
//!   SHA-256 hash) and no fetches at all, so even markup that slipped through could neither run
//!   nor load anything. That also guarantees that the page works offline.

use base64::Engine;

use super::ReportData;
use crate::error::{Error, Result};

const TEMPLATE: &str = include_str!("assets/report.html");
const STYLE: &str = include_str!("assets/report.css");
const SCRIPT: &str = include_str!("assets/report.js");

/// The template's slots, in the order they appear.
const SLOTS: [&str; 4] = [
    "<!--slot:csp-->",
    "<!--slot:css-->",
    "<!--slot:data-->",
    "<!--slot:js-->",
];

/// `value` as JSON that is inert inside a `<script>` element.
pub fn script_safe_json(value: &impl serde::Serialize) -> Result<String> {
    let json = serde_json::to_string(value).map_err(|e| Error::InvalidInput(e.to_string()))?;
    // These characters only occur inside JSON strings, where the escapes mean the same.
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// The CSP source expression that allows exactly the inline element holding `content`.
fn hash_source(content: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, content.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    )
}

/// The page's Content-Security-Policy: nothing may load; only the page's own script and style
/// run.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; \
         form-action 'none'",
        hash_source(SCRIPT),
        hash_source(STYLE)
    )
}

/// The whole page for `data`.
pub fn render_html(data: &ReportData) -> Result<String> {
    let json = script_safe_json(data)?;
    let fills = [
        content_security_policy(),
        STYLE.to_string(),
        json,
        SCRIPT.to_string(),
    ];
    let mut page =
        String::with_capacity(TEMPLATE.len() + fills.iter().map(String::len).sum::<usize>());
    let mut rest = TEMPLATE;
    // Slots are found in the template only, never in what was already filled in.
    for (slot, fill) in SLOTS.iter().zip(&fills) {
        let Some((before, after)) = rest.split_once(slot) else {
            return Err(Error::InvalidInput(format!("report template lacks {slot}")));
        };
        page.push_str(before);
        page.push_str(fill);
        rest = after;
    }
    page.push_str(rest);
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cannot_close_its_script_element() {
        let json =
            script_safe_json(&serde_json::json!({"t": "</script><script>alert(1)</script>&"}))
                .unwrap();
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["t"], "</script><script>alert(1)</script>&");
    }

    #[test]
    fn template_has_each_slot_once_in_order() {
        let mut rest = TEMPLATE;
        for slot in SLOTS {
            assert_eq!(TEMPLATE.matches(slot).count(), 1, "{slot}");
            rest = rest.split_once(slot).expect("in order").1;
        }
        assert!(!SCRIPT.contains("innerHTML") && !SCRIPT.contains("insertAdjacentHTML"));
        assert!(!SCRIPT.contains("</script") && !STYLE.contains("</style"));
    }
}
