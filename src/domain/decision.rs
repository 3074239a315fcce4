//! The PCC's decision on a question, on Cleveland's three-point scale.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The PCC's decision on one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Assured,
    PartlyAssured,
    NotAssured,
}

impl Decision {
    /// Every decision, best first.
    pub const ALL: [Decision; 3] = [Decision::Assured, Decision::PartlyAssured, Decision::NotAssured];

    /// The value stored in the database and used in addresses (`?decision=`).
    pub fn code(self) -> &'static str {
        match self {
            Decision::Assured => "assured",
            Decision::PartlyAssured => "partly_assured",
            Decision::NotAssured => "not_assured",
        }
    }

    /// The wording the public reads.
    pub fn label(self) -> &'static str {
        match self {
            Decision::Assured => "Assured",
            Decision::PartlyAssured => "Partly assured",
            Decision::NotAssured => "Not assured",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.code() == code)
    }

    /// Reads the wording as people write it ("Assured", "partly  assured"…).
    pub fn from_label(text: &str) -> Option<Decision> {
        let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
        let normal = words.join(" ");
        Decision::ALL
            .into_iter()
            .find(|d| d.label().to_lowercase() == normal || d.code() == normal)
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_codes_read_back() {
        for d in Decision::ALL {
            assert_eq!(Decision::from_code(d.code()), Some(d));
            assert_eq!(Decision::from_label(d.label()), Some(d));
        }
        assert_eq!(
            Decision::from_label("  partly\tASSURED "),
            Some(Decision::PartlyAssured)
        );
        assert_eq!(Decision::from_label("No decision recorded"), None);
    }
}
