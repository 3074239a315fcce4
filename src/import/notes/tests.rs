use super::*;
use proptest::prelude::*;

const STALKING: &str = include_str!("../../../tests/fixtures/scrutiny-notes-stalking-2024-12-03.txt");
const TABLE: &str = "Question\tBrief Summary of Evidence\tDecision of PCC\n";
const HEAD: &str = "NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024\n\
                    Question\tBrief Summary of Evidence\tDecision of PCC\n";

/// What the tables are made of, besides words.
const MARKUP: &[&str] = &[
    " ",
    "\t",
    "\n",
    "•",
    "|",
    "| |",
    "<p>",
    "</p>",
    "<ul>",
    "</ul>",
    "<ol>",
    "</ol>",
    "<li>",
    "</li>",
    "<br>",
    "Assured",
    "\nAction\n",
];

fn stalking() -> ImportedRecord {
    parse_notes(STALKING).expect("the fixture imports")
}

fn bullet(text: &str) -> Item {
    Item {
        marker: Marker::Bullet,
        paragraphs: vec![text.to_string()],
        children: Vec::new(),
    }
}

fn texts(items: &[Item]) -> Vec<String> {
    items.iter().map(|item| item.paragraphs.join(" / ")).collect()
}

fn visible_words(line: &str) -> Vec<String> {
    let mut visible = String::new();
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            // The cells use block tags only, which part words.
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                visible.push(' ');
            }
            _ if in_tag => {}
            '|' => visible.push(' '),
            c if is_bullet(c) => visible.push(' '),
            c => visible.push(c),
        }
    }
    let words = visible
        .split_whitespace()
        .filter(|word| !word.chars().all(|c| c == '-'));
    words.map(str::to_string).collect()
}

/// The words of the source, less the title, the header row and the
/// Action heading, which the record holds as structure.
fn source_words(text: &str) -> Vec<String> {
    let content = text
        .lines()
        .filter(|line| !(is_title(line) || is_table_header(line) || is_action_heading(line)));
    let mut words: Vec<String> = content.flat_map(visible_words).collect();
    words.sort();
    words
}

fn outline_words(items: &[Item], words: &mut Vec<String>) {
    for item in items {
        words.extend(item.paragraphs.iter().flat_map(|p| visible_words(p)));
        outline_words(&item.children, words);
    }
}

fn record_words(record: &ImportedRecord, numbered: bool) -> Vec<String> {
    let mut words = Vec::new();
    for question in &record.questions {
        words.extend(numbered.then(|| format!("{}.", question.number)));
        outline_words(&question.text.items, &mut words);
        outline_words(&question.evidence.items, &mut words);
        words.extend(question.decision.iter().flat_map(|d| visible_words(d.label())));
    }
    for action in &record.actions {
        words.extend(numbered.then(|| action.number.to_string()));
        words.extend(visible_words(&action.text));
    }
    words.extend(record.unplaced.iter().flat_map(|text| visible_words(text)));
    words.sort();
    words
}

fn missing(from: &[String], in_words: &[String]) -> Vec<String> {
    let mut left = in_words.to_vec();
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

#[test]
fn the_title_gives_the_topic_the_date_and_the_kind() {
    let record = stalking();

    assert_eq!(record.topic, "Stalking");
    assert_eq!(
        record.held_on,
        NaiveDate::from_ymd_opt(2024, 12, 3).expect("a date")
    );
    assert_eq!(record.kind, "Scrutiny meeting");
}

#[test]
fn the_four_questions_are_numbered_one_to_four() {
    let numbers: Vec<u32> = stalking().questions.iter().map(|q| q.number).collect();

    assert_eq!(numbers, [1, 2, 3, 4]);
}

#[test]
fn a_question_keeps_its_words_without_its_number() {
    let record = stalking();

    let first = &record.questions[0].text.items;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].marker, Marker::Plain);
    assert_eq!(
        first[0].paragraphs,
        [
            "In terms of Stalking Protection Orders per 1000 stalking offences, how is the Force \
          performing? Does the Force ensure that an SPO is considered for every stalking \
          offence? If not, why not?"
        ]
    );
    assert!(
        texts(&record.questions[2].text.items)[0].starts_with("Given that the OPCC has invested £61,528.57")
    );
}

#[test]
fn question_two_keeps_its_three_levels() {
    let record = stalking();

    let each_oic = Item {
        children: vec![
            bullet("take robust action and a consistent approach;"),
            bullet("correctly categorise cases; and"),
            bullet("ensure all connected incidents are linked to recognise the wider pattern of behaviour?"),
        ],
        ..bullet("each OIC will:")
    };
    let expected = vec![
        Item {
            marker: Marker::Plain,
            ..bullet("How can the PCC be assured that:")
        },
        bullet("the Force understands the scale and type of stalking behaviour within the Cleveland area?"),
        bullet("non-DA related stalking offences are given sufficient strategic consideration?"),
        each_oic,
    ];
    assert_eq!(record.questions[1].text.items, expected);
}

#[test]
fn each_source_bullet_is_one_evidence_bullet_in_order() {
    let record = stalking();

    let first = &record.questions[0].evidence.items;
    assert_eq!(first.len(), 15);
    assert!(
        first
            .iter()
            .all(|item| item.marker == Marker::Bullet && item.children.is_empty())
    );
    assert_eq!(
        first[2].paragraphs,
        ["There is a need for SPOs to be proportionate, appropriate and necessary."]
    );
    assert!(texts(first)[13].starts_with("In early 2025, the Force will be taking part"));
    assert_eq!(record.questions[3].evidence.items.len(), 3);
}

#[test]
fn the_continuation_row_of_question_one_stays_with_its_evidence() {
    let record = stalking();

    let last = texts(&record.questions[0].evidence.items)
        .pop()
        .unwrap_or_default();
    assert!(last.starts_with("Given that, in Cleveland, a high percentage of stalking cases are DA-related"));
    assert!(last.ends_with("a proactive and reactive offer of offender management."));
}

#[test]
fn the_bullet_cut_by_a_page_break_is_one_bullet() {
    let record = stalking();

    let evidence = texts(&record.questions[1].evidence.items);
    let joined: Vec<&String> = evidence
        .iter()
        .filter(|t| t.contains("provide victim support"))
        .collect();
    assert_eq!(joined.len(), 1);
    assert!(joined[0].ends_with(
        "provide victim support. In addition, other support agencies within the domestic \
         abuse arena provide the Force with stalking specialists."
    ));
}

#[test]
fn question_two_evidence_runs_across_the_pipe_table_and_the_later_rows() {
    let record = stalking();

    let evidence = texts(&record.questions[1].evidence.items);
    assert_eq!(evidence.len(), 16);
    assert!(evidence[0].starts_with("In terms of stalking and harassment per 1000 population"));
    assert!(evidence[0].ends_with("the profiling of offenders."));
    assert_eq!(
        evidence[1],
        "The Force has tiered governance arrangements to enhance accountability."
    );
    assert_eq!(
        evidence[15],
        "The Force has a rigorous risk assessment process, to target highest harm offenders."
    );
}

#[test]
fn question_three_training_list_is_five_sub_bullets() {
    let record = stalking();

    let evidence = &record.questions[2].evidence.items;
    assert_eq!(texts(evidence)[1], "In terms of training and development:");
    let training = texts(&evidence[1].children);
    assert_eq!(training.len(), 5);
    assert_eq!(
        training[0],
        "Stalking Awareness Workshops are delivered face-to-face and via Teams."
    );
    assert!(training[4].starts_with("Domestic Abuse (DA) Matters Training"));
    assert_eq!(evidence.len(), 3);
    assert!(texts(evidence)[2].starts_with("The training available upskills"));
}

#[test]
fn a_question_cell_starting_with_a_bare_number_continues_the_question() {
    let text = format!("{HEAD}<p>1. How many?</p>\t• Some.\t\n<p>12 months on, how many?</p>\t\t\n");

    let record = parse_notes(&text).expect("imports");

    assert_eq!(record.questions.len(), 1);
    assert_eq!(
        record.questions[0].text.items[0].paragraphs,
        ["How many?", "12 months on, how many?"]
    );
}

#[test]
fn only_question_one_has_a_decision() {
    let decisions: Vec<Option<Decision>> = stalking().questions.iter().map(|q| q.decision).collect();

    assert_eq!(decisions, [Some(Decision::Assured), None, None, None]);
}

#[test]
fn the_action_is_read_with_its_number() {
    let record = stalking();

    let expected = ImportedAction {
        number: 1,
        text: "That the topic of Stalking be re-visited at a future Scrutiny Meeting, in a \
               year's time, to ensure continuous oversight of the Force's improvement work."
            .to_string(),
        ..ImportedAction::default()
    };
    assert_eq!(record.actions, [expected]);
}

#[test]
fn the_fixture_leaves_nothing_unplaced() {
    assert_eq!(stalking().unplaced, Vec::<String>::new());
}

#[test]
fn no_word_of_the_source_is_lost() {
    let record = stalking();

    let lost = missing(&source_words(STALKING), &record_words(&record, true));
    assert_eq!(lost, Vec::<String>::new());
}

#[test]
fn no_word_is_duplicated() {
    let record = stalking();

    let source = source_words(STALKING);
    let output = record_words(&record, true);
    assert_eq!(missing(&output, &source), Vec::<String>::new());
    assert_eq!(output.len(), source.len());
}

#[test]
fn the_record_serialises_to_json() {
    let json = serde_json::to_value(stalking()).expect("serialisable");

    assert_eq!(json["held_on"], "2024-12-03");
    assert_eq!(json["questions"][0]["decision"], "assured");
}

#[test]
fn empty_text_is_refused_as_empty() {
    assert_eq!(parse_notes(""), Err(ImportError::Empty));
    assert_eq!(parse_notes(" \n\t\n"), Err(ImportError::Empty));
}

#[test]
fn text_without_a_title_line_is_refused() {
    let text = "Question\tBrief Summary of Evidence\tDecision of PCC\n<p>1. Why?</p>\t• Because.\t\n";

    let error = parse_notes(text).expect_err("no title");

    assert_eq!(error, ImportError::MissingTitle);
    assert!(error.to_string().contains("no title line was found"));
}

#[test]
fn text_without_the_table_is_refused_as_another_format() {
    let text = "NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024\n\nSome minutes.\n";

    let error = parse_notes(text).expect_err("no table");

    assert_eq!(error, ImportError::MissingTable);
    assert!(error.to_string().contains("not in the format of published notes"));
}

#[test]
fn a_title_without_a_topic_or_a_date_is_refused() {
    let no_topic = "NOTES - SCRUTINY MEETING - 3 DECEMBER 2024\n".to_string() + TABLE;
    let no_date = "NOTES - SCRUTINY MEETING (STALKING) - SOON\n".to_string() + TABLE;

    assert!(matches!(
        parse_notes(&no_topic),
        Err(ImportError::TitleWithoutTopic { .. })
    ));
    assert!(matches!(
        parse_notes(&no_date),
        Err(ImportError::TitleWithoutDate { .. })
    ));
}

#[test]
fn a_table_without_questions_is_refused() {
    assert_eq!(parse_notes(HEAD), Err(ImportError::NoQuestions));
}

#[test]
fn titles_in_other_shapes_are_read() {
    let text = "NOTES – ACCOUNTABILITY BOARD (VIOLENCE AGAINST WOMEN AND GIRLS) – Tuesday 3rd December 2024\n"
        .to_string()
        + TABLE + "<p>1. Why?</p>\t<ul><li>Because.</li></ul>\t\n";

    let record = parse_notes(&text).expect("imports");

    assert_eq!(record.topic, "Violence Against Women and Girls");
    assert_eq!(record.kind, "Accountability board");
    assert_eq!(
        record.held_on,
        NaiveDate::from_ymd_opt(2024, 12, 3).expect("a date")
    );
    assert_eq!(record.questions[0].evidence.items, [bullet("Because.")]);
}

#[test]
fn text_the_importer_cannot_place_is_kept_as_unplaced() {
    let text = format!(
        "{HEAD}\t<p>Evidence before any question.</p>\tAssured\n\
         <p>1. Why?</p>\t• Because.\tVery assured indeed\nPage 2 of 3\n\
         | a | b |\nAction\n1\tDo it.\nSee the annex.\n"
    );

    let record = parse_notes(&text).expect("imports");

    let expected = [
        "Evidence before any question.",
        "Assured",
        "Very assured indeed",
        "Page 2 of 3",
        "| a | b |",
        "See the annex.",
    ];
    assert_eq!(record.unplaced, expected);
    assert_eq!(record.questions[0].decision, None);
}

#[test]
fn entities_are_decoded_and_links_keep_their_address() {
    let text = format!(
        "{HEAD}<p>1. Fire &amp; Rescue&#8217;s plan?</p>\t<ul><li>See \
         <a href=\"https://example.org/plan.pdf\">the plan</a>, &pound;5 &lt; &#x20AC;9.</li></ul>\t\n"
    );

    let record = parse_notes(&text).expect("imports");

    assert_eq!(texts(&record.questions[0].text.items), ["Fire & Rescue’s plan?"]);
    assert_eq!(
        texts(&record.questions[0].evidence.items),
        ["See the plan (https://example.org/plan.pdf), £5 < €9."]
    );
}

#[test]
fn nesting_deeper_than_an_outline_holds_is_lifted() {
    let text = format!(
        "{HEAD}<p>1. Deep?</p>\t{}\t\n",
        "<ul>• level".repeat(MAX_DEPTH + 3)
    );

    let record = parse_notes(&text).expect("imports");

    let mut depth = 0;
    let mut items = &record.questions[0].evidence.items;
    while let Some(first) = items.first() {
        depth += 1;
        items = &first.children;
    }
    assert_eq!(depth, MAX_DEPTH);
    assert_eq!(record_words(&record, false).len(), MAX_DEPTH + 3 + 1);
}

proptest! {
    #[test]
    fn any_text_is_read_without_panicking(text in any::<String>()) {
        let _ = parse_notes(&text);
    }

    #[test]
    fn any_table_text_is_read_without_panicking(body in "[a-zA-Z0-9 .?;:&#<>/|•\t\n-]{0,300}") {
        let _ = parse_notes(&format!("{HEAD}{body}"));
    }

    #[test]
    fn table_text_loses_and_duplicates_no_word(
        parts in prop::collection::vec(
            prop_oneof![
                "[a-e]{1,4}[.?;]?",
                prop::sample::select(MARKUP).prop_map(str::to_string),
            ],
            0..120,
        )
    ) {
        let body = parts.concat();
        match parse_notes(&format!("{HEAD}{body}")) {
            Ok(record) => prop_assert_eq!(record_words(&record, false), source_words(&body)),
            Err(error) => prop_assert_eq!(error, ImportError::NoQuestions),
        }
    }
}
