//! A PDF's prose, a paragraph at a time: `pdftotext -bbox-layout` gives
//! each page's blocks of text (paragraphs, as pdftotext finds them from
//! where the words stand), their lines, and where each line starts. A
//! block's lines are one paragraph, but for a list's entries, which each
//! start a paragraph of their own and are indented by where they stand.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::{bullet, question_number};

/// Points (1/72 inch) within which two entries stand at the same level.
const SAME_LEVEL: f64 = 4.0;

/// One line of a block: where it starts on the page, and its words.
#[derive(Debug, Default)]
struct Line {
    x: f64,
    text: String,
}

/// A paragraph of a page: its text, and where it starts if it is a
/// list's entry.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Paragraph {
    pub(super) entry_at: Option<f64>,
    pub(super) text: String,
}

impl Paragraph {
    /// A paragraph of `text`, a list entry if it starts at `entry_at`.
    pub(super) fn new(entry_at: Option<f64>, text: &str) -> Paragraph {
        Paragraph {
            entry_at,
            text: if entry_at.is_some() {
                bullet_as_text(text)
            } else {
                text.to_owned()
            },
        }
    }
}

/// The pages of `xhtml` (pdftotext's `-bbox-layout` output), each a run
/// of paragraphs.
pub(super) fn pages(xhtml: &str) -> Vec<Vec<Paragraph>> {
    let mut reader = Reader::from_str(xhtml);
    let mut pages: Vec<Vec<Paragraph>> = Vec::new();
    let mut block: Vec<Line> = Vec::new();
    let mut in_word = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(element)) => match element.local_name().as_ref() {
                "page" => pages.push(Vec::new()),
                "line" => {
                    let x = element
                        .try_get_attribute("xMin")
                        .ok()
                        .flatten()
                        .and_then(|a| a.value.parse().ok())
                        .unwrap_or(0.0);
                    block.push(Line {
                        x,
                        text: String::new(),
                    });
                }
                "word" => {
                    in_word = true;
                    if let Some(line) = block.last_mut().filter(|line| !line.text.is_empty()) {
                        line.text.push(' ');
                    }
                }
                _ => {}
            },
            Ok(Event::Text(text)) if in_word => {
                if let Some(line) = block.last_mut() {
                    let word = text.xml10_content();
                    line.text.push_str(&word);
                }
            }
            Ok(Event::GeneralRef(reference)) if in_word => {
                let character = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => quick_xml::escape::resolve_predefined_entity(&reference).map(str::to_owned),
                };
                if let (Some(line), Some(character)) = (block.last_mut(), character) {
                    line.text.push_str(&character);
                }
            }
            Ok(Event::End(element)) => match element.local_name().as_ref() {
                "word" => in_word = false,
                "block" => {
                    if let Some(page) = pages.last_mut() {
                        page.extend(paragraphs(&block));
                    }
                    block.clear();
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    pages
}

/// A block's lines as paragraphs: one, or one for each list entry in it.
fn paragraphs(block: &[Line]) -> Vec<Paragraph> {
    let mut found: Vec<Paragraph> = Vec::new();
    for line in block {
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        let entry = bullet(text).is_some() || question_number(text).is_some();
        match found.last_mut() {
            Some(last) if !entry => super::join_wrapped(&mut last.text, text),
            _ => found.push(Paragraph::new(entry.then_some(line.x), text)),
        }
    }
    found
}

/// An entry with Word's bullets of the Symbol and Wingdings fonts, and its
/// letters standing for bullets ("o", "§"), given the bullets they look
/// like: they are no words.
fn bullet_as_text(text: &str) -> String {
    let mut chars = text.chars();
    let glyph = match chars.next() {
        Some('o') => '◦',
        Some('§' | '\u{f0a7}') => '▪',
        Some('\u{f0b7}') => '•',
        _ => return text.to_owned(),
    };
    if bullet(text).is_none() {
        return text.to_owned();
    }
    format!("{glyph}{}", chars.as_str())
}

/// `pages` of paragraphs as a Word document's text reads (see
/// `docx::write_text`): a paragraph a line, parted by blank lines, and a
/// list's entries a line each, indented four spaces a level (the levels
/// being the places entries stand at, left to right).
pub(super) fn text(pages: &[Vec<Paragraph>]) -> String {
    let mut places: Vec<f64> = pages.iter().flatten().filter_map(|p| p.entry_at).collect();
    places.sort_by(f64::total_cmp);
    places.dedup_by(|later, earlier| *later - *earlier < SAME_LEVEL);
    let level = |x: f64| places.iter().filter(|place| **place + SAME_LEVEL <= x).count();
    let mut text = String::new();
    let mut in_list = false;
    for paragraph in pages.iter().flatten() {
        let entry = paragraph.entry_at.is_some();
        if !(text.is_empty() || entry && in_list) {
            text.push('\n');
        }
        if let Some(x) = paragraph.entry_at {
            text.push_str(&"    ".repeat(level(x)));
        }
        text.push_str(&paragraph.text);
        text.push('\n');
        in_list = entry;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(blocks: &[&[(f64, &str)]]) -> String {
        let mut xhtml = String::from("<html><body><doc><page width=\"420\" height=\"595\"><flow>");
        for block in blocks {
            xhtml.push_str("<block>");
            for (x, text) in *block {
                xhtml.push_str(&format!("<line xMin=\"{x}\">"));
                for word in text.split(' ') {
                    xhtml.push_str(&format!("<word xMin=\"{x}\">{word}</word>"));
                }
                xhtml.push_str("</line>");
            }
            xhtml.push_str("</block>");
        }
        xhtml.push_str("</flow></page></doc></body></html>");
        xhtml
    }

    #[test]
    fn a_block_is_a_paragraph_and_each_list_entry_is_one_indented_by_where_it_stands() {
        let xhtml = page(&[
            &[
                (45.0, "The Deputy Chief Constable presented the"),
                (45.0, "quarterly report."),
            ],
            &[
                (45.0, "• Twelve teams are in"),
                (55.0, "place."),
                (60.0, "o Two did a self-"),
                (70.0, "assessment."),
                (45.3, "• Response times have improved."),
            ],
            &[(45.0, "Decision: Partly assured &amp; more &#8211; done")],
        ]);
        assert_eq!(
            text(&pages(&xhtml)),
            "The Deputy Chief Constable presented the quarterly report.\n\n\
             • Twelve teams are in place.\n    ◦ Two did a self-assessment.\n• Response times have improved.\n\n\
             Decision: Partly assured & more – done\n"
        );
    }

    #[test]
    fn only_the_words_are_text_not_the_layout_between_the_tags() {
        // As pdftotext writes it: indented, a line a tag, a title in the head.
        let xhtml = "<html>\n<head>\n<title>notes</title>\n</head>\n<body>\n<doc>\n  <page width=\"420\" height=\"595\">\n    <flow>\n      <block>\n        <line xMin=\"45\">\n          <word xMin=\"45\">One</word>\n          <word xMin=\"60\">two</word>\n        </line>\n      </block>\n    </flow>\n  </page>\n</doc>\n</body>\n</html>\n";
        assert_eq!(text(&pages(xhtml)), "One two\n");
    }

    #[test]
    fn each_page_is_read_and_nothing_is_made_of_no_text() {
        let two = page(&[&[(45.0, "One")]]).replace(
            "</page>",
            "</page><page><flow><block><line xMin=\"45\"><word>Two</word></line></block></flow></page>",
        );
        assert_eq!(pages(&two).len(), 2);
        assert_eq!(text(&pages(&two)), "One\n\nTwo\n");
        assert_eq!(text(&pages("")), "");
        assert_eq!(
            text(&pages("<doc><page><flow><block></block></flow></page></doc>")),
            ""
        );
    }
}
