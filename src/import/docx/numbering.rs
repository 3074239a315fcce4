//! How Word numbers its lists: `word/numbering.xml` and the list styles
//! of `word/styles.xml`.

use super::*;

/// Word's list levels, `w:ilvl` 0 to 8.
pub(super) const LEVELS: usize = 9;

/// How Word numbers its lists, from `word/numbering.xml`, the paragraph
/// styles that make lists, from `word/styles.xml`, and the numbers given so
/// far. Each part is read as far as it goes: a damaged one only loses list
/// markers, never text.
#[derive(Debug, Default)]
pub(super) struct Numbering {
    /// Style id → the list it puts paragraphs in.
    styles: HashMap<String, ListStyle>,
    /// `w:numId` → `w:abstractNumId`.
    lists: HashMap<String, String>,
    /// (`w:abstractNumId`, level) → that level's format.
    levels: HashMap<(String, usize), Level>,
    counters: HashMap<String, [Option<u32>; LEVELS]>,
}

#[derive(Debug, Default)]
pub(super) struct ListStyle {
    based_on: Option<String>,
    list: Option<String>,
    level: Option<usize>,
    /// The level a built-in style's name gives: "List Bullet 2" is the
    /// second level, though Word gives it a list of its own.
    name_level: Option<usize>,
}

#[derive(Debug)]
pub(super) struct Level {
    format: String,
    text: String,
    start: u32,
}

impl Numbering {
    pub(super) fn read_numbering(&mut self, xml: &str) {
        let mut reader = NsReader::from_str(xml);
        reader.config_mut().expand_empty_elements = true;
        let (mut list, mut abstract_list, mut level) = (None, None, None);
        while let Ok(event) = reader.read_event() {
            match event {
                Event::Start(element) => match element.local_name().as_ref() {
                    "abstractNum" => abstract_list = attribute(&element, "abstractNumId"),
                    "num" => list = attribute(&element, "numId"),
                    "abstractNumId" => {
                        if let (Some(list), Some(value)) = (&list, attribute(&element, "val")) {
                            self.lists.insert(list.clone(), value);
                        }
                    }
                    "lvl" => level = attribute(&element, "ilvl").and_then(|l| l.parse::<usize>().ok()),
                    name @ ("start" | "numFmt" | "lvlText") => {
                        let (Some(id), Some(at), Some(value)) =
                            (&abstract_list, level, attribute(&element, "val"))
                        else {
                            continue;
                        };
                        let entry = self.levels.entry((id.clone(), at)).or_insert(Level {
                            format: "decimal".to_string(),
                            text: String::new(),
                            start: 0,
                        });
                        match name {
                            "start" => entry.start = value.parse().unwrap_or(0),
                            "numFmt" => entry.format = value,
                            _ => entry.text = value,
                        }
                    }
                    _ => {}
                },
                Event::End(element) => match element.local_name().as_ref() {
                    "abstractNum" => abstract_list = None,
                    "num" => list = None,
                    "lvl" => level = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
    }

    pub(super) fn read_styles(&mut self, xml: &str) {
        let mut reader = NsReader::from_str(xml);
        reader.config_mut().expand_empty_elements = true;
        let (mut style, mut in_list) = (None::<String>, false);
        while let Ok(event) = reader.read_event() {
            let element = match event {
                Event::Start(element) => element,
                Event::End(element) => {
                    match element.local_name().as_ref() {
                        "style" => style = None,
                        "numPr" => in_list = false,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            match (element.local_name().as_ref(), &style) {
                ("style", _) => style = attribute(&element, "styleId"),
                ("numPr", Some(_)) => in_list = true,
                (name, Some(id)) => {
                    let Some(value) = attribute(&element, "val") else {
                        continue;
                    };
                    let entry = self.styles.entry(id.clone()).or_default();
                    match name {
                        "basedOn" => entry.based_on = Some(value),
                        "numId" if in_list => entry.list = Some(value),
                        "ilvl" if in_list => entry.level = value.parse().ok(),
                        "name" if value.to_ascii_lowercase().starts_with("list") => {
                            let digit = value.chars().last().and_then(|c| c.to_digit(10));
                            entry.name_level = digit.filter(|d| (2..=9).contains(d)).map(|d| d as usize - 1);
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }

    /// The list and level of a paragraph: its own, or its style's (or the
    /// styles that style is based on).
    pub(super) fn list_of(&self, paragraph: &OpenParagraph) -> Option<(String, usize)> {
        let (mut list, mut level) = (paragraph.list.clone(), paragraph.level);
        let mut from_style = false;
        let mut style = paragraph.style.as_deref();
        for _ in 0..10 {
            let Some(found) = style.and_then(|id| self.styles.get(id)) else {
                break;
            };
            if list.is_none() && found.list.is_some() {
                list = found.list.clone();
                from_style = true;
            }
            level = level.or(found.level);
            if from_style {
                level = level.or(found.name_level);
            }
            style = found.based_on.as_deref();
        }
        // List 0 is Word's way of taking a paragraph out of a list.
        let list = list.filter(|list| list != "0")?;
        Some((list, level.unwrap_or(0).min(LEVELS - 1)))
    }

    /// Counts the next paragraph of list `list` at `level`, and gives the
    /// number Word shows before it; `None` for a bullet.
    pub(super) fn next(&mut self, list: &str, level: usize) -> Option<String> {
        let abstract_list = self.lists.get(list)?;
        let start = |at: usize| {
            let level = self.levels.get(&(abstract_list.clone(), at));
            level.map_or(0, |level| level.start)
        };
        let counters = self.counters.entry(list.to_string()).or_insert([None; LEVELS]);
        counters[level] = Some(counters[level].map_or(start(level), |n| n.saturating_add(1)));
        for deeper in &mut counters[level + 1..] {
            *deeper = None;
        }
        let this = self.levels.get(&(abstract_list.clone(), level))?;
        if matches!(this.format.as_str(), "bullet" | "none") {
            return None;
        }
        let mut label = String::new();
        let mut chars = this.text.chars().peekable();
        while let Some(c) = chars.next() {
            let placeholder = chars
                .peek()
                .and_then(|d| d.to_digit(10))
                .filter(|d| (1..=9).contains(d));
            match placeholder {
                Some(digit) if c == '%' => {
                    chars.next();
                    let at = digit as usize - 1;
                    let number = counters[at].unwrap_or_else(|| start(at));
                    let format = self.levels.get(&(abstract_list.clone(), at));
                    label.push_str(&format_number(
                        number,
                        format.map_or("decimal", |l| l.format.as_str()),
                    ));
                }
                _ => label.push(c),
            }
        }
        Some(label.trim().to_string()).filter(|label| !label.is_empty())
    }
}

pub(super) fn format_number(number: u32, format: &str) -> String {
    pub(super) fn letters(number: u32) -> String {
        // Word's letters: a…z, then aa…zz, bbb…
        let letter = char::from(b'a' + ((number.max(1) - 1) % 26) as u8);
        letter
            .to_string()
            .repeat(((number.max(1) - 1) / 26 + 1).min(10) as usize)
    }
    pub(super) fn roman(mut number: u32) -> String {
        const VALUES: [u32; 13] = [1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1];
        const NUMERALS: [&str; 13] = [
            "m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i",
        ];
        let mut text = String::new();
        for (value, numeral) in VALUES.into_iter().zip(NUMERALS) {
            // Past a few thousand, Word's own numerals stop making sense too.
            while number >= value && text.len() < 40 {
                text.push_str(numeral);
                number -= value;
            }
        }
        text
    }
    match format {
        "lowerLetter" => letters(number),
        "upperLetter" => letters(number).to_uppercase(),
        "lowerRoman" => roman(number),
        "upperRoman" => roman(number).to_uppercase(),
        _ => number.to_string(),
    }
}
