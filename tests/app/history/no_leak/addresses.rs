//! Every address the public can ask for, about the records of the no-leak
//! test, and what each must show of what was published.

use super::*;

/// A public address, what it must show (`{marker}{field}`, lower-case), and
/// the words of its query string that the page repeats back by design (a
/// search box, a filter, the withdrawal notice naming the record), which
/// are not a leak.
pub struct Address {
    pub uri: String,
    pub shows: Vec<String>,
    pub echo: Vec<String>,
}

fn address(uri: impl Into<String>, shows: &[String]) -> Address {
    Address {
        uri: uri.into(),
        shows: shows.iter().map(|s| s.to_lowercase()).collect(),
        echo: Vec::new(),
    }
}

/// `{marker}{field}` for each field.
pub fn of(marker: &str, fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| format!("{marker}{f}")).collect()
}

/// The topic of every published revision, as the lists show them.
pub fn published_topics() -> Vec<String> {
    [PUBLISHED, SECOND_REVISION]
        .iter()
        .chain(&UNDER_CORRECTION)
        .map(|m| format!("{m}topic"))
        .collect()
}

/// What the page of a published record shows of it: every field but the
/// stored files' names and bytes (served at `/documents/{id}`) and the
/// re-visit topic (shown on the forward plan); the actions come last.
const RECORD_PAGE: [&str; 18] = [
    "topic",
    "place",
    "kind",
    "intro",
    "attendee",
    "attendeerole",
    "apology",
    "apologyrole",
    "question",
    "evidence",
    "rationale",
    "document",
    "questiondocument",
    "link",
    "linkurl",
    "action",
    "owner",
    "progress",
];

/// Every address the router serves to the public, about every record, with
/// every marker as a search and a filter, and every document in the database.
pub fn public_addresses(records: &Records, documents: &[i64]) -> Vec<Address> {
    let topics = published_topics();
    let record_page = of(PUBLISHED, &RECORD_PAGE);
    let actions = of(PUBLISHED, &["topic", "action", "owner"]);
    let plan = of(PUBLISHED, &["revisit"]);
    let mut addresses = vec![
        address("/", &[topics.clone(), plan.clone()].concat()),
        address("/meetings", &topics),
        address("/meetings?page=2", &[]),
        address("/meetings?year=2024", &topics),
        address("/meetings?year=2025", &[]),
        address("/meetings?decision=assured", &[]),
        address("/meetings?decision=partly_assured", &of(PUBLISHED, &["topic"])),
        address("/meetings?decision=not_assured", &of(SECOND_REVISION, &["topic"])),
        address(
            "/meetings.csv",
            &[topics.clone(), of(PUBLISHED, &["place", "kind"])].concat(),
        ),
        address("/meetings.json", &topics),
        address("/meetings.json?page=2", &[]),
        address("/actions", &actions),
        address(
            "/actions.json",
            &[actions.clone(), of(PUBLISHED, &["progress"])].concat(),
        ),
        address("/actions.json?page=2", &[]),
        address("/actions?status=in_progress", &actions),
        address("/actions?status=open", &[]),
        address("/actions?status=done", &[]),
        address("/actions?status=carried_forward", &[]),
        address("/actions?overdue=1", &[]),
        address("/actions?page=2", &[]),
        address(
            "/actions.csv",
            &[actions.clone(), of(PUBLISHED, &["progress"])].concat(),
        ),
        address(
            "/forward-plan",
            &[plan.clone(), of("Lemur", &["plantopic"])].concat(),
        ),
        address(
            "/forward-plan.ics",
            &[plan.clone(), of("Lemur", &["plantopic"])].concat(),
        ),
        address("/topics", &topics),
        address("/feed.atom", &topics),
        address("/ledger", &[]),
        // No logo is set: 404, with nothing of any record.
        address("/site/logo", &[]),
        address("/ledger.json", &[]),
        address("/search", &[]),
        address("/data", &[]),
        address("/accessibility", &[]),
        address("/privacy", &[]),
        // The alerts form lists the published topics to choose from.
        address("/alerts", &topics),
        address("/alerts/requested", &[]),
        address(format!("/alerts/confirm/{}", "0".repeat(64)), &[]),
        address(format!("/alerts/unsubscribe/{}", "0".repeat(64)), &[]),
        address("/health", &[]),
        address("/no-such-page", &[]),
        address("/staff", &[]),
        address("/staff/login", &[]),
        address("/staff/review", &[]),
        address("/staff/forward-plan", &[]),
    ];
    let slug = &records.published.slug;
    addresses.extend([
        address(format!("/meetings/{slug}"), &record_page),
        address(format!("/meetings/{slug}.json"), &record_page),
        address(
            format!("/meetings/{slug}.csv"),
            &of(PUBLISHED, &["topic", "question", "evidence", "rationale"]),
        ),
        address(format!("/meetings/{slug}/revisions"), &of(PUBLISHED, &["topic"])),
        address(
            format!("/meetings/{slug}/revisions/1"),
            &of(PUBLISHED, &["question", "evidence", "rationale"]),
        ),
        address(
            format!("/meetings/{slug}/revisions/1.json"),
            &of(PUBLISHED, &["question", "evidence", "rationale"]),
        ),
    ]);
    let slug = &records.corrected.slug;
    addresses.extend([
        address(
            format!("/meetings/{slug}"),
            &of(
                SECOND_REVISION,
                &[
                    "topic",
                    "question",
                    "secondquestion",
                    "questiondocument",
                    "action",
                    "owner",
                    "newaction",
                ],
            ),
        ),
        address(
            format!("/meetings/{slug}/revisions"),
            &["Walrusreason".to_owned()],
        ),
        address(
            format!("/meetings/{slug}/revisions/1"),
            &of(
                FIRST_REVISION,
                &["topic", "question", "evidence", "rationale", "action", "owner"],
            ),
        ),
        address(
            format!("/meetings/{slug}/revisions/2"),
            &of(
                SECOND_REVISION,
                &["question", "evidence", "rationale", "action", "newaction"],
            ),
        ),
        address(
            format!("/meetings/{slug}/revisions/1.json"),
            &of(FIRST_REVISION, &["topic", "question", "evidence", "rationale"]),
        ),
        address(
            format!("/meetings/{slug}/revisions/2.json"),
            &of(SECOND_REVISION, &["question", "evidence", "rationale"]),
        ),
    ]);
    addresses.push(address(
        format!("/meetings/{}", records.withdrawn.slug),
        &["Ibexreason".to_owned()],
    ));
    for (record, marker) in records.under_correction.iter().zip(UNDER_CORRECTION) {
        // What was published, while the correction waits: the actions as
        // agreed then, with their progress.
        let shows = of(marker, &[&RECORD_PAGE[..11], &RECORD_PAGE[15..]].concat());
        addresses.push(address(format!("/meetings/{}", record.slug), &shows));
    }
    for record in records.all() {
        let Record { slug, id, .. } = record;
        for suffix in [
            ".json",
            ".csv",
            "/revisions",
            "/revisions/1",
            "/revisions/2",
            "/revisions/3",
            "/revisions/1.json",
            "/revisions/2.json",
            "/revisions/3.json",
        ] {
            addresses.push(address(format!("/meetings/{slug}{suffix}"), &[]));
        }
        // The slug is the date, then the topic's address form.
        addresses.push(address(format!("/meetings?topic={}", &slug[11..]), &[]));
        addresses.push(address(format!("/topics/{}", &slug[11..]), &[]));
        addresses.push(address(format!("/staff/meetings/{id}"), &[]));
        addresses.push(address(format!("/staff/meetings/{id}/preview"), &[]));
    }
    addresses.push(address(
        format!("/topics/{}", PUBLISHED.to_lowercase() + "topic"),
        &of(PUBLISHED, &["topic"]),
    ));
    for id in documents {
        addresses.push(address(format!("/documents/{id}"), &[]));
        addresses.push(address(format!("/staff/documents/{id}"), &[]));
    }
    let every_marker = [
        DRAFT,
        REVIEW,
        SENT_BACK,
        WITHDRAWN,
        PUBLISHED,
        FIRST_REVISION,
        SECOND_REVISION,
    ]
    .iter()
    .chain(&UNDER_CORRECTION)
    .chain(&[
        CORRECTING,
        CORRECTION_IN_REVIEW,
        CORRECTION_SENT_BACK,
        WITHDRAWN_CORRECTION,
    ])
    .flat_map(|m| [fields(m), corrected_fields(m)].concat())
    .chain(secrets())
    .collect::<std::collections::BTreeSet<_>>();
    let owner = address(
        format!("/actions?owner={PUBLISHED}owner"),
        &of(PUBLISHED, &["action"]),
    );
    addresses.push(Address {
        echo: vec![format!("{PUBLISHED}owner").to_lowercase()],
        ..owner
    });
    for word in every_marker {
        let lower = word.to_lowercase();
        for uri in [
            format!("/search?q={word}"),
            format!("/actions?owner={word}"),
            format!("/meetings?topic={lower}"),
            format!("/topics/{lower}"),
            format!("/alerts?topic={lower}"),
        ] {
            addresses.push(Address {
                uri,
                shows: Vec::new(),
                echo: vec![lower.clone()],
            });
        }
    }
    // The withdrawal notice, at every address of the record, names the
    // record as it was last published: its topic, and the slug made of it.
    let notice = format!("/meetings/{}", records.withdrawn.slug);
    // The ledger keeps the withdrawal as a public event, naming the record
    // by the same slug.
    for a in addresses
        .iter_mut()
        .filter(|a| a.uri.starts_with(&notice) || a.uri.starts_with("/ledger"))
    {
        a.echo.push(format!("{WITHDRAWN}topic").to_lowercase());
    }
    addresses
}

/// Fails unless every public GET route of the route table is asked for at
/// least once: a public page added to the router is covered the day it is.
pub fn assert_every_public_route_is_asked(addresses: &[Address]) {
    use scrutiny::web::routes::{Access, Method, ROUTES};
    let matches = |pattern: &str, uri: &str| {
        let path = uri.split('?').next().unwrap_or_default();
        let (want, got): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
        want.len() == got.len() && want.iter().zip(&got).all(|(w, g)| w.starts_with('{') || w == g)
    };
    let missed: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.access == Access::Public && r.method == Method::Get && r.path != "/static/{name}")
        .filter(|r| !addresses.iter().any(|a| matches(r.path, &a.uri)))
        .map(|r| r.path)
        .collect();
    assert!(
        missed.is_empty(),
        "public routes the no-leak test never asks for: {missed:?}"
    );
}
