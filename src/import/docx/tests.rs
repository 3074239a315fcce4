use super::*;
use crate::domain::decision::Decision;
use crate::domain::outline::{Item, Marker};
use crate::import::notes::{ImportError, ImportedAction, ImportedRecord, parse_notes};
use chrono::NaiveDate;
use proptest::prelude::*;
use std::io::Write;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const STALKING: &str = include_str!("../../../tests/fixtures/scrutiny-notes-stalking-2024-12-03.txt");
const TITLE: &str = "NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024";
const HEADER: [&str; 3] = ["Question", "Brief Summary of Evidence", "Decision of PCC"];
/// The lists of [`numbering`]: bullets at every level; "1.", "a)" then
/// bullets; and a second list of that kind, counted apart.
const BULLETS: u32 = 1;
const NUMBERS: u32 = 2;
const MORE_NUMBERS: u32 = 3;
const LINK: &str = "https://example.org/plan.pdf";

fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn run(text: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#, xml_text(text))
}

fn para(text: &str) -> String {
    format!("<w:p>{}</w:p>", run(text))
}

fn listed(list: u32, level: usize, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{list}"/></w:numPr></w:pPr>{}</w:p>"#,
        run(text)
    )
}

fn styled(style: &str, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{}</w:p>"#,
        run(text)
    )
}

fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(1);
    let mut xml = String::from(r#"<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>"#);
    xml.push_str(&r#"<w:gridCol w:w="3000"/>"#.repeat(columns));
    xml.push_str("</w:tblGrid>");
    for row in rows {
        xml.push_str("<w:tr>");
        for cell in row {
            xml.push_str(r#"<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>"#);
            // Word requires a paragraph in every cell.
            xml.push_str(if cell.is_empty() { "<w:p/>" } else { cell });
            xml.push_str("</w:tc>");
        }
        xml.push_str("</w:tr>");
    }
    xml.push_str("</w:tbl>");
    xml
}

fn header_row() -> Vec<String> {
    HEADER.iter().map(|cell| para(cell)).collect()
}

fn document(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="{COMPATIBILITY_NAMESPACE}" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#,
        WORD_NAMESPACES[0]
    )
}

fn numbering() -> String {
    let level = |at: usize, format: &str, text: &str| {
        format!(
            r#"<w:lvl w:ilvl="{at}"><w:start w:val="1"/><w:numFmt w:val="{format}"/><w:lvlText w:val="{text}"/><w:pPr><w:ind w:left="{}" w:hanging="360"/></w:pPr></w:lvl>"#,
            720 * (at + 1)
        )
    };
    let bullets: String = (0..LEVELS).map(|at| level(at, "bullet", "•")).collect();
    let numbers = level(0, "decimal", "%1.") + &level(1, "lowerLetter", "%2)");
    let numbers = numbers + &(2..LEVELS).map(|at| level(at, "bullet", "•")).collect::<String>();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{}"><w:abstractNum w:abstractNumId="0">{bullets}</w:abstractNum><w:abstractNum w:abstractNumId="1">{numbers}</w:abstractNum><w:num w:numId="{BULLETS}"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="{NUMBERS}"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="{MORE_NUMBERS}"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="4"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#,
        WORD_NAMESPACES[0]
    )
}

/// Word's built-in list styles, as Word defines them: "List Bullet 2"
/// has a list of its own rather than a level; and a style based on one.
fn styles() -> String {
    let style = |id: &str, name: &str, more: &str| {
        format!(r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/>{more}</w:style>"#)
    };
    let listed = |list: u32| {
        format!(r#"<w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="{list}"/></w:numPr></w:pPr>"#)
    };
    let styles = [
        style("Normal", "Normal", ""),
        style(
            "ListParagraph",
            "List Paragraph",
            r#"<w:pPr><w:ind w:left="720"/></w:pPr>"#,
        ),
        style("ListBullet", "List Bullet", &listed(BULLETS)),
        style("ListBullet2", "List Bullet 2", &listed(4)),
        style("ListNumber", "List Number", &listed(MORE_NUMBERS)),
        style("ActionItem", "Action Item", r#"<w:basedOn w:val="ListNumber"/>"#),
    ];
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{}">{}</w:styles>"#,
        WORD_NAMESPACES[0],
        styles.concat()
    )
}

fn relationships() -> String {
    let base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{base}/numbering" Target="numbering.xml"/><Relationship Id="rId2" Type="{base}/styles" Target="styles.xml"/><Relationship Id="rId9" Type="{base}/hyperlink" Target="{LINK}" TargetMode="External"/></Relationships>"#
    )
}

/// A minimal but valid package around the document's body.
fn docx(body: &str) -> Vec<u8> {
    package(&[
        ("word/document.xml", document(body).as_bytes()),
        ("word/numbering.xml", numbering().as_bytes()),
        ("word/styles.xml", styles().as_bytes()),
        ("word/_rels/document.xml.rels", relationships().as_bytes()),
    ])
}

fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let all = [
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
    ];
    for (name, bytes) in all.iter().chain(parts) {
        zip.start_file(*name, options).expect("a zip entry");
        zip.write_all(bytes).expect("written");
    }
    zip.finish().expect("a zip").into_inner()
}

fn notes(body: &str) -> String {
    docx_to_notes(&docx(body)).expect("reads")
}

fn record(body: &str) -> ImportedRecord {
    parse_notes(&notes(body)).expect("imports")
}

/// A notes document: the title, the table (header and `rows`), then `after`.
fn notes_body(rows: &[Vec<String>], after: &str) -> String {
    let mut table_rows = vec![header_row()];
    table_rows.extend_from_slice(rows);
    para(TITLE) + &table(&table_rows) + after
}

fn row(cells: [&str; 3]) -> Vec<String> {
    cells.iter().map(|cell| cell.to_string()).collect()
}

fn stalking() -> ImportedRecord {
    parse_notes(STALKING).expect("the fixture imports")
}

fn outline_paragraphs(items: &[Item], level: usize, xml: &mut String) {
    for item in items {
        let text = item.paragraphs.join(" ");
        match item.marker {
            Marker::Plain if level == 0 => xml.push_str(&para(&text)),
            _ => xml.push_str(&listed(BULLETS, level, &text)),
        }
        outline_paragraphs(&item.children, level + 1, xml);
    }
}

/// The fixture's notes as staff keep them in Word: the question numbers
/// typed, the sub-points and evidence as bulleted lists, question 1's
/// last bullet on a continuation row, and the action typed "1", tab, text.
fn stalking_body() -> String {
    let mut rows = Vec::new();
    for question in stalking().questions {
        let mut text = String::new();
        let (first, rest) = question.text.items.split_first().expect("question text");
        text.push_str(&para(&format!(
            "{}. {}",
            question.number,
            first.paragraphs.join(" ")
        )));
        outline_paragraphs(rest, 0, &mut text);
        let mut evidence = question.evidence.items.clone();
        let carried = (question.number == 1).then(|| evidence.pop()).flatten();
        let mut evidence_xml = String::new();
        outline_paragraphs(&evidence, 0, &mut evidence_xml);
        let decision = question.decision.map(|d| para(d.label())).unwrap_or_default();
        rows.push(vec![text, evidence_xml, decision]);
        if let Some(carried) = carried {
            let mut carried_xml = String::new();
            outline_paragraphs(&[carried], 0, &mut carried_xml);
            rows.push(vec![String::new(), carried_xml, String::new()]);
        }
    }
    let action = &stalking().actions[0];
    let action = format!(
        "<w:p>{}<w:r><w:tab/></w:r>{}</w:p>",
        run(&action.number.to_string()),
        run(&action.text)
    );
    notes_body(&rows, &(para("Action") + &action))
}

/// The words of the document's text. The test documents part words
/// between runs, so each run's text is split on its own.
fn body_words(body: &str) -> Vec<String> {
    let mut words = Vec::new();
    for piece in body.split("<w:t").skip(1) {
        let (Some(start), Some(end)) = (piece.find('>'), piece.find("</w:t>")) else {
            continue;
        };
        let text = piece[start + 1..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        words.extend(text.split_whitespace().map(str::to_string));
    }
    words.sort();
    words
}

/// The words a reader of the notes text sees: no tags, no bullets.
fn notes_words(notes: &str) -> Vec<String> {
    let mut visible = String::new();
    let mut in_tag = false;
    for c in notes.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                visible.push(' ');
            }
            _ if in_tag => {}
            '•' => visible.push(' '),
            c => visible.push(c),
        }
    }
    let visible = visible
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let mut words: Vec<String> = visible.split_whitespace().map(str::to_string).collect();
    words.sort();
    words
}

fn record_words(record: &ImportedRecord) -> Vec<String> {
    fn outline(items: &[Item], words: &mut Vec<String>) {
        for item in items {
            words.extend(
                item.paragraphs
                    .iter()
                    .flat_map(|p| p.split_whitespace().map(str::to_string)),
            );
            outline(&item.children, words);
        }
    }
    let mut words = Vec::new();
    for question in &record.questions {
        words.push(format!("{}.", question.number));
        outline(&question.text.items, &mut words);
        outline(&question.evidence.items, &mut words);
        let decision = question
            .decision
            .iter()
            .flat_map(|d| d.label().split_whitespace());
        words.extend(decision.map(str::to_string));
    }
    for action in &record.actions {
        words.push(action.number.to_string());
        words.extend(action.text.split_whitespace().map(str::to_string));
    }
    words.extend(
        record
            .unplaced
            .iter()
            .flat_map(|text| text.split_whitespace().map(str::to_string)),
    );
    words.sort();
    words
}

/// The words of `from` that `within` lacks, counting repeats.
fn missing(from: &[String], within: &[String]) -> Vec<String> {
    let mut left = within.to_vec();
    let mut missing = Vec::new();
    for word in from {
        match left.iter().position(|w| w == word) {
            Some(at) => {
                left.swap_remove(at);
            }
            None => missing.push(word.clone()),
        }
    }
    missing
}

fn texts(items: &[Item]) -> Vec<String> {
    items.iter().map(|item| item.paragraphs.join(" / ")).collect()
}

fn bullet(text: &str) -> Item {
    Item {
        marker: Marker::Bullet,
        paragraphs: vec![text.to_string()],
        children: Vec::new(),
    }
}

#[test]
fn the_stalking_notes_read_from_word_as_from_the_published_text() {
    let record = record(&stalking_body());

    assert_eq!(record.topic, "Stalking");
    assert_eq!(
        record.held_on,
        NaiveDate::from_ymd_opt(2024, 12, 3).expect("a date")
    );
    let numbers: Vec<u32> = record.questions.iter().map(|q| q.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4]);
    let decisions: Vec<Option<Decision>> = record.questions.iter().map(|q| q.decision).collect();
    assert_eq!(decisions, [Some(Decision::Assured), None, None, None]);
    let counts: Vec<usize> = record.questions.iter().map(|q| q.evidence.items.len()).collect();
    assert_eq!(counts, [15, 16, 3, 3]);
    let training = &record.questions[2].evidence.items[1];
    assert_eq!(training.paragraphs, ["In terms of training and development:"]);
    assert_eq!(training.children.len(), 5);
    let each_oic = &record.questions[1].text.items[3];
    assert_eq!(each_oic.paragraphs, ["each OIC will:"]);
    assert_eq!(each_oic.children[1], bullet("correctly categorise cases; and"));
    assert_eq!(record.actions.len(), 1);
    assert!(
        record.actions[0]
            .text
            .starts_with("That the topic of Stalking be re-visited")
    );
    assert_eq!(record.unplaced, Vec::<String>::new());
    // The same record, read from other text.
    assert_ne!(record.source_sha256, stalking().source_sha256);
    let source_sha256 = stalking().source_sha256;
    assert_eq!(
        ImportedRecord {
            source_sha256,
            ..record
        },
        stalking()
    );
}

#[test]
fn no_word_of_the_stalking_document_is_lost_or_added() {
    let body = stalking_body();
    let notes = notes(&body);
    let record = parse_notes(&notes).expect("imports");

    let words_in = body_words(&body);
    assert_eq!(notes_words(&notes), words_in);
    let structure: Vec<String> = [TITLE, &HEADER.join(" "), "Action"]
        .iter()
        .flat_map(|text| text.split_whitespace().map(str::to_string))
        .collect();
    let mut content = words_in.clone();
    for word in &structure {
        let at = content.iter().position(|w| w == word).expect("a structure word");
        content.remove(at);
    }
    assert_eq!(record_words(&record), content);
    // The count the preview shows says the same.
    let count = crate::import::words::count(&notes, &record);
    assert!(count.all_kept(), "{:?}", count.missing);
    assert_eq!(
        count.source,
        crate::import::words::words(&words_in.join(" ")).count()
    );
}

#[test]
fn the_notes_text_has_the_published_shape() {
    let notes = notes(&stalking_body());

    let lines: Vec<&str> = notes.lines().collect();
    assert_eq!(lines[0], TITLE);
    assert_eq!(lines[1], HEADER.join("\t"));
    assert!(lines[2].starts_with("<p>1. In terms of Stalking Protection Orders"));
    assert!(lines[2].contains("\t<ul style=\"list-style-type: none\"> • In terms of"));
    assert!(lines[2].ends_with(" </ul>\t<p>Assured</p>"));
    assert!(lines[3].starts_with("\t<ul style=\"list-style-type: none\"> • Given that"));
    let question_two = lines[4].split('\t').next().unwrap_or_default();
    assert!(question_two.contains(" • each OIC will: <ul> • take robust action"));
    assert!(question_two.ends_with("pattern of behaviour? </ul> </ul>"));
    assert_eq!(lines[lines.len() - 2], "Action");
    assert!(lines[lines.len() - 1].starts_with("1\tThat the topic of Stalking"));
}

#[test]
fn word_numbered_questions_and_actions_keep_their_numbers() {
    let rows = [
        row([&listed(NUMBERS, 0, "How many?"), &listed(BULLETS, 0, "Some."), ""]),
        row([
            &(listed(NUMBERS, 0, "How can the PCC be assured that:")
                + &listed(NUMBERS, 1, "the Force understands?")
                + &listed(NUMBERS, 1, "cases are linked?")),
            &listed(BULLETS, 0, "It does."),
            &para("Partly assured"),
        ]),
    ];
    let actions = para("Actions:")
        + &listed(MORE_NUMBERS, 0, "That a report be made.")
        + &listed(MORE_NUMBERS, 0, "That the topic be revisited")
        + &listed(MORE_NUMBERS, 1, "in a year's time.");

    let record = record(&notes_body(&rows, &actions));

    let numbers: Vec<u32> = record.questions.iter().map(|q| q.number).collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(texts(&record.questions[0].text.items), ["How many?"]);
    let second = &record.questions[1].text.items;
    assert_eq!(second[0].marker, Marker::Plain);
    assert_eq!(
        texts(second),
        [
            "How can the PCC be assured that:",
            "a) the Force understands?",
            "b) cases are linked?"
        ]
    );
    assert_eq!(record.questions[1].decision, Some(Decision::PartlyAssured));
    let expected = [
        ImportedAction {
            number: 1,
            text: "That a report be made.".to_string(),
            ..ImportedAction::default()
        },
        ImportedAction {
            number: 2,
            text: "That the topic be revisited in a year's time.".to_string(),
            ..ImportedAction::default()
        },
    ];
    assert_eq!(record.actions, expected);
}

#[test]
fn paragraphs_in_word_list_styles_are_lists() {
    let evidence = styled("ListBullet", "First.")
        + &styled("ListBullet2", "Under the first.")
        + &styled("ListBullet", "Second.");
    let actions = para("Actions") + &styled("ActionItem", "That A.") + &styled("ListNumber", "That B.");

    let record = record(&notes_body(&[row([&para("1. Why?"), &evidence, ""])], &actions));

    let first = Item {
        children: vec![bullet("Under the first.")],
        ..bullet("First.")
    };
    assert_eq!(record.questions[0].evidence.items, [first, bullet("Second.")]);
    let actions: Vec<(u32, &str)> = record
        .actions
        .iter()
        .map(|a| (a.number, a.text.as_str()))
        .collect();
    assert_eq!(actions, [(1, "That A."), (2, "That B.")]);
}

#[test]
fn list_numbers_are_written_as_word_shows_them() {
    let shown = [
        format_number(12, "decimal"),
        format_number(28, "lowerLetter"),
        format_number(3, "upperLetter"),
        format_number(1994, "lowerRoman"),
        format_number(4, "upperRoman"),
        format_number(7, "ordinalTitle"),
    ];

    assert_eq!(shown, ["12", "bb", "C", "mcmxciv", "IV", "7"]);
}

#[test]
fn an_action_table_after_the_notes_becomes_numbered_actions() {
    let rows = [row([&para("1. Why?"), &listed(BULLETS, 0, "Because."), ""])];
    let typed = para("Action")
        + &table(&[
            vec![para("1"), para("That a report be made.")],
            vec![para("2."), para("That the topic be revisited.")],
        ]);
    let numbered_without_heading = table(&[
        vec![listed(MORE_NUMBERS, 0, ""), para("That a report be made.")],
        vec![listed(MORE_NUMBERS, 0, ""), para("That the topic be revisited.")],
    ]);

    for after in [typed, numbered_without_heading] {
        let record = record(&notes_body(&rows, &after));

        let actions: Vec<(u32, &str)> = record
            .actions
            .iter()
            .map(|a| (a.number, a.text.as_str()))
            .collect();
        assert_eq!(
            actions,
            [(1, "That a report be made."), (2, "That the topic be revisited.")]
        );
        assert_eq!(record.unplaced, Vec::<String>::new());
    }
}

#[test]
fn a_notes_table_split_in_two_reads_as_one() {
    let first = notes_body(
        &[row([&para("1. Why?"), &listed(BULLETS, 0, "Because."), ""])],
        "",
    );
    let second = table(&[
        header_row(),
        row(["", &listed(BULLETS, 0, "And more."), ""]),
        row([&para("2. How?"), &listed(BULLETS, 0, "Thus."), &para("Assured")]),
    ]);

    let record = record(&(first + &para("") + &second));

    assert_eq!(record.questions.len(), 2);
    assert_eq!(
        texts(&record.questions[0].evidence.items),
        ["Because.", "And more."]
    );
    assert_eq!(record.questions[1].decision, Some(Decision::Assured));
    assert_eq!(record.unplaced, Vec::<String>::new());
}

#[test]
fn runs_tabs_breaks_and_markup_characters_read_as_word_shows_them() {
    let question = format!("<w:p>{}<w:r><w:tab/></w:r>{}</w:p>", run("1."), run("Why?"));
    let evidence = format!(
        "<w:p>{}{}{}<w:r><w:br/></w:r>{}</w:p>",
        run("• Fire & Res"),
        run("cue's plan: fewer than <5 > 3 <p>"),
        run(" &amp; ok"),
        run("second line")
    );
    let decision = format!("<w:p>{}{}</w:p>", run("Assu"), run("red"));

    let record = record(&notes_body(&[row([&question, &evidence, &decision])], ""));

    assert_eq!(texts(&record.questions[0].text.items), ["Why?"]);
    assert_eq!(
        texts(&record.questions[0].evidence.items),
        ["Fire & Rescue's plan: fewer than <5 > 3 <p> &amp; ok second line"]
    );
    assert_eq!(record.questions[0].decision, Some(Decision::Assured));
}

#[test]
fn a_link_keeps_its_address_as_the_published_notes_do() {
    let evidence = format!(
        r#"<w:p>{}<w:hyperlink r:id="rId9">{}</w:hyperlink>{}</w:p>"#,
        run("See "),
        run("the plan"),
        run(".")
    );

    let record = record(&notes_body(&[row([&para("1. Why?"), &evidence, ""])], ""));

    assert_eq!(
        texts(&record.questions[0].evidence.items),
        [format!("See the plan ({LINK}).")]
    );
}

#[test]
fn text_in_nested_tables_and_text_boxes_is_kept_once_and_deleted_text_is_not() {
    let text_box = |text: &str| format!("<w:txbxContent>{}</w:txbxContent>", para(text));
    let boxed = format!(
        "<w:p>{}<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx>{}</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>",
        run("Beside the box:"),
        text_box("boxed words"),
        text_box("boxed words")
    );
    let tracked = format!(
        r#"<w:p>{}<w:del w:id="1" w:author="A"><w:r><w:delText>struck out</w:delText></w:r></w:del><w:ins w:id="2" w:author="A">{}</w:ins><w:moveFrom w:id="3" w:author="A">{}</w:moveFrom><w:moveTo w:id="4" w:author="A">{}</w:moveTo></w:p>"#,
        run("Kept"),
        run(" added"),
        run(" moved"),
        run(" moved")
    );
    let nested = table(&[vec![para("inner one"), para("inner two")]]);
    let evidence = listed(BULLETS, 0, "Outer.") + &nested + &boxed + &tracked;

    let notes = notes(&notes_body(&[row([&para("1. Why?"), &evidence, ""])], ""));

    let words = notes_words(&notes);
    let count = |word: &str| words.iter().filter(|w| *w == word).count();
    assert_eq!((count("inner"), count("one"), count("two")), (2, 1, 1));
    assert_eq!((count("boxed"), count("Beside")), (1, 1));
    assert_eq!((count("Kept"), count("added"), count("moved")), (1, 1, 1));
    assert_eq!((count("struck"), count("out")), (0, 0));
}

#[test]
fn text_outside_the_table_is_kept_for_the_person_to_place() {
    let body = para("Office of the PCC")
        + &notes_body(
            &[row([&para("1. Why?"), &listed(BULLETS, 0, "Because."), ""])],
            &(para("Page 2 of 3")
                + &table(&[vec![para("Steve Turner"), para("PCC")]])
                + &para("Action")
                + &para("1\tThat a report be made.")
                + &para("See the annex.")),
        );

    let record = record(&body);

    assert_eq!(
        record.unplaced,
        [
            "Office of the PCC",
            "Page 2 of 3",
            "Steve Turner PCC",
            "See the annex."
        ]
    );
    assert_eq!(record.actions.len(), 1);
}

#[test]
fn a_title_set_over_two_paragraphs_is_one_title_line() {
    let rows = [
        vec![para("NOTES - SCRUTINY MEETING (STALKING)") + &para("Tuesday 3rd December 2024")],
        header_row(),
        row([&para("1. Why?"), &listed(BULLETS, 0, "Because."), ""]),
    ];

    let record = record(&(para("Cleveland") + &table(&rows)));

    assert_eq!(record.topic, "Stalking");
    assert_eq!(
        record.held_on,
        NaiveDate::from_ymd_opt(2024, 12, 3).expect("a date")
    );
    assert_eq!(record.unplaced, ["Cleveland"]);
}

#[test]
fn an_empty_file_is_refused_as_empty() {
    assert_eq!(docx_to_notes(b""), Err(DocxError::Empty));
}

#[test]
fn bytes_that_are_not_a_zip_are_refused_as_not_a_word_document() {
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();

    for bytes in [&random[..], STALKING.as_bytes(), b"PK\x03\x04 truncated"] {
        assert_eq!(docx_to_notes(bytes), Err(DocxError::NotZip));
    }
    let message = DocxError::NotZip.to_string();
    assert!(message.contains("save the notes from Word as a Word Document (.docx)"));
}

#[test]
fn an_old_or_locked_word_document_is_refused_with_what_to_do() {
    let mut bytes = OLE_MAGIC.to_vec();
    bytes.resize(1024, 0);

    let error = docx_to_notes(&bytes).expect_err("not a .docx");

    assert_eq!(error, DocxError::OldOrLocked);
    assert!(error.to_string().contains("without a password"));
}

#[test]
fn a_zip_without_a_document_is_refused_as_not_word() {
    let bytes = package(&[("word/styles.xml", b"<w:styles/>")]);

    assert_eq!(docx_to_notes(&bytes), Err(DocxError::NotWord));
}

#[test]
fn a_document_that_is_not_word_xml_is_refused_as_damaged() {
    let unclosed = document("<w:p><w:r><w:t>cut off").replace("</w:body></w:document>", "");
    let documents: [&[u8]; 5] = [
        b"{\"this is\": \"json\"}",
        b"<w:document><w:body></w:p></w:body></w:document>",
        b"<html><body><table><tr><td>Question</td></tr></table></body></html>",
        b"<w:document>\xff\xfe</w:document>",
        unclosed.as_bytes(),
    ];

    for document in documents {
        let bytes = package(&[("word/document.xml", document)]);
        let error = docx_to_notes(&bytes).expect_err("not Word XML");
        assert!(matches!(error, DocxError::BadXml(_)), "{error:?}");
    }
}

#[test]
fn a_governance_boards_table_in_word_is_read_row_by_row() {
    let cells = |texts: [&str; 4]| -> Vec<String> { texts.iter().map(|text| para(text)).collect() };
    let mut discussion = cells([
        "01",
        "Finance",
        "The budget is on track.",
        "Report by 30 June 2024 – CFO",
    ]);
    discussion[2].push_str(&listed(BULLETS, 0, "Overtime is up."));
    let body = para("Governance Board")
        + &para("5 March 2024")
        + &table(&[
            cells(["Ref", "Item", "Discussion", "Action / Owner"]),
            discussion,
            cells(["02", "Estates", "The custody suite opens in May.", ""]),
        ]);

    let text = docx_to_notes(&docx(&body)).expect("text");
    let record = crate::import::read_notes(&text).expect("reads");

    assert_eq!(record.shape, crate::import::Shape::Board, "{text}");
    assert_eq!(record.questions.len(), 2);
    assert_eq!(record.questions[0].evidence.items.len(), 2, "{text}");
    assert_eq!(record.actions.len(), 1);
    assert_eq!(record.actions[0].owner, "CFO");
    assert!(record.unplaced.is_empty(), "{:?}", record.unplaced);
    let count = crate::import::words::count(&text, &record);
    assert!(count.all_kept(), "{:?}", count.missing);
}

#[test]
fn a_document_without_a_table_is_its_text_a_paragraph_at_a_time() {
    let body = para(TITLE)
        + &para("Some minutes.")
        + &listed(BULLETS, 0, "First point.")
        + &listed(BULLETS, 1, "Under it.")
        + &para("After.");

    let text = docx_to_notes(&docx(&body)).expect("text");

    assert_eq!(
        text,
        format!("{TITLE}\n\nSome minutes.\n\n• First point.\n    • Under it.\n\nAfter.\n")
    );
    let record = crate::import::read_notes(&text).expect("kept");
    assert!(matches!(record.shape, crate::import::Shape::Unrecognised { .. }));
    assert_eq!(record.unplaced.len(), 4);
}

/// A document.xml of 200 MiB of spaces, deflated to a few hundred KiB,
/// written a MiB at a time; built once for the tests that use it.
fn bomb() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1));
        zip.start_file("word/document.xml", options).expect("a zip entry");
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..200 {
            zip.write_all(&spaces).expect("written");
        }
        zip.finish().expect("a zip").into_inner()
    })
}

/// Rewrites the uncompressed size a zip declares for `name`, in its local
/// header and in the central directory.
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    for (signature, at) in [(b"PK\x01\x02", 24), (b"PK\x03\x04", 22)] {
        let name_at = if at == 24 { 46 } else { 30 };
        let header = (0..zip.len() - name_at)
            .find(|&i| zip[i..].starts_with(signature) && zip[i + name_at..].starts_with(name.as_bytes()))
            .expect("the entry's header");
        zip[header + at..header + at + 4].copy_from_slice(&size.to_le_bytes());
    }
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_expanded() {
    let bytes = bomb();
    assert!(bytes.len() < 2 << 20);

    let started = Instant::now();
    let error = docx_to_notes(bytes).expect_err("too large");

    assert_eq!(error, DocxError::TooLarge);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(error.to_string().contains("more than 50 MiB"));
}

#[test]
fn a_zip_bomb_that_understates_its_size_is_stopped_while_reading() {
    let mut bytes = bomb().to_vec();
    declare_size(&mut bytes, "word/document.xml", 4096);

    let started = Instant::now();
    let error = docx_to_notes(&bytes).expect_err("stopped");

    // The zip reader stops an entry at its declared size.
    assert!(matches!(error, DocxError::Damaged(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_zip_of_too_many_entries_is_refused() {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for i in 0..=MAX_ENTRIES {
        zip.start_file(format!("{i}"), options).expect("a zip entry");
    }
    let bytes = zip.finish().expect("a zip").into_inner();

    assert_eq!(docx_to_notes(&bytes), Err(DocxError::TooLarge));
}

#[test]
fn a_document_of_too_many_paragraphs_is_refused() {
    let body = notes_body(&[], &"<w:p/>".repeat(MAX_BLOCKS));

    assert_eq!(docx_to_notes(&docx(&body)), Err(DocxError::TooLarge));
}

fn paragraph() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[a-z]{1,6}",
        prop::sample::select(vec!["Action", "NOTES", "&", "1", "2.", "Question", "Assured"])
            .prop_map(str::to_string),
    ];
    let text = prop::collection::vec(word, 0..5).prop_map(|words| words.join(" "));
    prop_oneof![
        text.clone().prop_map(|text| para(&text)),
        (0..LEVELS, 1..=3u32, text).prop_map(|(level, list, text)| listed(list, level, &text)),
    ]
}

fn cell() -> impl Strategy<Value = String> {
    prop::collection::vec(paragraph(), 0..3).prop_map(|cell| cell.concat())
}

fn block() -> impl Strategy<Value = String> {
    let rows = prop::collection::vec(prop::collection::vec(cell(), 1..5), 1..4);
    prop_oneof![3 => paragraph(), 1 => rows.prop_map(|rows| table(&rows))]
}

/// "2." and "2" are the same number, whether typed or read as one.
fn plain_numbers(words: Vec<String>) -> Vec<String> {
    let plain = |word: String| match word.strip_suffix('.') {
        Some(number) if number.chars().all(|c| c.is_ascii_digit()) => number.to_string(),
        _ => word,
    };
    words.into_iter().map(plain).collect()
}

proptest! {
    #[test]
    fn any_bytes_are_read_without_panicking(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2048),
            prop::collection::vec(any::<u8>(), 0..2048).prop_map(|b| [&b"PK\x03\x04"[..], &b].concat()),
        ]
    ) {
        let _ = docx_to_notes(&bytes);
    }

    #[test]
    fn any_markup_in_a_document_is_read_without_panicking(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                "<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>", "</w:t>", "<w:tbl>", "</w:tbl>",
                "<w:tr>", "</w:tr>", "<w:tc>", "</w:tc>", "<w:tab/>", "<w:br/>", "word", " ",
                "<w:pPr><w:numPr><w:ilvl w:val=\"9\"/><w:numId w:val=\"2\"/></w:numPr></w:pPr>",
                "<w:pPr><w:pStyle w:val=\"ListBullet2\"/></w:pPr>",
                "<w:hyperlink r:id=\"rId9\">", "</w:hyperlink>", "<mc:Fallback>", "</mc:Fallback>",
                "&amp;", "&#0;", "&#x1F600;", "&unknown;", "<w:tcPr><w:gridSpan w:val=\"99999\"/></w:tcPr>",
            ]),
            0..60,
        )
    ) {
        let _ = docx_to_notes(&docx(&parts.concat()));
    }

    #[test]
    fn every_word_of_any_document_is_in_its_notes(blocks in prop::collection::vec(block(), 0..12)) {
        let body = blocks.concat();
        match docx_to_notes(&docx(&body)) {
            Ok(notes) => {
                prop_assert_eq!(missing(&body_words(&body), &notes_words(&notes)), Vec::<String>::new());
            }
            Err(error) => {
                prop_assert_eq!(error, DocxError::NoTable);
                prop_assert!(!body.contains("<w:tbl>"));
            }
        }
    }

    #[test]
    fn no_word_of_any_notes_document_is_lost_on_import(
        rows in prop::collection::vec(prop::collection::vec(cell(), 3), 0..5),
        after in prop::collection::vec(block(), 0..6),
    ) {
        let body = notes_body(&rows, &after.concat());
        let notes = docx_to_notes(&docx(&body)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let record = match parse_notes(&notes) {
            Ok(record) => record,
            // A table whose question column is empty has no question
            // to read: refused with that message, so nothing is lost.
            Err(ImportError::NoQuestions) if rows.iter().all(|row| body_words(&row[0]).is_empty()) => {
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e} for {notes:?}"))),
        };
        // The title, the header and the Action heading are the
        // record's structure rather than its text.
        let structure = notes
            .lines()
            .filter(|line| *line == TITLE || *line == HEADER.join("\t") || is_action_heading(line));
        let mut kept = record_words(&record);
        kept.extend(structure.flat_map(|line| line.split_whitespace().map(str::to_string)));
        let lost = missing(&plain_numbers(body_words(&body)), &plain_numbers(kept));
        prop_assert_eq!(lost, Vec::<String>::new());
    }
}
