//! What changed between two versions of a record, word by word: the PCC's
//! review marks what changed since they last saw it, and a correction's
//! public page what changed from the revision before. The comparison is
//! pure: spans of text, each kept, removed or added, that a template draws
//! (escaped) with `<del>` and `<ins>`. The same shapes describe a record
//! compared with nothing, every span kept, so one template draws both.

use std::hash::Hash;

use similar::{Algorithm, DiffTag, TextDiff, capture_diff_slices_by_key};

use super::outline::{Item, Marker, Outline};

mod record;

pub use record::{DocumentDiff, QuestionDiff, RecordDiff, decision_label};

/// Whether a piece of text is in both versions, only the old, or only the new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Same,
    Removed,
    Added,
}

/// A run of text with one mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub mark: Mark,
    pub text: String,
}

/// `text` unchanged: one kept span (none for empty text).
pub fn same(text: &str) -> Vec<Span> {
    marked(Mark::Same, text)
}

fn marked(mark: Mark, text: &str) -> Vec<Span> {
    if text.is_empty() {
        return Vec::new();
    }
    vec![Span {
        mark,
        text: text.to_owned(),
    }]
}

/// `old` and `new` compared word by word, runs of one mark joined. Spaces
/// kept between two changes join them, so that a changed phrase reads as
/// one removal and one addition, not word against word.
pub fn words(old: &str, new: &str) -> Vec<Span> {
    // Unchanged text is one kept span, as the comparison would find, without
    // cutting it into words (every public page compares a record with itself).
    if old == new {
        return same(new);
    }
    compare_words(old, new)
}

fn compare_words(old: &str, new: &str) -> Vec<Span> {
    let diff = TextDiff::from_words(old, new);
    let mut out = Vec::new();
    // Changes, and the spaces between them, since the last kept word.
    let mut run: Vec<Span> = Vec::new();
    for change in diff.iter_all_changes() {
        let mark = match change.tag() {
            similar::ChangeTag::Equal => Mark::Same,
            similar::ChangeTag::Delete => Mark::Removed,
            similar::ChangeTag::Insert => Mark::Added,
        };
        let text = change.value();
        if mark == Mark::Same && !text.trim().is_empty() {
            flush(&mut run, &mut out);
            push(&mut out, mark, text);
        } else {
            run.push(Span {
                mark,
                text: text.to_owned(),
            });
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Appends `text` with `mark`, joined to the last span if it has the same.
fn push(out: &mut Vec<Span>, mark: Mark, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.mark == mark => last.text.push_str(text),
        _ => out.push(Span {
            mark,
            text: text.to_owned(),
        }),
    }
}

/// Writes a run of changes and spaces as kept spaces, the removed text,
/// the added text, and kept spaces.
fn flush(run: &mut Vec<Span>, out: &mut Vec<Span>) {
    let first = run.iter().position(|s| s.mark != Mark::Same);
    let last = run.iter().rposition(|s| s.mark != Mark::Same);
    let (Some(first), Some(last)) = (first, last) else {
        run.drain(..).for_each(|s| push(out, s.mark, &s.text));
        return;
    };
    let text = |keep: Mark| -> String {
        run[first..=last]
            .iter()
            .filter(|s| s.mark == keep || s.mark == Mark::Same)
            .map(|s| s.text.as_str())
            .collect()
    };
    let (removed, added) = (text(Mark::Removed), text(Mark::Added));
    run[..first].iter().for_each(|s| push(out, Mark::Same, &s.text));
    push(out, Mark::Removed, &removed);
    push(out, Mark::Added, &added);
    run[last + 1..]
        .iter()
        .for_each(|s| push(out, Mark::Same, &s.text));
    run.clear();
}

/// Whether any span was removed or added.
pub fn is_changed(spans: &[Span]) -> bool {
    spans.iter().any(|s| s.mark != Mark::Same)
}

/// How an element of a list lines up with the other version's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Paired<'a, T> {
    /// In both (perhaps changed inside): old, then new.
    Both(&'a T, &'a T),
    Removed(&'a T),
    Added(&'a T),
}

/// Lines up two lists by `key`: equal keys pair; where a run of old
/// elements gives way to new ones, they pair in order, the rest removed or
/// added.
pub fn pair<'a, T, K: Eq + Hash>(old: &'a [T], new: &'a [T], key: impl Fn(&T) -> K) -> Vec<Paired<'a, T>> {
    // A list compared with itself (a record compared with nothing) pairs
    // each element with itself.
    if std::ptr::eq(old, new) {
        return old.iter().map(|o| Paired::Both(o, o)).collect();
    }
    let mut out = Vec::new();
    for op in capture_diff_slices_by_key(Algorithm::Myers, old, new, key) {
        let (tag, olds, news) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => out.extend(olds.zip(news).map(|(o, n)| Paired::Both(&old[o], &new[n]))),
            DiffTag::Delete => out.extend(olds.map(|o| Paired::Removed(&old[o]))),
            DiffTag::Insert => out.extend(news.map(|n| Paired::Added(&new[n]))),
            DiffTag::Replace => {
                let both = olds.len().min(news.len());
                let (olds, news): (Vec<_>, Vec<_>) = (olds.collect(), news.collect());
                out.extend((0..both).map(|i| Paired::Both(&old[olds[i]], &new[news[i]])));
                out.extend(olds[both..].iter().map(|&o| Paired::Removed(&old[o])));
                out.extend(news[both..].iter().map(|&n| Paired::Added(&new[n])));
            }
        }
    }
    // Where a removal and an addition meet, the ops come as a delete then an
    // insert: pair them, as for a replacement.
    join_replacements(out)
}

fn join_replacements<T>(pairs: Vec<Paired<'_, T>>) -> Vec<Paired<'_, T>> {
    let mut out: Vec<Paired<'_, T>> = Vec::with_capacity(pairs.len());
    let mut removed: Vec<&T> = Vec::new();
    for p in pairs {
        match p {
            Paired::Removed(o) => removed.push(o),
            Paired::Added(n) if !removed.is_empty() => out.push(Paired::Both(removed.remove(0), n)),
            other => {
                out.extend(removed.drain(..).map(Paired::Removed));
                out.push(other);
            }
        }
    }
    out.extend(removed.drain(..).map(Paired::Removed));
    out
}

/// A line of a list (a person, a document's title) with its mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub mark: Mark,
    pub spans: Vec<Span>,
}

/// Two lists of lines compared: kept lines word by word.
pub fn lines(old: &[String], new: &[String]) -> Vec<Line> {
    pair(old, new, Clone::clone)
        .into_iter()
        .map(|p| match p {
            Paired::Both(o, n) => Line {
                mark: Mark::Same,
                spans: words(o, n),
            },
            Paired::Removed(o) => Line {
                mark: Mark::Removed,
                spans: marked(Mark::Removed, o),
            },
            Paired::Added(n) => Line {
                mark: Mark::Added,
                spans: marked(Mark::Added, n),
            },
        })
        .collect()
}

/// How many lines of `new` differ from `old`'s, compared line by line: a
/// line changed, removed or added counts one (the audit log's "3 lines
/// changed").
pub fn changed_lines(old: &str, new: &str) -> usize {
    let (old, new): (Vec<String>, Vec<String>) = (
        old.lines().map(str::to_owned).collect(),
        new.lines().map(str::to_owned).collect(),
    );
    lines(&old, &new)
        .iter()
        .filter(|l| l.mark != Mark::Same || is_changed(&l.spans))
        .count()
}

/// One item of an outline compared: `mark` says whether the whole item was
/// removed or added; a kept item's paragraphs are compared word by word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDiff {
    pub mark: Mark,
    pub marker: Marker,
    pub paragraphs: Vec<Vec<Span>>,
    pub children: Vec<ItemDiff>,
}

/// Two outlines compared, item by item at every depth.
pub fn outline(old: &Outline, new: &Outline) -> Vec<ItemDiff> {
    items(&old.items, &new.items)
}

fn items(old: &[Item], new: &[Item]) -> Vec<ItemDiff> {
    pair(old, new, |i| i.paragraphs.clone())
        .into_iter()
        .map(|p| match p {
            Paired::Both(o, n) => ItemDiff {
                mark: Mark::Same,
                marker: n.marker,
                paragraphs: lines(&o.paragraphs, &n.paragraphs)
                    .into_iter()
                    .map(|l| l.spans)
                    .collect(),
                children: items(&o.children, &n.children),
            },
            Paired::Removed(o) => whole(o, Mark::Removed),
            Paired::Added(n) => whole(n, Mark::Added),
        })
        .collect()
}

fn whole(item: &Item, mark: Mark) -> ItemDiff {
    ItemDiff {
        mark,
        marker: item.marker,
        paragraphs: item.paragraphs.iter().map(|p| marked(mark, p)).collect(),
        children: item.children.iter().map(|c| whole(c, mark)).collect(),
    }
}

/// Whether anything in an outline's comparison changed.
pub fn outline_changed(diff: &[ItemDiff]) -> bool {
    diff.iter().any(|i| {
        i.mark != Mark::Same || i.paragraphs.iter().any(|p| is_changed(p)) || outline_changed(&i.children)
    })
}

#[cfg(test)]
mod tests {
    use super::Mark::*;
    use super::*;

    fn span(mark: Mark, text: &str) -> Span {
        Span {
            mark,
            text: text.to_owned(),
        }
    }

    /// A text, or a list, compared with itself comes out as the full
    /// comparison would have it, without making it.
    #[test]
    fn the_unchanged_shortcuts_agree_with_the_comparison() {
        for text in ["", "one", "two  words", " spaced\nout\t text ", "a, b; c."] {
            assert_eq!(words(text, text), compare_words(text, text), "{text:?}");
        }
        let list: Vec<String> = ["a", "b", "a"].map(String::from).to_vec();
        let copy = list.clone();
        let shortcut: Vec<(String, String)> = pair(&list, &list, Clone::clone)
            .into_iter()
            .map(|p| match p {
                Paired::Both(o, n) => (o.clone(), n.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        let compared: Vec<(String, String)> = pair(&list, &copy, Clone::clone)
            .into_iter()
            .map(|p| match p {
                Paired::Both(o, n) => (o.clone(), n.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(shortcut, compared);
    }

    #[test]
    fn changed_words_are_marked_and_the_rest_kept() {
        assert_eq!(
            words("The Force has a plan.", "The Force has a new plan."),
            [
                span(Same, "The Force has a "),
                span(Added, "new "),
                span(Same, "plan.")
            ]
        );
        assert_eq!(
            words("Speed cameras work.", "Speed vans work."),
            [
                span(Same, "Speed "),
                span(Removed, "cameras"),
                span(Added, "vans"),
                span(Same, " work.")
            ]
        );
        assert_eq!(
            words("A clear plan.", "A plan, not yet results."),
            [
                span(Same, "A "),
                span(Removed, "clear plan."),
                span(Added, "plan, not yet results.")
            ]
        );
        assert_eq!(words("Same.", "Same."), [span(Same, "Same.")]);
        assert_eq!(words("", "New."), [span(Added, "New.")]);
        assert!(!is_changed(&words("Same.", "Same.")));
        assert_eq!(same(""), []);
    }

    #[test]
    fn lists_pair_equal_lines_and_replaced_ones_in_order() {
        let old = ["Ann, Chair".to_owned(), "Bob".to_owned()];
        let new = ["Ann, Chair".to_owned(), "Rob".to_owned(), "Cat".to_owned()];
        let got = lines(&old, &new);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].spans, [span(Same, "Ann, Chair")]);
        assert_eq!(got[1].spans, [span(Removed, "Bob"), span(Added, "Rob")]);
        assert_eq!(
            got[2],
            Line {
                mark: Added,
                spans: vec![span(Added, "Cat")]
            }
        );
        let gone = lines(&old[..1], &[]);
        assert_eq!(gone[0].mark, Removed);
    }

    #[test]
    fn changed_lines_count_each_line_changed_removed_or_added_once() {
        assert_eq!(changed_lines("a\nb\nc", "a\nb\nc"), 0);
        assert_eq!(changed_lines("a\nb\nc\nd", "a\nB\nC\nd\ne"), 3);
        assert_eq!(changed_lines("a\nb", "a"), 1);
        assert_eq!(changed_lines("", "- New.\n- Newer."), 2);
    }

    #[test]
    fn outlines_compare_item_by_item_at_every_depth() {
        let old = Outline::parse("- A plan.\n  - Two parts.\n- Old bullet.").expect("outline");
        let new = Outline::parse("- A plan.\n  - Three parts.\n- New bullet.\n- Added.").expect("outline");
        let diff = outline(&old, &new);
        assert!(outline_changed(&diff));
        assert_eq!(diff[0].paragraphs, [vec![span(Same, "A plan.")]]);
        assert_eq!(
            diff[0].children[0].paragraphs,
            [vec![
                span(Removed, "Two"),
                span(Added, "Three"),
                span(Same, " parts.")
            ]]
        );
        assert_eq!(
            diff[1].paragraphs,
            [vec![
                span(Removed, "Old"),
                span(Added, "New"),
                span(Same, " bullet.")
            ]]
        );
        assert_eq!(diff[1].mark, Same);
        assert_eq!(diff[2].mark, Added);
        assert!(!outline_changed(&outline(&new, &new)));
    }
}
