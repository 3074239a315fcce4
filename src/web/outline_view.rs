//! An outline as a flat run of steps, so that templates can draw nested lists
//! with askama's escaping and no recursion.

use crate::domain::outline::{Item, Marker, Outline};

/// One step of drawing an outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<'a> {
    /// Start a list: `ol` when numbered, else `ul`.
    OpenList {
        numbered: bool,
    },
    CloseList {
        numbered: bool,
    },
    OpenItem,
    CloseItem,
    /// A paragraph inside an item.
    Text(&'a str),
    /// A paragraph outside any list (a Plain item).
    Paragraph(&'a str),
}

/// The steps that draw `outline`.
pub fn steps(outline: &Outline) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    push_items(&outline.items, &mut out);
    out
}

fn push_items<'a>(items: &'a [Item], out: &mut Vec<Step<'a>>) {
    let mut open: Option<bool> = None;
    for item in items {
        let numbered = item.marker == Marker::Numbered;
        if item.marker == Marker::Plain {
            if let Some(numbered) = open.take() {
                out.push(Step::CloseList { numbered });
            }
            out.extend(item.paragraphs.iter().map(|p| Step::Paragraph(p)));
            push_items(&item.children, out);
            continue;
        }
        if open.is_some_and(|n| n != numbered) {
            out.push(Step::CloseList { numbered: !numbered });
            open = None;
        }
        if open.is_none() {
            out.push(Step::OpenList { numbered });
            open = Some(numbered);
        }
        out.push(Step::OpenItem);
        out.extend(item.paragraphs.iter().map(|p| Step::Text(p)));
        push_items(&item.children, out);
        out.push(Step::CloseItem);
    }
    if let Some(numbered) = open {
        out.push(Step::CloseList { numbered });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_bullets_open_and_close_their_lists() {
        let outline = Outline {
            items: vec![
                Item::plain("Intro:"),
                Item::bullet("a").with_children(vec![Item::bullet("b")]),
                Item::bullet("c"),
            ],
        };
        let got = steps(&outline);
        use Step::*;
        assert_eq!(
            got,
            vec![
                Paragraph("Intro:"),
                OpenList { numbered: false },
                OpenItem,
                Text("a"),
                OpenList { numbered: false },
                OpenItem,
                Text("b"),
                CloseItem,
                CloseList { numbered: false },
                CloseItem,
                OpenItem,
                Text("c"),
                CloseItem,
                CloseList { numbered: false },
            ]
        );
    }
}
