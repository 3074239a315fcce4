//! Documents: uploads checked by content, downloads and links.

use super::draft;
use crate::common::{TestApp, id_in};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
];

#[tokio::test]
async fn documents_are_checked_by_content_stored_and_downloaded() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, questions) = draft(&staff, &[("What is the plan?", "")]).await;
    let id = id_in(&editor);
    let uri = format!("/staff/meetings/{id}/documents");
    let question = questions[0].to_string();
    let fields = [("title", "Action plan"), ("question", question.as_str())];
    let uploaded = staff.upload(&uri, &fields, ("plan.pdf", PDF)).await;
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);
    let stored: (String, Option<i64>) = sqlx::query_as("select title, question_id from document")
        .fetch_one(&app.pool)
        .await
        .expect("the document");
    assert_eq!(
        stored,
        ("Action plan".to_owned(), Some(questions[0])),
        "the title typed, beside the question chosen"
    );
    let disguised = staff.upload(&uri, &[("title", "Fake")], ("image.pdf", PNG)).await;
    assert_eq!(disguised.status, 422);
    assert_eq!(
        disguised.texts(".error-summary a"),
        ["The file's content is not a PDF file, whatever its name says"]
    );
    let wrong_kind = staff
        .upload(&uri, &[("title", "Script")], ("run.exe", b"MZ\x90\x00"))
        .await;
    assert_eq!(wrong_kind.status, 422);
    let empty = staff
        .upload(&uri, &[("title", "Nothing")], ("empty.pdf", b""))
        .await;
    assert_eq!(empty.status, 422);

    let document: i64 = sqlx::query_scalar("select id from document")
        .fetch_one(&app.pool)
        .await
        .expect("document");
    let download = staff.get(&format!("/staff/documents/{document}")).await;
    assert_eq!(download.status, 200);
    assert_eq!(download.header("content-type"), "application/pdf");
    assert_eq!(
        download.header("content-disposition"),
        "attachment; filename=\"plan.pdf\"; filename*=UTF-8''plan.pdf"
    );
    assert_eq!(download.body.as_bytes(), PDF);
    let listed = staff.get(&editor).await;
    assert!(
        listed.body.contains(&format!("(plan.pdf, {} bytes)", PDF.len())),
        "a small file's size is given in bytes, not as 0 KB"
    );
    // A draft's document is as unknown to the public as a missing one.
    let public = app.visitor().get(&format!("/documents/{document}")).await;
    assert_eq!(public.status, 404);
    assert_eq!(public.body, app.visitor().get("/documents/999999").await.body);

    let link = staff
        .post(
            &format!("/staff/meetings/{id}/links"),
            &[
                ("title", "Super-complaint report"),
                ("url", "https://www.gov.uk/report"),
            ],
        )
        .await;
    assert_eq!(link.status, 303);
    let bad = staff
        .post(
            &format!("/staff/meetings/{id}/links"),
            &[("title", "Bad"), ("url", "javascript:alert(1)")],
        )
        .await;
    assert_eq!(bad.status, 422);
    let page = staff.get(&editor).await;
    assert_eq!(page.texts("ul.documents li a").len(), 2);
}

#[tokio::test]
async fn oversized_uploads_are_refused() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, _) = draft(&staff, &[]).await;
    let mut big = PDF.to_vec();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let refused = staff
        .upload(
            &format!("/staff/meetings/{}/documents", id_in(&editor)),
            &[],
            ("big.pdf", &big),
        )
        .await;
    assert_eq!(refused.status, 413);
    let count: i64 = sqlx::query_scalar("select count(*) from document")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(count, 0);
    // A file of exactly 20 MB is within the limit, and kept whole.
    big.pop();
    let kept = staff
        .upload(
            &format!("/staff/meetings/{}/documents", id_in(&editor)),
            &[],
            ("big.pdf", &big),
        )
        .await;
    assert_eq!(kept.status, 303, "{}", kept.body);
    let size: i64 = sqlx::query_scalar("select length(content)::bigint from document")
        .fetch_one(&app.pool)
        .await
        .expect("size");
    assert_eq!(size, 20 * 1024 * 1024);
}
