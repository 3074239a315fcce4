//! One rendering of a record (templates/meetings/record.html), used by the
//! public page, the staff preview and the PCC's review, so that what the PCC
//! approves is what the public reads. The record is drawn from its
//! comparison with an earlier version: with none, every span is kept and
//! the page is the public one; with one, changes are marked inline.

use chrono::{DateTime, Utc};

use crate::db::actions::Action;
use crate::db::public::records::Published;
use crate::domain::diff::{ItemDiff, Mark, RecordDiff, Span};
use crate::domain::outline::Marker;
use crate::domain::record::{PublicAction, PublicRecord};

/// When and why the record was published, on public pages.
#[derive(Debug, Clone)]
pub struct Publication {
    pub revision: i32,
    pub published_at: DateTime<Utc>,
    pub first_published_at: DateTime<Utc>,
    pub reason: Option<String>,
}

/// A record to draw: the record, its comparison with an earlier version
/// (or with nothing), its actions, and its publication if it has one.
#[derive(Debug, Clone)]
pub struct RecordView {
    pub record: PublicRecord,
    pub diff: RecordDiff,
    pub actions: Vec<PublicAction>,
    pub publication: Option<Publication>,
    /// Whether each action's progress since publication is shown (not on
    /// a superseded revision's page, which shows nothing live).
    pub show_progress: bool,
}

impl RecordView {
    /// A published revision, compared with `before` if given.
    pub fn published(
        published: Published,
        actions: Vec<PublicAction>,
        before: Option<&PublicRecord>,
    ) -> RecordView {
        let publication = Publication {
            revision: published.revision,
            published_at: published.published_at,
            first_published_at: published.first_published_at,
            reason: published.reason,
        };
        RecordView {
            diff: RecordDiff::new(before, &published.record),
            record: published.record,
            actions,
            publication: Some(publication),
            show_progress: true,
        }
    }

    /// The same, as a revision a later one replaced: the actions as agreed
    /// in it, without their progress since.
    pub fn superseded(self) -> RecordView {
        RecordView {
            show_progress: false,
            ..self
        }
    }

    /// The live record, unpublished, with its live actions, compared with
    /// `before` if given.
    pub fn live(record: PublicRecord, actions: Vec<Action>, before: Option<&PublicRecord>) -> RecordView {
        RecordView {
            diff: RecordDiff::new(before, &record),
            record,
            actions: actions.into_iter().map(public_action).collect(),
            publication: None,
            show_progress: true,
        }
    }

    /// The address form of the record's topic, for `/topics/{topic}`.
    pub fn topic_slug(&self) -> Option<String> {
        crate::domain::slug::topic_slug(&self.record.topic)
    }

    /// Whether the publication shown corrects an earlier one.
    pub fn is_corrected(&self) -> bool {
        self.publication.as_ref().is_some_and(|p| p.revision > 1)
    }

    /// Whether anything is marked as changed.
    pub fn is_changed(&self) -> bool {
        self.diff.is_changed()
    }
}

fn public_action(a: Action) -> PublicAction {
    PublicAction {
        number: a.number as u32,
        text: a.fields.body,
        owner: a.fields.owner,
        due_on: a.fields.due_on,
        status: a.fields.status,
        // A preview does not date the status.
        status_changed_on: None,
        progress: a.progress,
    }
}

/// One step of drawing a compared outline, as `outline_view::Step` draws a
/// plain one; a kept item draws exactly as there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffStep<'a> {
    OpenList {
        numbered: bool,
    },
    CloseList {
        numbered: bool,
    },
    /// An item, removed or added as a whole, or kept.
    OpenItem(Mark),
    CloseItem,
    Text(&'a [Span]),
    Paragraph(&'a [Span]),
}

/// The steps that draw a compared outline.
pub fn diff_steps(items: &[ItemDiff]) -> Vec<DiffStep<'_>> {
    let mut out = Vec::new();
    push_items(items, &mut out);
    out
}

fn push_items<'a>(items: &'a [ItemDiff], out: &mut Vec<DiffStep<'a>>) {
    let mut open: Option<bool> = None;
    for item in items {
        let numbered = item.marker == Marker::Numbered;
        if item.marker == Marker::Plain {
            if let Some(numbered) = open.take() {
                out.push(DiffStep::CloseList { numbered });
            }
            out.extend(item.paragraphs.iter().map(|p| DiffStep::Paragraph(p)));
            push_items(&item.children, out);
            continue;
        }
        if open.is_some_and(|n| n != numbered) {
            out.push(DiffStep::CloseList { numbered: !numbered });
            open = None;
        }
        if open.is_none() {
            out.push(DiffStep::OpenList { numbered });
            open = Some(numbered);
        }
        out.push(DiffStep::OpenItem(item.mark));
        out.extend(item.paragraphs.iter().map(|p| DiffStep::Text(p)));
        push_items(&item.children, out);
        out.push(DiffStep::CloseItem);
    }
    if let Some(numbered) = open {
        out.push(DiffStep::CloseList { numbered });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Outline;
    use crate::domain::diff::outline;
    use crate::web::outline_view::{Step, steps};

    /// A kept outline draws as the plain outline does, step for step.
    #[test]
    fn a_kept_outline_steps_as_the_plain_one() {
        let o = Outline::parse("Intro:\n- a\n  1. b\n- c\nEnd.").expect("outline");
        let diff = outline(&o, &o);
        let plain: Vec<String> = steps(&o)
            .into_iter()
            .map(|s| match s {
                Step::OpenList { numbered } => format!("open {numbered}"),
                Step::CloseList { numbered } => format!("close {numbered}"),
                Step::OpenItem => "li".into(),
                Step::CloseItem => "/li".into(),
                Step::Text(t) => format!("text {t}"),
                Step::Paragraph(t) => format!("p {t}"),
            })
            .collect();
        let text = |s: &[Span]| s.iter().map(|s| s.text.as_str()).collect::<String>();
        let compared: Vec<String> = diff_steps(&diff)
            .into_iter()
            .map(|s| match s {
                DiffStep::OpenList { numbered } => format!("open {numbered}"),
                DiffStep::CloseList { numbered } => format!("close {numbered}"),
                DiffStep::OpenItem(_) => "li".into(),
                DiffStep::CloseItem => "/li".into(),
                DiffStep::Text(t) => format!("text {}", text(t)),
                DiffStep::Paragraph(t) => format!("p {}", text(t)),
            })
            .collect();
        assert_eq!(plain, compared);
    }
}
