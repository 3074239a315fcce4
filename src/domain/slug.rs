//! The stable public address of a meeting: `2024-12-03-stalking`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A meeting's slug: its date, then its topic in lower-case words joined by
/// hyphens. Only values of that shape can exist.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MeetingSlug(String);

/// Longest slug accepted; the database checks the same.
pub const MAX_SLUG_LEN: usize = 120;

impl MeetingSlug {
    /// Builds the slug of a meeting on `date` about `topic`; `None` when the
    /// topic has no letters or digits at all.
    pub fn new(date: NaiveDate, topic: &str) -> Option<MeetingSlug> {
        let words = topic_slug(topic)?;
        let mut slug = format!("{}-{words}", date.format("%Y-%m-%d"));
        if slug.len() > MAX_SLUG_LEN {
            slug.truncate(MAX_SLUG_LEN);
            slug = slug.trim_end_matches('-').to_owned();
        }
        Some(MeetingSlug(slug))
    }

    /// Parses a slug from an address.
    pub fn parse(text: &str) -> Option<MeetingSlug> {
        let ok = text.is_ascii()
            && text.len() <= MAX_SLUG_LEN
            && text.len() > 11
            && NaiveDate::parse_from_str(&text[..10], "%Y-%m-%d").is_ok()
            && text.as_bytes()[10] == b'-'
            && text[11..]
                .split('-')
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        ok.then(|| MeetingSlug(text.to_owned()))
    }

    /// The slug with `-2`, `-3`… appended, to keep slugs unique.
    pub fn with_suffix(&self, n: u32) -> MeetingSlug {
        MeetingSlug(format!("{}-{n}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A topic as it appears in addresses: "Violence Against Women & Girls" →
/// `violence-against-women-girls`. `None` when nothing is left.
pub fn topic_slug(topic: &str) -> Option<String> {
    let words: Vec<String> = topic
        .split(|c: char| !c.is_alphanumeric())
        .filter_map(|w| {
            let ascii: String = w
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            (!ascii.is_empty()).then_some(ascii)
        })
        .collect();
    (!words.is_empty()).then(|| words.join("-"))
}

impl fmt::Display for MeetingSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for MeetingSlug {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        MeetingSlug::parse(&value).ok_or_else(|| format!("not a meeting slug: {value:?}"))
    }
}

impl From<MeetingSlug> for String {
    fn from(slug: MeetingSlug) -> String {
        slug.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn a_slug_is_the_date_then_the_topic() {
        let slug = MeetingSlug::new(date(2024, 12, 3), "Stalking").expect("slug");
        assert_eq!(slug.as_str(), "2024-12-03-stalking");
        let slug = MeetingSlug::new(date(2025, 1, 9), "  Violence Against Women & Girls (VAWG) ");
        assert_eq!(
            slug.expect("slug").as_str(),
            "2025-01-09-violence-against-women-girls-vawg"
        );
    }

    #[test]
    fn a_topic_without_letters_has_no_slug() {
        assert_eq!(MeetingSlug::new(date(2024, 12, 3), " & — "), None);
    }

    #[test]
    fn malformed_slugs_are_refused() {
        for bad in [
            "",
            "2024-12-03",
            "2024-12-03-",
            "2024-13-03-stalking",
            "2024-12-03--x",
            "2024-12-03-Stalking",
            "../etc/passwd",
            "2024-12-03-stalking.json",
            "2024-12-03-stalk ing",
            "2024-12-03-é",
        ] {
            assert_eq!(MeetingSlug::parse(bad), None, "{bad:?}");
        }
        assert!(MeetingSlug::parse("2024-12-03-stalking-2").is_some());
    }

    #[test]
    fn non_ascii_input_never_panics() {
        for text in ["ééééééééééééé", "2024-12-0é-x", "😀😀😀😀😀😀😀😀😀😀😀😀"]
        {
            assert_eq!(MeetingSlug::parse(text), None);
        }
    }
}
