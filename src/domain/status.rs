//! Where a record is on its journey: draft → with the PCC → published, back
//! to draft with a comment, corrected (draft again while its last revision
//! stays public), or withdrawn. The rules of the journey live here, so a new
//! state is one variant (and one migration for the database's check).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The status of a meeting's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    /// Staff are writing it (for the first time, or for a correction).
    Draft,
    /// With the PCC for review: locked for staff.
    InReview,
    /// Its latest revision is public.
    Published,
    /// Taken off the public site, with a notice giving the reason; the PCC
    /// can reinstate it, with a reason.
    Withdrawn,
}

impl MeetingStatus {
    /// Every status, in the order of the journey.
    pub const ALL: [MeetingStatus; 4] = [
        MeetingStatus::Draft,
        MeetingStatus::InReview,
        MeetingStatus::Published,
        MeetingStatus::Withdrawn,
    ];

    /// The value stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            MeetingStatus::Draft => "draft",
            MeetingStatus::InReview => "in_review",
            MeetingStatus::Published => "published",
            MeetingStatus::Withdrawn => "withdrawn",
        }
    }

    /// The wording staff read.
    pub fn label(self) -> &'static str {
        match self {
            MeetingStatus::Draft => "Draft",
            MeetingStatus::InReview => "With the PCC",
            MeetingStatus::Published => "Published",
            MeetingStatus::Withdrawn => "Withdrawn",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<MeetingStatus> {
        MeetingStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether staff may change the record itself (its details, questions,
    /// evidence and documents).
    pub fn is_editable(self) -> bool {
        self == MeetingStatus::Draft
    }

    /// Whether the record's actions may still be worked on (their status and
    /// progress): everywhere but on a withdrawn record.
    pub fn actions_editable(self) -> bool {
        self != MeetingStatus::Withdrawn
    }

    /// Whether the journey allows the step from `self` to `next`: send to
    /// the PCC, send back, publish, start a correction, withdraw, reinstate.
    /// Withdrawal is allowed from any state of a record that has been
    /// published before; that fact is the record's, not its status's.
    pub fn may_become(self, next: MeetingStatus) -> bool {
        use MeetingStatus::*;
        matches!(
            (self, next),
            (Draft, InReview)
                | (InReview, Draft)
                | (InReview, Published)
                | (Published, Draft)
                | (Draft | InReview | Published, Withdrawn)
                | (Withdrawn, Published)
        )
    }
}

impl fmt::Display for MeetingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::MeetingStatus::*;
    use super::*;

    #[test]
    fn codes_read_back() {
        for s in MeetingStatus::ALL {
            assert_eq!(MeetingStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(MeetingStatus::from_code("Draft"), None);
    }

    #[test]
    fn only_a_draft_is_editable() {
        let editable: Vec<_> = MeetingStatus::ALL
            .into_iter()
            .filter(|s| s.is_editable())
            .collect();
        assert_eq!(editable, [Draft]);
        assert!(!Withdrawn.actions_editable());
        assert!(Published.actions_editable());
    }

    #[test]
    fn the_journey_allows_its_steps_and_no_others() {
        let allowed: Vec<_> = MeetingStatus::ALL
            .into_iter()
            .flat_map(|from| MeetingStatus::ALL.into_iter().map(move |to| (from, to)))
            .filter(|(from, to)| from.may_become(*to))
            .collect();
        assert_eq!(
            allowed,
            [
                (Draft, InReview),
                (Draft, Withdrawn),
                (InReview, Draft),
                (InReview, Published),
                (InReview, Withdrawn),
                (Published, Draft),
                (Published, Withdrawn),
                (Withdrawn, Published),
            ]
        );
    }
}
