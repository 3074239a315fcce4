//! Web and email addresses in text, shown as links. Text stays plain
//! wherever it is kept (the outline, the frozen revision, the open data);
//! only the page draws an address as a link. An imported link is kept as
//! its text followed by its address ("the plan (https://…)"), so it is a
//! link here too.

use linkify::{LinkFinder, LinkKind};

/// Schemes drawn as links; any other address stays text.
const SCHEMES: [&str; 2] = ["https://", "http://"];

/// A run of text, and the address it links to when it is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    pub text: &'a str,
    pub href: Option<String>,
}

/// `text` parted into plain runs and links: `https:` and `http:`
/// addresses, and email addresses (linked with `mailto:`). Punctuation
/// around an address, such as the brackets of "(https://…)" or a full
/// stop after it, is not part of it.
pub fn parts(text: &str) -> Vec<Part<'_>> {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url, LinkKind::Email]);
    finder
        .spans(text)
        .map(|span| {
            let href = match span.kind() {
                Some(LinkKind::Email) => Some(format!("mailto:{}", span.as_str())),
                Some(LinkKind::Url) => {
                    let address = span.as_str();
                    let lower = address.get(..8).unwrap_or(address).to_ascii_lowercase();
                    SCHEMES
                        .iter()
                        .any(|scheme| lower.starts_with(scheme))
                        .then(|| address.to_owned())
                }
                _ => None,
            };
            Part {
                text: span.as_str(),
                href,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each part as its text, or as `[text](href)` when it is a link.
    /// Each link as `[text](href)`, and the text between links as one
    /// run, as a page shows it (an address left as text is a run of its
    /// own beside the words around it).
    fn drawn(text: &str) -> Vec<String> {
        let mut drawn: Vec<(bool, String)> = Vec::new();
        for part in parts(text) {
            match (part.href, drawn.last_mut()) {
                (Some(href), _) => drawn.push((true, format!("[{}]({href})", part.text))),
                (None, Some((false, last))) => last.push_str(part.text),
                (None, _) => drawn.push((false, part.text.to_owned())),
            }
        }
        drawn.into_iter().map(|(_, text)| text).collect()
    }

    #[test]
    fn an_imported_link_is_a_link_without_its_brackets() {
        assert_eq!(
            drawn("See the plan (https://example.org/plan?a=1&b=2). Then more."),
            [
                "See the plan (",
                "[https://example.org/plan?a=1&b=2](https://example.org/plan?a=1&b=2)",
                "). Then more.",
            ]
        );
    }

    #[test]
    fn email_addresses_are_mailto_links() {
        assert_eq!(
            drawn("Write to opcc@example.gov.uk, or mailto:pcc@example.gov.uk."),
            [
                "Write to ",
                "[opcc@example.gov.uk](mailto:opcc@example.gov.uk)",
                ", or mailto:",
                "[pcc@example.gov.uk](mailto:pcc@example.gov.uk)",
                ".",
            ]
        );
    }

    #[test]
    fn other_schemes_and_bare_names_stay_text() {
        for text in [
            "javascript:alert(1)",
            "ftp://example.org/file",
            "data:text/html,<b>x</b>",
            "see example.org or www.example.org",
            "file:///etc/passwd",
            "get ftp://example.org/file here, or [https://] not",
        ] {
            assert_eq!(drawn(text), [text], "{text}");
        }
        assert!(drawn("").is_empty());
    }

    #[test]
    fn the_scheme_is_matched_in_any_case() {
        assert_eq!(
            drawn("HTTPS://Example.org/A"),
            ["[HTTPS://Example.org/A](HTTPS://Example.org/A)"]
        );
    }
}
