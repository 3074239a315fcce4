//! The demo record, as the public reads it: the source's text, word for word.

use crate::common::TestApp;

const SLUG: &str = "/meetings/2024-12-03-stalking";

#[tokio::test]
async fn the_demo_record_has_four_questions_with_their_sub_points() {
    let app = TestApp::with_demo().await;
    let page = app.get(SLUG).await;
    assert_eq!(page.status, 200);
    let questions = page.texts("td.col-question");
    assert_eq!(questions.len(), 4);
    assert!(questions[0].starts_with("1. In terms of Stalking Protection Orders per 1000 stalking offences"));
    assert!(questions[3].contains("recommendations of the Super Complaint"));
    // Question 2 has three levels: its text, its sub-points, and theirs.
    let nested = page.texts("#question-2 td.col-question ul ul li");
    assert_eq!(
        nested,
        [
            "take robust action and a consistent approach;",
            "correctly categorise cases; and",
            "ensure all connected incidents are linked to recognise the wider pattern of behaviour?",
        ]
    );
    let level_two = page.texts("#question-2 td.col-question > div > ul > li > p");
    assert_eq!(level_two.len(), 3, "{level_two:?}");
}

#[tokio::test]
async fn a_bullet_split_by_a_page_break_is_one_bullet() {
    let app = TestApp::with_demo().await;
    let page = app.get(SLUG).await;
    let bullets = page.texts("#question-2 td.col-evidence li");
    let joined: Vec<_> = bullets
        .iter()
        .filter(|b| b.contains("provide victim support. In addition, other support agencies"))
        .collect();
    assert_eq!(joined.len(), 1, "{bullets:#?}");
    assert!(joined[0].starts_with("Suzy Lamplugh Advocates are embedded in the Force"));
    assert!(joined[0].ends_with("provide the Force with stalking specialists."));
}

#[tokio::test]
async fn every_evidence_bullet_of_the_source_is_shown() {
    let app = TestApp::with_demo().await;
    let page = app.get(SLUG).await;
    let text = page.texts("td.col-evidence").join(" ");
    for sentence in [
        "Cleveland's rates had improved and although they remained lower than the England and Wales average",
        "In early 2025, the Force will be taking part in a pilot of Domestic Abuse Protective Orders (DAPOs)",
        "It is envisaged that the pilot will offer more flexibility",
        "Teesside University has been commissioned to help the Force develop a more detailed understanding",
        "The Force has tiered governance arrangements to enhance accountability.",
        "The Force has a rigorous risk assessment process, to target highest harm offenders.",
        "Domestic Abuse (DA) Matters Training is mandatory training for all officers and staff",
        "A copy of the action plan, can be accessed here: response-to-stalking-super-complaint.pdf",
        "The Force's governance arrangements will monitor the implementation of the recommendations",
    ] {
        assert!(text.contains(sentence), "missing: {sentence}");
    }
    let training = page.texts("#question-3 td.col-evidence ul ul li");
    assert_eq!(training.len(), 5, "{training:#?}");
}

#[tokio::test]
async fn question_one_is_assured_and_the_others_have_no_decision() {
    let app = TestApp::with_demo().await;
    let page = app.get(SLUG).await;
    let decisions = page.texts("td.col-decision");
    assert_eq!(
        decisions,
        [
            // Taken from the notes, as the demo is an import.
            "Assured Decision as recorded in the original notes of the meeting on 3 December 2024",
            // The notes gave none: not a failure of the PCC to decide.
            "No decision in the original notes",
            "No decision in the original notes",
            "No decision in the original notes"
        ]
    );
    for list in ["/", "/meetings", "/topics/stalking", "/search?q=stalking"] {
        let page = app.get(list).await;
        assert_eq!(
            page.texts(".decision-none"),
            ["No decision in the original notes"; 3],
            "{list}"
        );
    }
}

#[tokio::test]
async fn a_question_the_pcc_has_not_decided_says_no_decision_recorded() {
    let app = TestApp::new().await;
    crate::common::RecordBuilder::new("2024-12-03", "Custody")
        .sample_question()
        .publish(&app.pool)
        .await;
    assert_eq!(
        app.get("/meetings/2024-12-03-custody")
            .await
            .texts("td.col-decision"),
        ["No decision recorded"]
    );
    for list in ["/", "/meetings", "/topics/custody", "/search?q=custody"] {
        assert_eq!(
            app.get(list).await.texts(".decision-none"),
            ["No decision recorded"],
            "{list}"
        );
    }
}

#[tokio::test]
async fn the_demo_has_its_action() {
    let app = TestApp::with_demo().await;
    let page = app.get(SLUG).await;
    let actions = page.texts("table.actions tbody tr");
    assert_eq!(actions.len(), 1);
    assert!(actions[0].starts_with(
        "1. That the topic of Stalking be re-visited at a future Scrutiny Meeting, in a year's time, \
         to ensure continuous oversight of the Force's improvement work."
    ));
    assert!(actions[0].contains("Open"));
}

#[tokio::test]
async fn the_demo_as_json_holds_the_whole_record() {
    let app = TestApp::with_demo().await;
    let response = app.get(&format!("{SLUG}.json")).await;
    assert_eq!(response.status, 200);
    assert!(response.header("content-type").starts_with("application/json"));
    let json: serde_json::Value = serde_json::from_str(&response.body).expect("json");
    assert_eq!(json["slug"], "2024-12-03-stalking");
    assert_eq!(json["topic"], "Stalking");
    assert_eq!(json["held_on"], "2024-12-03");
    assert_eq!(json["revision"], 1);
    assert_eq!(json["questions"].as_array().map(Vec::len), Some(4));
    assert_eq!(json["questions"][0]["number"], 1);
    assert_eq!(json["questions"][0]["decision"]["value"], "assured");
    assert!(json["questions"][1]["decision"].is_null());
    assert_eq!(json["actions"][0]["number"], 1);
    assert_eq!(json["actions"][0]["status"], "open");
    let (content, stored_hash): (serde_json::Value, String) =
        sqlx::query_as("select content, content_hash from revision where number = 1")
            .fetch_one(&app.pool)
            .await
            .expect("the demo's revision");
    // The hash is of the revision's content as stored, printed as compact
    // JSON with its keys in order, as publication computes it.
    let recomputed = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        content.to_string().as_bytes(),
    ));
    assert_eq!(stored_hash, recomputed);
    assert_eq!(json["content_hash"], recomputed.as_str());
}
