//! Questions and their evidence: the outline round trip and preview,
//! numbering, and saves that meet someone else's.

use super::{MEETING, draft};
use crate::common::{TestApp, Visitor, id_in};

const EVIDENCE: &str = "- The Force has a Stalking Action Plan.\n  - It has several workstreams.\n    A second paragraph of the same bullet.\n• Bullets may start with -, *, •, ◦ or \"1.\" and nest by indentation.";

/// Adds a question through the editor's form; returns its id.
async fn add_question(staff: &mut Visitor<'_>, editor: &str, text: &str, evidence: &str) -> i64 {
    let id = id_in(editor);
    let added = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[("text", text), ("evidence", evidence)],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let page = staff.get(editor).await;
    let links = page.html();
    let selector = scraper::Selector::parse("a[href^='/staff/questions/']").expect("selector");
    let last = links
        .select(&selector)
        .next_back()
        .and_then(|a| a.value().attr("href"))
        .expect("an edit link");
    id_in(last)
}

#[tokio::test]
async fn evidence_round_trips_exactly_and_the_preview_saves_nothing() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, _) = draft(&staff, &[]).await;
    let id = id_in(&editor);
    let text = "How can the PCC be assured that:\n- the Force understands the scale?\n- each OIC will:\n  - take robust action;";
    let preview = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[("text", text), ("evidence", EVIDENCE), ("preview", "1")],
        )
        .await;
    assert_eq!(preview.status, 200);
    assert_eq!(preview.texts(".preview .col-evidence > ul > li").len(), 2);
    assert_eq!(
        preview.texts(".preview .col-evidence ul ul li p"),
        [
            "It has several workstreams.",
            "A second paragraph of the same bullet."
        ]
    );
    assert_eq!(
        preview.texts(".preview .col-question ul ul li"),
        ["take robust action;"]
    );
    assert!(
        preview.body.contains("take robust action;</textarea>"),
        "the typed text is kept"
    );
    let questions: i64 = sqlx::query_scalar("select count(*) from question")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(questions, 0, "a preview saves nothing");

    let question = add_question(&mut staff, &editor, text, EVIDENCE).await;
    let edit = staff.get(&format!("/staff/questions/{question}")).await;
    assert_eq!(
        edit.texts("textarea#evidence"),
        [EVIDENCE.split_whitespace().collect::<Vec<_>>().join(" ")]
    );
    let html = edit.html();
    let area = html
        .select(&scraper::Selector::parse("textarea#evidence").expect("s"))
        .next()
        .expect("textarea");
    assert_eq!(area.text().collect::<String>(), EVIDENCE, "exactly as typed");
    assert_eq!(
        crate::common::evidence_bullets(&app.pool).await,
        3,
        "two top-level bullets and one nested, read as a tree"
    );
}

/// A three-level bulleted list as Word puts it on the clipboard as plain
/// text: the level's glyph and a tab, no indentation, CRLF.
const WORD_PASTE: &str = "•\tThe Force has a Stalking Action Plan.\r\n\
o\tIt has four workstreams.\r\n\
\u{a7}\tTraining, led by the Suzy Lamplugh Trust.\r\n\
o\tEach has an owner.\r\n\
•\tCosts were £61,528.57.\r\n";

#[tokio::test]
async fn a_list_pasted_from_word_keeps_its_three_levels_in_the_preview_and_the_record() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, _) = draft(&staff, &[]).await;
    let id = id_in(&editor);

    let preview = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[
                ("text", "Is the plan working?"),
                ("evidence", WORD_PASTE),
                ("preview", "1"),
            ],
        )
        .await;

    assert_eq!(preview.status, 200, "{}", preview.body);
    let evidence = ".preview .col-evidence";
    assert_eq!(
        preview.texts(&format!("{evidence} > ul > li > p")),
        ["The Force has a Stalking Action Plan.", "Costs were £61,528.57."]
    );
    assert_eq!(
        preview.texts(&format!("{evidence} > ul > li > ul > li > p")),
        ["It has four workstreams.", "Each has an owner."]
    );
    assert_eq!(
        preview.texts(&format!("{evidence} ul ul ul li")),
        ["Training, led by the Suzy Lamplugh Trust."]
    );
    assert!(
        !preview.body.contains("<p>o"),
        "Word's second-level glyph is not kept as text"
    );

    add_question(&mut staff, &editor, "Is the plan working?", WORD_PASTE).await;
    let stored: String = sqlx::query_scalar("select evidence_text from question")
        .fetch_one(&app.pool)
        .await
        .expect("evidence");
    let outline = scrutiny::domain::outline::Outline::parse(&stored).expect("stored evidence parses");
    assert_eq!(
        (outline.items.len(), outline.depth()),
        (2, 3),
        "two top-level bullets, three levels"
    );
}

#[tokio::test]
async fn outlines_too_deep_or_with_nul_are_refused() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, _) = draft(&staff, &[]).await;
    let id = id_in(&editor);
    let deep: String = (0..9)
        .map(|d| format!("{}- level {}\n", "  ".repeat(d), d + 1))
        .collect();
    let refused = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[("text", "Q?"), ("evidence", &deep)],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.texts(".error-summary a"),
        ["Evidence is nested more than 8 levels deep at line 9"]
    );
    let nul = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[("text", "Q\0?"), ("evidence", "")],
        )
        .await;
    assert_eq!(nul.status, 400, "refused before the form is read");
    assert_eq!(nul.texts("h1"), ["This form could not be read"]);
    let empty = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[("text", " "), ("evidence", "")],
        )
        .await;
    assert_eq!(empty.texts(".error-summary a"), ["Enter question"]);
}

/// The questions as the editor at `editor` lists them, in order.
async fn order(staff: &mut Visitor<'_>, editor: &str) -> Vec<String> {
    staff.get(editor).await.texts(".editor-list > li > p:first-child")
}

/// Moves question `id` in `direction` with its button; the answer.
async fn shift(staff: &mut Visitor<'_>, id: i64, direction: &str) -> crate::common::TestResponse {
    let uri = format!("/staff/questions/{id}/move");
    staff.post(&uri, &[("direction", direction)]).await
}

#[tokio::test]
async fn questions_are_numbered_reordered_and_renumbered_on_delete() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, questions) = draft(&staff, &[("First?", ""), ("Second?", ""), ("Third?", "")]).await;
    let [first, _second, third] = questions[..] else {
        panic!("three questions")
    };
    assert_eq!(shift(&mut staff, third, "up").await.status, 303);
    assert_eq!(
        order(&mut staff, &editor).await,
        ["Question 1. First?", "Question 2. Third?", "Question 3. Second?"]
    );
    assert_eq!(
        staff
            .post(&format!("/staff/questions/{first}/delete"), &[])
            .await
            .status,
        303
    );
    assert_eq!(
        order(&mut staff, &editor).await,
        ["Question 1. Third?", "Question 2. Second?"]
    );
    assert_eq!(shift(&mut staff, third, "down").await.status, 303);
    assert_eq!(
        order(&mut staff, &editor).await,
        ["Question 1. Second?", "Question 2. Third?"]
    );
    let sideways = shift(&mut staff, third, "left").await;
    assert_eq!(sideways.status, 400);
    assert!(
        sideways.body.contains("Move a question up or down."),
        "{}",
        sideways.body
    );
}

/// A saved question opened again: "Preview" shows the change and saves
/// nothing, and a form whose version is not a number saves nothing either.
#[tokio::test]
async fn an_edited_question_is_previewed_without_saving_and_a_garbled_version_saves_nothing() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (_, questions) = draft(&staff, &[("What is done?", "- Original bullet.")]).await;
    let uri = format!("/staff/questions/{}", questions[0]);
    let stored = async || -> String {
        sqlx::query_scalar("select evidence_text from question")
            .fetch_one(&app.pool)
            .await
            .expect("evidence")
    };

    let preview = staff
        .post(
            &uri,
            &[
                ("text", "What is done?"),
                ("evidence", "- A changed bullet."),
                ("version", "1"),
                ("preview", "1"),
            ],
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.texts(".preview .col-evidence li"), ["A changed bullet."]);
    assert_eq!(stored().await, "- Original bullet.", "a preview saves nothing");

    let garbled = staff
        .post(
            &uri,
            &[
                ("text", "What is done?"),
                ("evidence", "- A changed bullet."),
                ("version", "one"),
            ],
        )
        .await;
    assert_eq!(garbled.status, 409, "{}", garbled.body);
    assert_eq!(stored().await, "- Original bullet.", "nothing is saved over");
}

#[tokio::test]
async fn a_stale_save_is_refused_with_409_and_both_texts_shown() {
    let app = TestApp::new().await;
    let mut alice = app.signed_in("staff").await;
    let mut bob = app.signed_in("staff").await;
    let (editor, questions) = draft(&alice, &[("What is done?", "- Original bullet.")]).await;
    let question = questions[0];
    let uri = format!("/staff/questions/{question}");
    // Both open the question at version 1.
    alice.get(&uri).await;
    bob.get(&uri).await;
    let saved = alice
        .post(
            &uri,
            &[
                ("text", "What is done?"),
                ("evidence", "- Alice's bullet."),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let stale = bob
        .post(
            &uri,
            &[
                ("text", "What is done?"),
                ("evidence", "- Bob's bullet."),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(stale.status, 409);
    assert!(stale.texts(".conflict pre")[0].contains("Bob's bullet."));
    assert!(stale.texts(".conflict pre")[1].contains("Alice's bullet."));
    assert!(
        stale.body.contains("- Bob&#39;s bullet.</textarea>")
            || stale.body.contains("- Bob&#x27;s bullet.</textarea>"),
        "Bob's text is kept in the form"
    );
    let stored: String = sqlx::query_scalar("select evidence_text from question")
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(stored, "- Alice's bullet.", "nothing overwritten");
    // Saving again from the conflict page is a deliberate choice, and works.
    let again = bob
        .post(
            &uri,
            &[
                ("text", "What is done?"),
                ("evidence", "- Bob's bullet."),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(again.status, 303);

    let meeting = id_in(&editor);
    let mut fields: Vec<(&str, &str)> = MEETING.iter().filter(|(k, _)| *k != "version").copied().collect();
    fields.push(("version", "1"));
    fields[0] = ("topic", "Stalking and harassment");
    assert_eq!(
        alice
            .post(&format!("/staff/meetings/{meeting}"), &fields)
            .await
            .status,
        303
    );
    fields[0] = ("topic", "Stalking offences");
    let stale = bob.post(&format!("/staff/meetings/{meeting}"), &fields).await;
    assert_eq!(stale.status, 409);
    assert!(
        stale
            .texts(".conflict td")
            .contains(&"Stalking and harassment".to_owned())
    );
    assert!(stale.body.contains("value=\"Stalking offences\""));
}
