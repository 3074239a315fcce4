//! Form checking shared by the staff pages: each error belongs to a field,
//! and the page shows them in a summary at the top that links to each field
//! (the GOV.UK pattern), with the user's input kept.

use chrono::NaiveDate;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The field's `id`, linked from the summary.
    pub field: String,
    pub message: String,
}

/// The problems found in a form, in the order of its fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Checks free text: no NUL, at most `max` characters, and present when
    /// `required`. Returns it trimmed.
    pub fn text(&mut self, field: &str, label: &str, value: &str, max: usize, required: bool) -> String {
        let value = value.trim();
        if value.contains('\0') {
            self.add(field, format!("{label} must not contain NUL characters"));
        } else if value.chars().count() > max {
            self.add(field, format!("{label} must be {max} characters or fewer"));
        } else if required && value.is_empty() {
            self.add(field, format!("Enter {}", label.to_lowercase()));
        }
        value.to_owned()
    }

    /// Checks a date typed as `YYYY-MM-DD` (what a date input sends).
    pub fn date(&mut self, field: &str, label: &str, value: &str, required: bool) -> Option<NaiveDate> {
        let value = value.trim();
        if value.is_empty() {
            if required {
                self.add(field, format!("Enter {}", label.to_lowercase()));
            }
            return None;
        }
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(date) if (1900..=2200).contains(&chrono::Datelike::year(&date)) => Some(date),
            _ => {
                self.add(field, format!("{label} must be a real date, like 2024-12-03"));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_dates_are_refused_with_a_message() {
        let mut errors = Errors::default();
        assert_eq!(
            errors.date("held_on", "Date", "2024-12-03", true),
            NaiveDate::from_ymd_opt(2024, 12, 3)
        );
        assert!(errors.is_empty());
        for bad in ["2024-02-30", "2024-13-01", "03/12/2024", "tomorrow", "0001-01-01"] {
            let mut errors = Errors::default();
            assert_eq!(errors.date("held_on", "Date", bad, true), None, "{bad}");
            assert_eq!(
                errors.get("held_on"),
                Some("Date must be a real date, like 2024-12-03")
            );
        }
        let mut errors = Errors::default();
        errors.date("held_on", "Date", "  ", true);
        assert_eq!(errors.get("held_on"), Some("Enter date"));
    }

    #[test]
    fn text_is_trimmed_and_checked_for_nul_and_length() {
        let mut errors = Errors::default();
        assert_eq!(errors.text("topic", "Topic", "  Stalking ", 10, true), "Stalking");
        errors.text("a", "Topic", "x\0y", 10, true);
        errors.text("b", "Topic", &"x".repeat(11), 10, true);
        errors.text("c", "Topic", "", 10, true);
        errors.text("d", "Place", "", 10, false);
        assert_eq!(errors.0.len(), 3);
        assert_eq!(errors.get("a"), Some("Topic must not contain NUL characters"));
        assert_eq!(errors.get("b"), Some("Topic must be 10 characters or fewer"));
        assert_eq!(errors.get("c"), Some("Enter topic"));
    }
}
