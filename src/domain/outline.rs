//! The outline: how staff write questions and evidence, as notes are typed
//! or pasted from Word or Google Docs. Plain text with bullets (`-`, `*`,
//! `•`, `◦`, Word's `o` and `§`…), numbers (`1.`) or letters (`a)`, `i.`)
//! nested by indentation, or by the kind of marker where a paste has none,
//! is parsed into a tree; the tree prints back as canonical text, and text →
//! tree → text is stable.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Deepest nesting accepted (a top-level bullet is depth 1).
pub const MAX_DEPTH: usize = 8;

/// How an item was introduced in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Marker {
    /// `-`, `*`, `•`, `◦`, `▪`, `‣`, `·`, `–`, `●`, `○`, `■`, and Word's
    /// `o` and `§` before a tab.
    Bullet,
    /// `1.`, `2)`, `(3)`, `a.`, `b)`, `(c)`, `i.`, `ii)` … (printed
    /// renumbered from 1).
    Numbered,
    /// A line with no marker at the top level: a plain paragraph.
    Plain,
}

/// One item of an outline: a bullet (one or more paragraphs) with its children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub marker: Marker,
    /// Never empty; each paragraph is one line of trimmed, non-empty text.
    pub paragraphs: Vec<String>,
    pub children: Vec<Item>,
}

/// A parsed outline: the top-level items in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Outline {
    pub items: Vec<Item>,
}

/// Why a text is not an acceptable outline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutlineError {
    #[error("line {line} is nested more than {MAX_DEPTH} levels deep")]
    TooDeep { line: usize },
    #[error("the text contains a NUL character on line {line}")]
    Nul { line: usize },
}

/// Characters that make a bullet when followed by whitespace, each with the
/// level it stands for in a list pasted without indentation: Word's plain
/// text marks its three levels `•`, `o`, `§` (or the Symbol and Wingdings
/// private-use characters U+F0B7, U+F0A7) and Google Docs' `●`, `○`, `■`,
/// all at the start of the line.
const BULLETS: [(char, u8); 15] = [
    ('-', 1),
    ('*', 1),
    ('•', 1),
    ('·', 1),
    ('‣', 1),
    ('–', 1),
    ('●', 1),
    ('\u{f0b7}', 1),
    ('◦', 2),
    ('○', 2),
    ('▪', 3),
    ('■', 3),
    ('\u{f0a7}', 3),
    // Word's second level; only before a tab (below), as "o" is a word.
    ('o', 2),
    ('§', 3),
];

/// Bullets that are also ordinary text, read as bullets only before a tab,
/// as Word writes them: "o" and "§ 12 of the Act" stay text.
const TAB_ONLY: [char; 2] = ['o', '§'];

/// Largest number read as a numbered marker, so that "2024. was a good year"
/// stays text.
const MAX_NUMBER: usize = 999;

/// Columns a tab counts for in indentation.
const TAB_WIDTH: usize = 4;

/// Put before a line's text to stop it being read as a marker.
const ESCAPE: char = '\\';

impl Outline {
    /// Parses an outline as staff type it or paste it from Word.
    ///
    /// - Lines end at `\n`, `\r\n` or `\r`; blank lines are ignored.
    /// - Indentation is counted in columns: a tab is 4, any other leading
    ///   whitespace (such as a non-breaking space) is 1.
    /// - A line starting with a bullet (`-`, `*`, `•`, `◦`, `▪`, `‣`, `·`,
    ///   `–`, `●`, `○`, `■`, or Word's `o` and `§` before a tab), or with a
    ///   number from 1 to 999, a letter `a`–`z` or a roman number `i`–`xxxix`
    ///   followed by `.` or `)` (or in brackets: `(a)`), then whitespace and
    ///   some text, is a bullet or numbered item. It is the child of the
    ///   nearest open item whose marker is indented less, and a sibling of
    ///   one indented equally, unless that one's marker stands for a
    ///   shallower level (`•`, `-` or `1.` before `o`, `◦` or `a.`, before
    ///   `§`, `▪` or `i.`): then it is that one's child, as Word pastes its
    ///   levels without indentation.
    /// - Any other line is a further paragraph of the nearest open item whose
    ///   marker is indented less than the line; when there is none it starts a
    ///   new top-level [`Marker::Plain`] item, which indented bullets below it
    ///   then nest under.
    /// - A line whose text starts with `\` before something that would be read
    ///   as a marker (or before another `\`) loses that one `\` and is text.
    ///
    /// Fails on a NUL character or nesting deeper than [`MAX_DEPTH`].
    pub fn parse(text: &str) -> Result<Outline, OutlineError> {
        let mut tree = Builder::default();
        for (index, line) in lines(text).enumerate() {
            let line_number = index + 1;
            if line.contains('\0') {
                return Err(OutlineError::Nul { line: line_number });
            }
            let (column, rest) = indentation(line);
            let rest = rest.trim_end();
            if rest.is_empty() {
                continue;
            }
            if let Some(written) = read_marker(rest) {
                let written = written.in_run_of(tree.open.last().filter(|open| open.column == column));
                // Open columns only ever increase up the stack, so this keeps
                // exactly the items indented less than the new one: a line
                // between two levels becomes a child of the shallower item,
                // the same as if the deeper one had never been there.
                let keep = tree.open.iter().position(|open| open.column >= column);
                // At the same indentation, a marker of a deeper level than an
                // open item's (Word's "o" after "•", "a." after "1.") is its
                // child, as a paste without indentation means it.
                let adopter = tree
                    .open
                    .iter()
                    .rposition(|open| open.column == column && open.level.is_some_and(|l| l < written.level));
                tree.close_to(adopter.map_or(keep.unwrap_or(tree.open.len()), |at| at + 1));
                tree.push_written(column, written, line_number)?;
            } else {
                let text = unescape(rest);
                // Not just the innermost item: text aligned with a parent's
                // text after a child's bullets goes back to the parent.
                match tree.open.iter().rposition(|open| open.column < column) {
                    Some(at) => {
                        tree.close_to(at + 1);
                        tree.open[at].item.paragraphs.push(text.to_owned());
                    }
                    None => {
                        // Consecutive unindented lines stay separate items:
                        // a question is typed as one paragraph per line.
                        tree.close_to(0);
                        tree.push(column, Item::plain(text), line_number)?;
                    }
                }
            }
        }
        Ok(tree.finish())
    }

    /// The outline as canonical text, which [`Outline::parse`] reads back as
    /// this same outline.
    ///
    /// Items are indented two spaces a level, bullets print as `- ` and
    /// numbered items are renumbered from 1 in each run of numbered siblings.
    /// Further paragraphs are aligned with the item's text; a plain item's
    /// are indented two spaces, as otherwise they would read as new items.
    /// Text that would be read as a marker is escaped with a `\`.
    pub fn to_text(&self) -> String {
        let mut lines = Vec::new();
        print_items(&self.items, 0, &mut lines);
        lines.join("\n")
    }

    /// Whether the outline has no items at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How deeply the items nest: 0 when empty, 1 for top-level items only.
    pub fn depth(&self) -> usize {
        fn depth(items: &[Item]) -> usize {
            items
                .iter()
                .map(|item| 1 + depth(&item.children))
                .max()
                .unwrap_or(0)
        }
        depth(&self.items)
    }

    /// Every paragraph, in reading order: each item's own, then its
    /// children's.
    pub fn paragraphs(&self) -> Vec<&str> {
        fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a str>) {
            for item in items {
                out.extend(item.paragraphs.iter().map(String::as_str));
                walk(&item.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }

    /// The number of whitespace-separated words in all the paragraphs.
    pub fn word_count(&self) -> usize {
        self.paragraphs()
            .iter()
            .map(|p| p.split_whitespace().count())
            .sum()
    }
}

impl FromStr for Outline {
    type Err = OutlineError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Outline::parse(text)
    }
}

impl fmt::Display for Outline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl Item {
    /// A bullet with one paragraph of `text` (one trimmed line) and no children.
    pub fn bullet(text: impl Into<String>) -> Item {
        Item::new(Marker::Bullet, text)
    }

    /// A numbered item with one paragraph of `text` and no children.
    pub fn numbered(text: impl Into<String>) -> Item {
        Item::new(Marker::Numbered, text)
    }

    /// A plain paragraph of `text` with no children; only top-level plain
    /// items survive printing and parsing again.
    pub fn plain(text: impl Into<String>) -> Item {
        Item::new(Marker::Plain, text)
    }

    /// The same item with `children` in place of its children.
    pub fn with_children(self, children: Vec<Item>) -> Item {
        Item { children, ..self }
    }

    fn new(marker: Marker, text: impl Into<String>) -> Item {
        Item {
            marker,
            paragraphs: vec![text.into()],
            children: Vec::new(),
        }
    }
}

/// An item still taking paragraphs and children while parsing.
struct Open {
    /// Indentation of its marker (or of its text for a plain item).
    column: usize,
    /// The level its marker stands for (`None` for a plain item).
    level: Option<u8>,
    /// Its letter, when its marker was one (`h` makes the next `i.` a letter).
    letter: Option<char>,
    item: Item,
}

/// The parsed items so far and the chain of open items, outermost first.
#[derive(Default)]
struct Builder {
    items: Vec<Item>,
    open: Vec<Open>,
}

impl Builder {
    /// Closes open items until `len` remain, each into its parent.
    fn close_to(&mut self, len: usize) {
        while self.open.len() > len {
            let Some(Open { item, .. }) = self.open.pop() else {
                return;
            };
            match self.open.last_mut() {
                Some(parent) => parent.item.children.push(item),
                None => self.items.push(item),
            }
        }
    }

    fn push_written(&mut self, column: usize, written: Written<'_>, line: usize) -> Result<(), OutlineError> {
        let open = Open {
            column,
            level: Some(written.level),
            letter: written.letter,
            item: Item::new(written.marker, written.text),
        };
        self.push_open(open, line)
    }

    fn push(&mut self, column: usize, item: Item, line: usize) -> Result<(), OutlineError> {
        let open = Open {
            column,
            level: None,
            letter: None,
            item,
        };
        self.push_open(open, line)
    }

    fn push_open(&mut self, open: Open, line: usize) -> Result<(), OutlineError> {
        self.open.push(open);
        if self.open.len() > MAX_DEPTH {
            return Err(OutlineError::TooDeep { line });
        }
        Ok(())
    }

    fn finish(mut self) -> Outline {
        self.close_to(0);
        Outline { items: self.items }
    }
}

/// Splits on `\n`, `\r\n` and a lone `\r`, so line numbers match an editor's.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|line| line.strip_suffix('\r').unwrap_or(line).split('\r'))
}

/// The indentation of `line` in columns, and the rest of it.
fn indentation(line: &str) -> (usize, &str) {
    let rest = line.trim_start();
    let indent = &line[..line.len() - rest.len()];
    let column = indent
        .chars()
        .map(|c| if c == '\t' { TAB_WIDTH } else { 1 })
        .sum();
    (column, rest)
}

/// A marker as written at the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Written<'a> {
    marker: Marker,
    /// The level it stands for when a list has no indentation: 1 for `•`,
    /// `-` and numbers, 2 for `o`, `◦` and letters, 3 for `§`, `▪` and roman
    /// numbers.
    level: u8,
    /// The letter of a lettered marker (`i`, `v` and `x` also as roman).
    letter: Option<char>,
    /// The item's text after the marker and its whitespace.
    text: &'a str,
}

impl Written<'_> {
    /// The marker as read after `before`, the open item at the same
    /// indentation: an `i`, `v` or `x` after `h`, `u` or `w` goes on with
    /// the run of letters rather than starting roman numbers.
    fn in_run_of(self, before: Option<&Open>) -> Self {
        let previous = before
            .and_then(|open| open.letter)
            .and_then(|letter| char::from_u32(u32::from(letter) + 1));
        match self.letter {
            Some(letter) if self.level == ROMAN_LEVEL && previous == Some(letter) => Written {
                level: LETTER_LEVEL,
                ..self
            },
            _ => self,
        }
    }
}

/// The levels that letters and roman numbers stand for.
const LETTER_LEVEL: u8 = 2;
const ROMAN_LEVEL: u8 = 3;

/// The marker that `rest` (a line without its indentation) starts with, and
/// the text after it; `None` when it is not a marker followed by text.
fn read_marker(rest: &str) -> Option<Written<'_>> {
    let (marker, level, letter, after) = match BULLETS.iter().find(|(c, _)| rest.starts_with(*c)) {
        Some(&(c, level)) => {
            let after = &rest[c.len_utf8()..];
            if TAB_ONLY.contains(&c) && !after.starts_with('\t') {
                return None;
            }
            (Marker::Bullet, level, None, after)
        }
        None => {
            let (inner, bracketed) = match rest.strip_prefix('(') {
                Some(inner) => (inner, true),
                None => (rest, false),
            };
            let label_len = inner.len()
                - inner
                    .trim_start_matches(|c: char| c.is_ascii_alphanumeric())
                    .len();
            let (label, after) = inner.split_at(label_len);
            let after = if bracketed {
                after.strip_prefix(')')?
            } else {
                after.strip_prefix(['.', ')'])?
            };
            let (level, letter) = label_level(label)?;
            (Marker::Numbered, level, letter, after)
        }
    };
    // Any whitespace will do after the marker: Word pastes a tab, and some
    // editors a non-breaking space.
    let text = after.trim_start();
    let spaced = text.len() < after.len();
    (spaced && !text.is_empty()).then_some(Written {
        marker,
        level,
        letter,
        text,
    })
}

/// The level a numbered marker's label stands for, and its letter: a number
/// from 1 to [`MAX_NUMBER`], one lower-case letter, or a lower-case roman
/// number up to 39 (`i`, `v` and `x` are read as roman, and as letters
/// after `h`, `u` and `w`: see [`Written::in_run_of`]).
fn label_level(label: &str) -> Option<(u8, Option<char>)> {
    if !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit()) {
        let number: usize = label.parse().ok()?;
        return (1..=MAX_NUMBER).contains(&number).then_some((1, None));
    }
    let mut chars = label.chars();
    let single = chars.next().filter(|_| chars.next().is_none());
    if is_roman(label) {
        return Some((ROMAN_LEVEL, single));
    }
    single
        .filter(char::is_ascii_lowercase)
        .map(|letter| (LETTER_LEVEL, Some(letter)))
}

/// Whether `label` is a lower-case roman number from 1 to 39, written as
/// usual (`iv`, not `iiii`).
fn is_roman(label: &str) -> bool {
    const ONES: [&str; 10] = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"];
    const TENS: [&str; 4] = ["", "x", "xx", "xxx"];
    (1..40).any(|n: usize| format!("{}{}", TENS[n / 10], ONES[n % 10]) == label)
}

/// The marker that `rest` starts with and the text after it.
fn split_marker(rest: &str) -> Option<(Marker, &str)> {
    read_marker(rest).map(|written| (written.marker, written.text))
}

/// Whether `text` needs a backslash before it to be read back as text.
fn needs_escape(text: &str) -> bool {
    text.starts_with(ESCAPE) || split_marker(text).is_some()
}

/// A text line without the backslash that escapes it. A backslash before
/// anything else is kept, so typing `\n` or `\o/` loses nothing.
fn unescape(rest: &str) -> &str {
    match rest.strip_prefix(ESCAPE) {
        Some(text) if needs_escape(text) => text,
        _ => rest,
    }
}

fn print_items(items: &[Item], depth: usize, lines: &mut Vec<String>) {
    let indent = "  ".repeat(depth);
    let mut number = 0;
    for item in items {
        number = if item.marker == Marker::Numbered {
            number + 1
        } else {
            0
        };
        // Beyond 999 a number would read as text; the parser renumbers
        // anyway, so repeating 999 keeps the item.
        let marker = match item.marker {
            Marker::Bullet => "- ".to_owned(),
            Marker::Numbered => format!("{}. ", number.min(MAX_NUMBER)),
            Marker::Plain => String::new(),
        };
        let (first, rest) = item
            .paragraphs
            .split_first()
            .map_or(("", &[][..]), |(f, r)| (f.as_str(), r));
        let first = if marker.is_empty() {
            escaped(first)
        } else {
            first.to_owned()
        };
        lines.push(format!("{indent}{marker}{first}"));
        // A plain item's further paragraphs hang two spaces in: at its own
        // column they would read back as new plain items.
        let hang = " ".repeat(marker.len().max(2));
        for paragraph in rest {
            lines.push(format!("{indent}{hang}{}", escaped(paragraph)));
        }
        print_items(&item.children, depth + 1, lines);
    }
}

/// `text` as it must be written on a line with no marker.
fn escaped(text: &str) -> String {
    if needs_escape(text) {
        format!("{ESCAPE}{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(text: &str) -> Outline {
        Outline::parse(text).expect("parses")
    }

    fn with_paragraphs(mut item: Item, more: &[&str]) -> Item {
        item.paragraphs.extend(more.iter().map(|p| p.to_string()));
        item
    }

    /// Parses, then checks that printing and parsing again changes nothing.
    fn parse_stable(text: &str) -> Outline {
        let outline = parse(text);
        let printed = outline.to_text();
        assert_eq!(
            Outline::parse(&printed),
            Ok(outline.clone()),
            "printed as:\n{printed}"
        );
        assert_eq!(parse(&printed).to_text(), printed);
        outline
    }

    const DESIGN_EXAMPLE: &str = "\
- The Force has a Stalking Action Plan.
  - It has several workstreams.
    A second paragraph of the same bullet.
• Bullets may start with -, *, •, ◦ or \"1.\" and nest by indentation.";

    #[test]
    fn the_design_example_gives_two_items_and_a_nested_second_paragraph() {
        let outline = parse_stable(DESIGN_EXAMPLE);

        let expected = Outline {
            items: vec![
                Item::bullet("The Force has a Stalking Action Plan.").with_children(vec![with_paragraphs(
                    Item::bullet("It has several workstreams."),
                    &["A second paragraph of the same bullet."],
                )]),
                Item::bullet("Bullets may start with -, *, •, ◦ or \"1.\" and nest by indentation."),
            ],
        };
        assert_eq!(outline, expected);
    }

    #[test]
    fn the_design_example_prints_in_canonical_form() {
        let printed = parse(DESIGN_EXAMPLE).to_text();

        let expected = "\
- The Force has a Stalking Action Plan.
  - It has several workstreams.
    A second paragraph of the same bullet.
- Bullets may start with -, *, •, ◦ or \"1.\" and nest by indentation.";
        assert_eq!(printed, expected);
    }

    #[test]
    fn each_bullet_character_makes_a_bullet() {
        for (bullet, _) in BULLETS {
            let gap = if TAB_ONLY.contains(&bullet) { "\t" } else { " " };
            let outline = parse_stable(&format!("{bullet}{gap}Evidence"));

            assert_eq!(outline.items, vec![Item::bullet("Evidence")], "{bullet}");
            assert_eq!(outline.to_text(), "- Evidence");
        }
    }

    #[test]
    fn numbers_with_a_dot_or_a_bracket_are_renumbered_from_one() {
        let outline = parse_stable("3. First\n7) Second\n999. Third\n- Aside\n12. Again");

        let markers: Vec<Marker> = outline.items.iter().map(|item| item.marker).collect();
        use Marker::{Bullet, Numbered};
        assert_eq!(markers, [Numbered, Numbered, Numbered, Bullet, Numbered]);
        assert_eq!(
            outline.to_text(),
            "1. First\n2. Second\n3. Third\n- Aside\n1. Again"
        );
    }

    #[test]
    fn numbers_outside_one_to_999_and_bare_markers_stay_text() {
        let text = "2024. was a good year\n0. zero\n1000. big\n2024 was\n-\n1.\n-not spaced";

        let outline = parse_stable(text);

        assert!(outline.items.iter().all(|item| item.marker == Marker::Plain));
        assert_eq!(outline.to_text(), text);
    }

    #[test]
    fn a_continuation_line_becomes_a_second_paragraph() {
        let outline = parse_stable("- First point\n  more about it\n- Second point");

        assert_eq!(
            outline.items,
            vec![
                with_paragraphs(Item::bullet("First point"), &["more about it"]),
                Item::bullet("Second point")
            ]
        );
    }

    #[test]
    fn a_text_line_aligned_with_a_parent_continues_the_parent() {
        let outline = parse_stable("- Parent\n  - Child\n  back to the parent\n    - Second child");

        let parent = &outline.items[0];
        assert_eq!(parent.paragraphs, ["Parent", "back to the parent"]);
        assert_eq!(
            parent.children,
            [Item::bullet("Child"), Item::bullet("Second child")]
        );
    }

    #[test]
    fn a_bullet_between_two_levels_becomes_a_child_of_the_shallower_one() {
        let outline = parse_stable("- A\n    - deep\n  - between\n- B");

        assert_eq!(outline.items.len(), 2);
        assert_eq!(
            outline.items[0].children,
            [Item::bullet("deep"), Item::bullet("between")]
        );
    }

    #[test]
    fn a_tab_counts_as_four_columns() {
        let outline = parse_stable("- A\n\t- B\n    - C\n\t  paragraph of C\n  \t - D");

        let a = &outline.items[0];
        assert_eq!(a.children.len(), 2);
        let c = &a.children[1];
        assert_eq!(c.paragraphs, ["C", "paragraph of C"]);
        assert_eq!(c.children, [Item::bullet("D")]);
    }

    #[test]
    fn a_non_breaking_space_counts_as_one_column() {
        let outline = parse_stable("- A\n\u{a0}\u{a0}- B\n\u{a0}- C");

        assert_eq!(outline.items[0].children, [Item::bullet("B"), Item::bullet("C")]);
    }

    #[test]
    fn crlf_and_lone_cr_end_lines_like_lf() {
        let lf = parse("- A\n  - B\n- C");

        assert_eq!(parse("- A\r\n  - B\r\n- C\r\n"), lf);
        assert_eq!(parse("- A\r  - B\r- C"), lf);
    }

    #[test]
    fn blank_lines_are_ignored() {
        let outline = parse_stable("\n- A\n\n   \n  more\n\t\n- B\n\n");

        assert_eq!(
            outline.items,
            vec![with_paragraphs(Item::bullet("A"), &["more"]), Item::bullet("B")]
        );
        assert!(parse(" \n\t\r\n").is_empty());
    }

    #[test]
    fn trailing_whitespace_is_trimmed_and_inner_whitespace_kept() {
        let outline = parse_stable("-   spaced  \t out \u{a0}\nplain\t text  ");

        assert_eq!(outline.items[0].paragraphs, ["spaced  \t out"]);
        assert_eq!(outline.items[1].paragraphs, ["plain\t text"]);
    }

    #[test]
    fn eight_levels_are_accepted_and_a_ninth_is_rejected_with_its_line_number() {
        let lines: Vec<String> = (0..9)
            .map(|level| format!("{}- level {}", "  ".repeat(level), level + 1))
            .collect();

        let eight = parse_stable(&lines[..8].join("\n"));
        let nine = Outline::parse(&format!("Intro\n\n{}", lines.join("\n")));

        assert_eq!(eight.depth(), MAX_DEPTH);
        assert_eq!(nine, Err(OutlineError::TooDeep { line: 11 }));
    }

    #[test]
    fn a_plain_line_counts_towards_the_depth() {
        let bullets: Vec<String> = (1..9)
            .map(|level| format!("{}- level {level}", "  ".repeat(level)))
            .collect();

        let result = Outline::parse(&format!("Intro\n{}", bullets.join("\n")));

        assert_eq!(result, Err(OutlineError::TooDeep { line: 9 }));
    }

    #[test]
    fn a_nul_character_is_rejected_with_its_line_number() {
        assert_eq!(
            Outline::parse("- A\r\n- B\0\n"),
            Err(OutlineError::Nul { line: 2 })
        );
        assert_eq!(Outline::parse("\0"), Err(OutlineError::Nul { line: 1 }));
    }

    #[test]
    fn a_question_gives_a_plain_item_then_nested_bullets() {
        let question = "How can the PCC be assured that:\n- the Force understands…?\n- each OIC will:\n  \
                        - take robust action…;\n  - correctly categorise cases;";

        let outline = parse_stable(question);

        let expected = vec![
            Item::plain("How can the PCC be assured that:"),
            Item::bullet("the Force understands…?"),
            Item::bullet("each OIC will:").with_children(vec![
                Item::bullet("take robust action…;"),
                Item::bullet("correctly categorise cases;"),
            ]),
        ];
        assert_eq!(outline.items, expected);
        assert_eq!(outline.depth(), 2);
        assert_eq!(outline.to_text(), question);
    }

    #[test]
    fn indented_bullets_after_a_plain_line_are_its_children() {
        let outline = parse_stable("Intro:\n  - one\n  - two\nOutro");

        let expected = vec![
            Item::plain("Intro:").with_children(vec![Item::bullet("one"), Item::bullet("two")]),
            Item::plain("Outro"),
        ];
        assert_eq!(outline.items, expected);
    }

    #[test]
    fn unindented_text_lines_are_separate_plain_items_and_indented_ones_continue() {
        let outline = parse_stable("First line\nSecond line\n  still the second");

        let expected = vec![
            Item::plain("First line"),
            with_paragraphs(Item::plain("Second line"), &["still the second"]),
        ];
        assert_eq!(outline.items, expected);
        assert_eq!(outline.to_text(), "First line\nSecond line\n  still the second");
    }

    #[test]
    fn bullets_pasted_from_word_with_tabs_nest() {
        let pasted = "Evidence provided:\r\n•\tThe Force has a plan.\r\n\tIt was agreed in May.\r\n\
                      \t◦\tIt has 4 workstreams.\r\n\t\tEach has an owner.\r\n•\tCosts were £61,528.57.\r\n";

        let outline = parse_stable(pasted);

        let expected = vec![
            Item::plain("Evidence provided:"),
            with_paragraphs(Item::bullet("The Force has a plan."), &["It was agreed in May."]).with_children(
                vec![with_paragraphs(
                    Item::bullet("It has 4 workstreams."),
                    &["Each has an owner."],
                )],
            ),
            Item::bullet("Costs were £61,528.57."),
        ];
        assert_eq!(outline.items, expected);
    }

    /// A three-level list as Word for Microsoft 365 puts it on the
    /// clipboard as plain text (what a browser's textarea receives): each
    /// level's bullet glyph then a tab, no indentation, CRLF line ends.
    const WORD_BULLETS: &str = "Evidence provided:\r\n\
•\tThe Force has a Stalking Action Plan.\r\n\
o\tIt has four workstreams.\r\n\
\u{a7}\tTraining, led by the Suzy Lamplugh Trust.\r\n\
\u{a7}\tVictim care.\r\n\
o\tEach has an owner.\r\n\
•\tCosts were £61,528.57.\r\n";

    #[test]
    fn a_three_level_word_list_pasted_without_indentation_keeps_its_nesting() {
        let outline = parse_stable(WORD_BULLETS);

        let expected = vec![
            Item::plain("Evidence provided:"),
            Item::bullet("The Force has a Stalking Action Plan.").with_children(vec![
                Item::bullet("It has four workstreams.").with_children(vec![
                    Item::bullet("Training, led by the Suzy Lamplugh Trust."),
                    Item::bullet("Victim care."),
                ]),
                Item::bullet("Each has an owner."),
            ]),
            Item::bullet("Costs were £61,528.57."),
        ];
        assert_eq!(outline.items, expected);
        assert_eq!(
            outline.to_text(),
            "Evidence provided:\n- The Force has a Stalking Action Plan.\n  - It has four workstreams.\n    \
             - Training, led by the Suzy Lamplugh Trust.\n    - Victim care.\n  - Each has an owner.\n\
             - Costs were £61,528.57."
        );
    }

    #[test]
    fn word_s_private_use_bullets_and_google_docs_bullets_nest_the_same_way() {
        let word = parse_stable("\u{f0b7}\tA\r\no\tB\r\n\u{f0a7}\tC\r\n\u{f0b7}\tD");
        let docs = parse_stable("●  A\n○  B\n■  C\n●  D");
        let indented = parse_stable("- A\n  - B\n    - C\n- D");

        assert_eq!(word, indented);
        assert_eq!(docs, indented);
    }

    #[test]
    fn numbered_lettered_and_roman_items_nest_as_word_numbers_its_levels() {
        let pasted = "1.\tRecruitment\r\na.\tPolice officers\r\ni.\tNew starters\r\nii.\tTransferees\r\n\
                      b.\tStaff\r\n2.\tRetention\r\n(a)\tExit interviews\r\n(b)\tFlexible working";

        let outline = parse_stable(pasted);

        let expected = vec![
            Item::numbered("Recruitment").with_children(vec![
                Item::numbered("Police officers").with_children(vec![
                    Item::numbered("New starters"),
                    Item::numbered("Transferees"),
                ]),
                Item::numbered("Staff"),
            ]),
            Item::numbered("Retention").with_children(vec![
                Item::numbered("Exit interviews"),
                Item::numbered("Flexible working"),
            ]),
        ];
        assert_eq!(outline.items, expected);
    }

    #[test]
    fn an_i_after_h_goes_on_with_the_letters() {
        let letters: Vec<String> = ('a'..='k').map(|c| format!("{c}) point {c}")).collect();

        let outline = parse_stable(&format!("1. Intro\n{}", letters.join("\n")));

        assert_eq!(outline.items.len(), 1);
        let children: Vec<&str> = outline.items[0]
            .children
            .iter()
            .map(|i| i.paragraphs[0].as_str())
            .collect();
        assert_eq!(children.len(), 11, "{children:?}");
        assert_eq!(children[8], "point i");
        assert!(outline.items[0].children.iter().all(|c| c.children.is_empty()));
    }

    #[test]
    fn word_glyphs_and_letters_that_are_ordinary_text_stay_text() {
        let text = "o dear\n\u{a7} 12 of the Act\ne.g. this\ni.e. that\nI. Smith\n(x\nab) two letters\n\
                    1.5 million";

        let outline = parse_stable(text);

        assert!(
            outline.items.iter().all(|item| item.marker == Marker::Plain),
            "{outline:?}"
        );
        assert_eq!(outline.items.len(), 8);
    }

    #[test]
    fn text_that_would_read_as_a_marker_is_escaped_with_a_backslash() {
        let outline = Outline {
            items: vec![
                Item::plain("- not a bullet"),
                with_paragraphs(
                    Item::bullet("- a dash"),
                    &["3. not numbered", "\\ starts with a backslash"],
                ),
            ],
        };

        let printed = outline.to_text();

        let expected = "\\- not a bullet\n- - a dash\n  \\3. not numbered\n  \\\\ starts with a backslash";
        assert_eq!(printed, expected);
        assert_eq!(Outline::parse(&printed), Ok(outline));
    }

    #[test]
    fn a_backslash_before_anything_else_is_kept() {
        let outline = parse_stable("\\o/ hooray\n- \\- typed after a marker");

        assert_eq!(outline.items[0].paragraphs, ["\\o/ hooray"]);
        assert_eq!(outline.items[1].paragraphs, ["\\- typed after a marker"]);
    }

    #[test]
    fn numbered_continuations_align_with_the_text() {
        let items: Vec<Item> = (0..10).map(|n| Item::numbered(format!("item {n}"))).collect();
        let mut outline = Outline { items };
        outline.items[9].paragraphs.push("more".into());

        let printed = outline.to_text();

        assert!(printed.ends_with("\n10. item 9\n    more"), "{printed}");
        assert_eq!(Outline::parse(&printed), Ok(outline));
    }

    #[test]
    fn depth_word_count_and_emptiness_describe_the_outline() {
        let outline = parse(DESIGN_EXAMPLE);

        assert_eq!(outline.depth(), 2);
        assert_eq!(outline.word_count(), 7 + 4 + 7 + 14);
        assert!(!outline.is_empty());
        assert!(parse("").is_empty());
        assert_eq!(Outline::default().depth(), 0);
    }

    #[test]
    fn from_str_and_display_match_parse_and_to_text() {
        let outline: Outline = DESIGN_EXAMPLE.parse().expect("parses");

        assert_eq!(outline, parse(DESIGN_EXAMPLE));
        assert_eq!(outline.to_string(), outline.to_text());
    }

    /// Words chosen to look like markers, escapes and numbers, then any text.
    fn word() -> impl Strategy<Value = String> {
        let tricky: &[&str] = &[
            "-",
            "*",
            "•",
            "◦",
            "▪",
            "‣",
            "·",
            "1.",
            "3)",
            "999.",
            "1000.",
            "0.",
            "2024",
            "was",
            "£61,528.57",
            "\\",
            "\\-",
            "\\\\",
            "it's",
            "don’t",
            "PCC's",
            "…",
            "—",
            "o",
            "\u{a7}",
            "a)",
            "i.",
            "(b)",
            "x)",
        ];
        prop_oneof![
            prop::sample::select(tricky).prop_map(str::to_owned),
            "[a-zA-Z']{1,8}",
            "[^\\s\\x00]{1,4}",
        ]
    }

    /// One trimmed line of words, with the odd tab or non-breaking space.
    fn paragraph() -> impl Strategy<Value = String> {
        let gap = prop::sample::select(&[" ", " ", " ", "  ", "\t", "\u{a0}"][..]);
        (word(), prop::collection::vec((gap, word()), 0..6)).prop_map(|(first, rest)| {
            rest.into_iter()
                .fold(first, |text, (gap, word)| text + gap + &word)
        })
    }

    fn paragraphs() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(paragraph(), 1..4)
    }

    /// Trees the parser can produce: plain items only at the top level, at
    /// most `MAX_DEPTH` levels.
    #[test]
    fn pasting_the_seed_evidence_gives_the_bullets_a_reader_sees() {
        // Question 3 of the seed record, as copied from the published page.
        let pasted = "• The Force has benefitted from the Suzy Lamplugh Trust delivering face-to-face \
training and an e-learning modular package to over 1,000 officers and staff.
• In terms of training and development:
    • Stalking Awareness Workshops are delivered face-to-face and via Teams.
    • Lifeline Stalking Training is delivered via an e-learning modular package.
    • Response Training Days involve bespoke input, including guidance on the completion of SPOs.
    • The Sergeant Development Course focuses on how to recognise the difference between stalking \
and harassment and the SPO application process.
    • Domestic Abuse (DA) Matters Training is mandatory training for all officers and staff and \
includes the DA stalking element.
• The training available upskills first responders and investigators on how to effectively and \
robustly respond to reports of stalking.";
        let outline = Outline::parse(pasted).expect("parses");
        let tops: Vec<&str> = outline.items.iter().map(|i| i.paragraphs[0].as_str()).collect();
        assert_eq!(tops.len(), 3);
        assert!(tops[1] == "In terms of training and development:");
        assert!(tops[2].starts_with("The training available upskills"));
        let children: Vec<&str> = outline.items[1]
            .children
            .iter()
            .map(|i| i.paragraphs[0].as_str())
            .collect();
        assert_eq!(children.len(), 5);
        assert_eq!(
            children[0],
            "Stalking Awareness Workshops are delivered face-to-face and via Teams."
        );
        assert!(outline.items.iter().all(|i| i.marker == Marker::Bullet));
        assert_eq!(Outline::parse(&outline.to_text()), Ok(outline));
    }

    fn outline() -> impl Strategy<Value = Outline> {
        let nested_marker = prop_oneof![Just(Marker::Bullet), Just(Marker::Numbered)];
        let leaf = (nested_marker.clone(), paragraphs()).prop_map(|(marker, paragraphs)| Item {
            marker,
            paragraphs,
            children: Vec::new(),
        });
        let nested = leaf.prop_recursive(MAX_DEPTH as u32 - 2, 96, 2, move |inner| {
            (
                nested_marker.clone(),
                paragraphs(),
                prop::collection::vec(inner, 0..4),
            )
                .prop_map(|(marker, paragraphs, children)| Item {
                    marker,
                    paragraphs,
                    children,
                })
        });
        let any_marker = prop_oneof![Just(Marker::Bullet), Just(Marker::Numbered), Just(Marker::Plain)];
        let top = (any_marker, paragraphs(), prop::collection::vec(nested, 0..3)).prop_map(
            |(marker, paragraphs, children)| Item {
                marker,
                paragraphs,
                children,
            },
        );
        prop::collection::vec(top, 0..5).prop_map(|items| Outline { items })
    }

    /// Lines as people might type or paste them, good or bad: indentation
    /// wanders in and out, by steps that now and then change width so that
    /// lines fall between levels, and sometimes nests too deep.
    fn line_soup() -> impl Strategy<Value = String> {
        let step = prop::sample::select(&[" ", "  ", "  ", "\t", "\u{a0}", "\u{3000}"][..]);
        let marker = prop::sample::select(
            &[
                "", "", "", "- ", "- ", "* ", "• ", "•\t", "◦ ", "▪ ", "‣ ", "· ", "1. ", "2) ", "999. ",
                "1000. ", "-", "1.", "\\", "\\- ", "\\\\", "o\t", "o ", "\u{a7}\t", "● ", "○ ", "■ ", "a) ",
                "h. ", "i. ", "ii) ", "(b) ", "(iv) ", "v. ",
            ][..],
        );
        let text = prop::option::weighted(0.9, paragraph());
        let trailing = prop::sample::select(&["", "", " ", "\t"][..]);
        let ending = prop::sample::select(&["\n", "\n", "\r\n", "\r"][..]);
        let odd_step = prop::option::weighted(0.2, step.clone());
        let line = (-2..=3i32, odd_step, marker, text, trailing, ending);
        (step, prop::collection::vec(line, 0..40)).prop_map(|(step, lines)| {
            let mut level = 0;
            let mut soup = String::new();
            for (move_by, odd_step, marker, text, trailing, ending) in lines {
                level = (level + move_by).clamp(0, 16);
                soup += &odd_step.unwrap_or(step).repeat(level as usize);
                soup += &format!("{marker}{}{trailing}{ending}", text.unwrap_or_default());
            }
            soup
        })
    }

    fn assert_well_formed(items: &[Item], top: bool) {
        for item in items {
            assert!(top || item.marker != Marker::Plain, "a nested plain item");
            assert!(!item.paragraphs.is_empty());
            for paragraph in &item.paragraphs {
                assert!(
                    !paragraph.is_empty() && paragraph.trim() == paragraph,
                    "{paragraph:?}"
                );
                assert!(!paragraph.contains(['\n', '\r']), "{paragraph:?}");
            }
            assert_well_formed(&item.children, false);
        }
    }

    proptest! {
        #[test]
        fn any_tree_prints_and_parses_back_to_itself(outline in outline()) {
            let printed = outline.to_text();
            let again = Outline::parse(&printed);

            prop_assert_eq!(again.as_ref(), Ok(&outline), "printed as:\n{}", printed);
            prop_assert_eq!(again.map(|o| o.to_text()), Ok(printed));
        }

        #[test]
        fn any_line_soup_parses_without_panicking_to_a_fixed_point(text in line_soup()) {
            let outline = match Outline::parse(&text) {
                Ok(outline) => outline,
                // The one refusal a soup of lines can earn; it has no NUL.
                Err(OutlineError::TooDeep { .. }) => return Ok(()),
                Err(e) => return Err(TestCaseError::fail(format!("{e:?} for {text:?}"))),
            };
            assert_well_formed(&outline.items, true);
            let printed = outline.to_text();
            let again = Outline::parse(&printed);

            prop_assert_eq!(again.as_ref(), Ok(&outline), "printed as:\n{}", printed);
            prop_assert_eq!(again.map(|o| o.to_text()), Ok(printed));
        }
    }
}
