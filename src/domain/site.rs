//! The office's own site: who publishes the records and how to reach them.
//! Each setting is set by an admin (`/staff/settings`) or by the server's
//! flag or environment variable, which wins; unset, a default stands in.

use chrono::NaiveDate;

/// The office's name when none is set.
pub const DEFAULT_OFFICE_NAME: &str = "Office of the Police and Crime Commissioner";

/// Longest office name, force area, email or phone number.
pub const MAX_LINE_CHARS: usize = 200;
/// Longest postal address.
pub const MAX_ADDRESS_CHARS: usize = 500;
/// Largest logo: a header logo is a few kilobytes.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;

/// The settings as stored or given, each empty when not set.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SiteFields {
    pub office_name: String,
    pub force_area: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub postal_address: String,
    pub public_url: String,
    pub accessibility_checked_on: Option<NaiveDate>,
}

impl SiteFields {
    /// These fields, each replaced by `overrides`' where that is set.
    pub fn overridden_by(&self, overrides: &SiteFields) -> SiteFields {
        let pick = |given: &String, stored: &String| if given.is_empty() { stored } else { given }.clone();
        SiteFields {
            office_name: pick(&overrides.office_name, &self.office_name),
            force_area: pick(&overrides.force_area, &self.force_area),
            contact_email: pick(&overrides.contact_email, &self.contact_email),
            contact_phone: pick(&overrides.contact_phone, &self.contact_phone),
            postal_address: pick(&overrides.postal_address, &self.postal_address),
            public_url: pick(&overrides.public_url, &self.public_url),
            accessibility_checked_on: overrides
                .accessibility_checked_on
                .or(self.accessibility_checked_on),
        }
    }
}

/// A logo's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoType {
    Png,
    Svg,
}

impl LogoType {
    pub fn media_type(self) -> &'static str {
        match self {
            LogoType::Png => "image/png",
            LogoType::Svg => "image/svg+xml",
        }
    }

    pub fn from_media_type(media_type: &str) -> Option<LogoType> {
        match media_type {
            "image/png" => Some(LogoType::Png),
            "image/svg+xml" => Some(LogoType::Svg),
            _ => None,
        }
    }
}

/// What the site shows: every setting resolved, defaults included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub office_name: String,
    pub force_area: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub postal_address: String,
    /// Without a trailing slash: `https://scrutiny.example.org`.
    pub public_url: String,
    pub accessibility_checked_on: Option<NaiveDate>,
    /// The logo's address, which changes with every save, if there is one.
    pub logo_url: Option<String>,
    /// The stored settings' version (0 before they are read).
    pub version: i32,
}

impl Site {
    /// The site from `fields` (stored, then overridden), with `public_url`
    /// standing in when none is set, and the logo saved at `logo_version`.
    pub fn resolve(fields: &SiteFields, default_public_url: &str, logo_version: Option<i32>) -> Site {
        let or = |value: &str, default: &str| if value.is_empty() { default } else { value }.to_owned();
        Site {
            office_name: or(&fields.office_name, DEFAULT_OFFICE_NAME),
            force_area: fields.force_area.clone(),
            contact_email: fields.contact_email.clone(),
            contact_phone: fields.contact_phone.clone(),
            postal_address: fields.postal_address.clone(),
            public_url: or(&fields.public_url, default_public_url),
            accessibility_checked_on: fields.accessibility_checked_on,
            logo_url: logo_version.map(|v| format!("/site/logo?v={v}")),
            version: 0,
        }
    }

    /// Whether the public has a way to reach the office: the accessibility
    /// regulations require one.
    pub fn has_contact(&self) -> bool {
        !(self.contact_email.is_empty() && self.contact_phone.is_empty() && self.postal_address.is_empty())
    }

    /// The postal address, a line at a time.
    pub fn address_lines(&self) -> Vec<&str> {
        self.postal_address
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The phone number as a `tel:` address: its digits and a leading `+`.
    pub fn phone_href(&self) -> String {
        let digits: String = self
            .contact_phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        format!("tel:{digits}")
    }
}

impl Default for Site {
    fn default() -> Site {
        Site::resolve(&SiteFields::default(), "http://127.0.0.1:3000", None)
    }
}

/// Checks a phone number as people write them: digits, spaces, `+`, `(`,
/// `)` and `-`, with between 6 and 15 digits.
pub fn check_phone(text: &str) -> Result<(), &'static str> {
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '-'));
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if allowed && (6..=15).contains(&digits) {
        Ok(())
    } else {
        Err("Enter a phone number, like 01642 301653 or +44 1642 301653")
    }
}

/// An `http` or `https` address with a host and no query, without its
/// trailing slash.
pub fn check_public_url(value: &str) -> Result<String, &'static str> {
    let url = value.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("The public address must start with http:// or https://")?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || rest.contains(['?', '#', ' ', '"', '<', '>', '\\']) {
        return Err("The public address must be a web address such as https://scrutiny.example.org");
    }
    Ok(url.to_owned())
}

/// Checks a logo: a PNG, or an SVG that is only a picture (no script, no
/// event handlers, nothing fetched from elsewhere, no DTD). An SVG is shown
/// in an `<img>`, where scripts never run, but it can also be opened
/// directly; and it must not load anything that tells another site who
/// looks at the page.
pub fn check_logo(bytes: &[u8]) -> Result<LogoType, String> {
    if bytes.is_empty() {
        return Err("Choose a PNG or SVG file".into());
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(format!(
            "The logo must be {} KB or smaller",
            MAX_LOGO_BYTES / 1024
        ));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(LogoType::Png);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "The logo must be a PNG or SVG file".to_owned())?;
    check_svg(text).map(|()| LogoType::Svg)
}

const ELSEWHERE: &str = "The SVG must not load anything from elsewhere";

/// Refuses CSS (an attribute's or a `<style>`'s) that loads from elsewhere.
fn fetches_elsewhere(css: &str) -> Result<(), String> {
    let css: String = css
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '\\'))
        .collect::<String>()
        .to_ascii_lowercase();
    let loads = css.contains("@import") || css.contains("javascript:");
    let far = css
        .match_indices("url(")
        .any(|(at, _)| !css[at + 4..].starts_with('#'));
    if loads || far {
        Err(ELSEWHERE.into())
    } else {
        Ok(())
    }
}

fn check_svg(text: &str) -> Result<(), String> {
    use quick_xml::events::Event;

    const FORBIDDEN: [&str; 8] = [
        "script",
        "foreignobject",
        "iframe",
        "embed",
        "object",
        "audio",
        "video",
        "handler",
    ];
    let not_svg = || "The logo must be a PNG or SVG file".to_owned();
    let mut reader = quick_xml::Reader::from_str(text);
    let mut root_seen = false;
    loop {
        let event = reader.read_event().map_err(|_| not_svg())?;
        let element = match &event {
            Event::Start(e) | Event::Empty(e) => e,
            Event::DocType(_) => return Err("The SVG must not have a DOCTYPE".into()),
            Event::Text(t) => {
                fetches_elsewhere(t)?;
                continue;
            }
            Event::CData(t) => {
                fetches_elsewhere(t)?;
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = AsRef::<str>::as_ref(&element.local_name()).to_ascii_lowercase();
        if !root_seen && name != "svg" {
            return Err(not_svg());
        }
        root_seen = true;
        if FORBIDDEN.contains(&name.as_str()) {
            return Err(format!(
                "The SVG must be a picture only: it has a <{name}> element"
            ));
        }
        for attribute in element.attributes() {
            let attribute = attribute.map_err(|_| not_svg())?;
            let key = AsRef::<str>::as_ref(&attribute.key.local_name()).to_ascii_lowercase();
            let value = attribute.value.trim().to_ascii_lowercase();
            if key.starts_with("on") {
                return Err(format!(
                    "The SVG must be a picture only: it has an {key} attribute"
                ));
            }
            let inside = value.starts_with('#') || value.starts_with("data:image/png");
            if (key == "href" || key == "src") && !inside {
                return Err(ELSEWHERE.into());
            }
            fetches_elsewhere(&value)?;
        }
    }
    if root_seen { Ok(()) } else { Err(not_svg()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs><rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>"##;

    #[test]
    fn a_png_and_a_plain_svg_are_logos() {
        assert_eq!(check_logo(b"\x89PNG\r\n\x1a\n rest"), Ok(LogoType::Png));
        assert_eq!(check_logo(SVG.as_bytes()), Ok(LogoType::Svg));
    }

    #[test]
    fn an_svg_that_runs_or_fetches_anything_is_refused() {
        for bad in [
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://t.example/x)"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>hi</p></foreignObject></svg>"#,
            r#"<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>"#,
            r#"<html><svg/></html>"#,
            "GIF89a",
            "",
        ] {
            assert!(check_logo(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_logo_larger_than_the_limit_is_refused() {
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(MAX_LOGO_BYTES + 1, 0);
        assert!(check_logo(&big).unwrap_err().contains("512 KB"));
    }

    #[test]
    fn phone_numbers_are_written_as_people_write_them() {
        for good in ["01642 301653", "+44 (0)1642 301-653", "999999"] {
            assert_eq!(check_phone(good), Ok(()), "{good}");
        }
        for bad in ["call us", "12345", "0164230165312345678", "01642 301653 ext. 4"] {
            assert!(check_phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_setting_given_to_the_server_wins_over_the_stored_one() {
        let stored = SiteFields {
            office_name: "Stored".into(),
            contact_email: "stored@example.org".into(),
            ..SiteFields::default()
        };
        let given = SiteFields {
            office_name: "Given".into(),
            ..SiteFields::default()
        };
        let both = stored.overridden_by(&given);
        assert_eq!(both.office_name, "Given");
        assert_eq!(both.contact_email, "stored@example.org");
        let site = Site::resolve(&SiteFields::default(), "http://0.0.0.0:1", Some(3));
        assert_eq!(site.office_name, DEFAULT_OFFICE_NAME);
        assert_eq!(site.public_url, "http://0.0.0.0:1");
        assert_eq!(site.logo_url.as_deref(), Some("/site/logo?v=3"));
    }

    #[test]
    fn a_phone_number_becomes_a_tel_address_of_its_digits() {
        let site = Site {
            contact_phone: "+44 (0)1642 301-653".into(),
            ..Site::default()
        };
        assert_eq!(site.phone_href(), "tel:+4401642301653");
    }
}
