//! The limits on what the record's fields may hold and the links it may
//! carry: the rules the editor applies to what staff type, and `scrutiny
//! restore` to an export, from this one place.

/// Longest topic (of a meeting or a forward-plan entry), in characters.
pub const MAX_TOPIC_CHARS: usize = 200;
/// Longest place of a meeting.
pub const MAX_PLACE_CHARS: usize = 300;
/// Longest kind of meeting ("Scrutiny meeting").
pub const MAX_KIND_CHARS: usize = 100;
/// Longest introduction to a meeting.
pub const MAX_INTRODUCTION_CHARS: usize = 20_000;
/// Longest list of attendees or apologies, as typed; so also the longest
/// name or role in it.
pub const MAX_PEOPLE_CHARS: usize = 20_000;
/// Longest question text.
pub const MAX_QUESTION_CHARS: usize = 10_000;
/// Longest evidence text.
pub const MAX_EVIDENCE_CHARS: usize = 200_000;
/// Longest rationale of a decision.
pub const MAX_RATIONALE_CHARS: usize = 10_000;
/// Longest action text, and progress note.
pub const MAX_ACTION_CHARS: usize = 5_000;
/// Longest owner of an action, and name of a person with an account.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest title of a document or link.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest file name of a stored document.
pub const MAX_FILE_NAME_CHARS: usize = 255;
/// Longest link address.
pub const MAX_LINK_CHARS: usize = 2_000;
/// Longest reason (for a correction, a withdrawal, a reinstatement) or
/// forward-plan note.
pub const MAX_REASON_CHARS: usize = 2_000;
/// Longest comment of the PCC sending a record back.
pub const MAX_COMMENT_CHARS: usize = 5_000;
/// Largest stored document, in bytes.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The beginnings of the only links a record may carry: web pages and mail
/// addresses, never `javascript:`, `data:` or any other scheme a browser
/// would run or open in place.
pub const LINK_SCHEMES: [&str; 3] = ["https://", "http://", "mailto:"];

/// Checks that `text` is at most `max` characters and holds no NUL (which
/// PostgreSQL's text cannot hold); the message names the field by `label`.
pub fn check_length(label: &str, text: &str, max: usize) -> Result<(), String> {
    if text.contains('\0') {
        Err(format!("{label} must not contain NUL characters"))
    } else if text.chars().count() > max {
        Err(format!("{label} must be {max} characters or fewer"))
    } else {
        Ok(())
    }
}

/// Checks a link's address: one of [`LINK_SCHEMES`] (in any case), then
/// something, with no control characters, and at most
/// [`MAX_LINK_CHARS`].
pub fn check_link(address: &str) -> Result<(), &'static str> {
    let lower = address.get(..8).unwrap_or(address).to_ascii_lowercase();
    let scheme = LINK_SCHEMES.iter().find(|s| lower.starts_with(*s));
    match scheme {
        None => Err("The address must start with https://, http:// or mailto:"),
        Some(s) if address.len() == s.len() => {
            Err("The address must go on after its https://, http:// or mailto:")
        }
        Some(_) if address.chars().any(char::is_control) => {
            Err("The address must not contain control characters")
        }
        Some(_) if address.chars().count() > MAX_LINK_CHARS => {
            Err("The address must be 2000 characters or fewer")
        }
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_and_mail_links_are_allowed_and_nothing_else() {
        for good in [
            "https://example.org/plan",
            "HTTP://example.org",
            "mailto:opcc@example.org",
        ] {
            assert_eq!(check_link(good), Ok(()), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "/documents/1",
            "//evil.example",
            "https://",
            "https://example.org/\n",
            "",
        ] {
            assert!(check_link(bad).is_err(), "{bad:?}");
        }
        assert!(check_link(&format!("https://{}", "a".repeat(MAX_LINK_CHARS))).is_err());
    }

    #[test]
    fn lengths_count_characters_and_refuse_nul() {
        assert_eq!(check_length("Topic", "ééé", 3), Ok(()));
        assert!(
            check_length("Topic", "éééé", 3)
                .unwrap_err()
                .contains("3 characters")
        );
        assert!(check_length("Topic", "a\0b", 3).unwrap_err().contains("NUL"));
    }
}
