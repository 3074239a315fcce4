//! What `scrutiny restore` checks in an export before it writes anything:
//! every row against the rules the editor applies to what staff type (the
//! domain's types and limits), so that an edited export cannot put on the
//! public site what the editor would have refused: a `javascript:` link, an
//! outline nested too deep, a field too long, a status that does not exist.

use anyhow::{Context, anyhow, bail};
use serde_json::{Map, Value};

use crate::domain::account::{Email, Role};
use crate::domain::fields::{self, check_length, check_link};
use crate::domain::outline::MAX_DEPTH;
use crate::domain::record::{ActionStatus, PublicRecord};
use crate::domain::{Decision, MeetingSlug, MeetingStatus, Outline};

/// The rows of `table` in a record or list.
fn rows<'a>(parts: &'a Map<String, Value>, table: &str) -> anyhow::Result<&'a [Value]> {
    match parts.get(table) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(rows)) => Ok(rows),
        Some(_) => bail!("its {table} rows are not a list"),
    }
}

/// One row being checked, for messages: "document 12: …".
struct Row<'a> {
    table: &'a str,
    row: &'a Value,
}

impl<'a> Row<'a> {
    fn new(table: &'a str, row: &'a Value) -> anyhow::Result<Row<'a>> {
        let checked = Row { table, row };
        if !row.is_object() {
            return Err(checked.fail("is not an object"));
        }
        Ok(checked)
    }

    fn fail(&self, message: impl std::fmt::Display) -> anyhow::Error {
        match self.row.get("id").and_then(Value::as_i64) {
            Some(id) => anyhow!("{} {id}: {message}", self.table),
            None => anyhow!("a {} row: {message}", self.table),
        }
    }

    /// A text column: absent or null is `None`, anything but text refused.
    fn text(&self, column: &str) -> anyhow::Result<Option<&'a str>> {
        match self.row.get(column) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.fail(format!("its {column} is not text"))),
        }
    }

    /// A text column of at most `max` characters.
    fn length(&self, column: &str, max: usize) -> anyhow::Result<Option<&'a str>> {
        let text = self.text(column)?;
        if let Some(text) = text {
            check_length(column, text, max).map_err(|m| self.fail(m))?;
        }
        Ok(text)
    }

    /// A text column that must be present: an outline the editor accepts.
    fn outline(&self, column: &str, max: usize) -> anyhow::Result<()> {
        let text = self.length(column, max)?.unwrap_or_default();
        Outline::parse(text).map_err(|e| self.fail(format!("its {column}: {e}")))?;
        Ok(())
    }

    /// A code column that `known` must accept.
    fn code(&self, column: &str, known: impl Fn(&str) -> bool) -> anyhow::Result<()> {
        match self.text(column)? {
            Some(code) if known(code) => Ok(()),
            Some(code) => Err(self.fail(format!("its {column} {code:?} is not one the app knows"))),
            None => Err(self.fail(format!("it has no {column}"))),
        }
    }
}

/// Checks one record's parts (`record.json`) as written by
/// `db::archive::record`; `slug` is its folder's name.
pub fn record(parts: &Map<String, Value>, slug: &str) -> anyhow::Result<()> {
    let meetings = rows(parts, "meeting")?;
    let [meeting] = meetings else {
        bail!("it holds {} meeting rows, not one", meetings.len());
    };
    let m = Row::new("meeting", meeting)?;
    match m.text("slug")? {
        Some(s) if MeetingSlug::parse(s).is_some() && s == slug => {}
        other => {
            return Err(m.fail(format!(
                "its slug {other:?} is not a valid address, or not its folder's name"
            )));
        }
    }
    m.code("status", |c| MeetingStatus::from_code(c).is_some())?;
    if m.text("topic")?.unwrap_or_default().trim().is_empty() {
        return Err(m.fail("it has no topic"));
    }
    m.length("topic", fields::MAX_TOPIC_CHARS)?;
    m.length("place", fields::MAX_PLACE_CHARS)?;
    m.length("kind", fields::MAX_KIND_CHARS)?;
    m.length("introduction", fields::MAX_INTRODUCTION_CHARS)?;
    m.length("review_comment", fields::MAX_COMMENT_CHARS)?;
    m.length("withdrawn_reason", fields::MAX_REASON_CHARS)?;
    if let Some(content) = meeting.get("reviewed_content").filter(|c| !c.is_null()) {
        public_record(content).map_err(|e| m.fail(format!("what the PCC reviewed: {e:#}")))?;
    }
    for row in rows(parts, "attendee")? {
        let a = Row::new("attendee", row)?;
        a.length("name", fields::MAX_PEOPLE_CHARS)?;
        a.length("role", fields::MAX_PEOPLE_CHARS)?;
    }
    for row in rows(parts, "question")? {
        let q = Row::new("question", row)?;
        q.outline("body", fields::MAX_QUESTION_CHARS)?;
        q.outline("evidence_text", fields::MAX_EVIDENCE_CHARS)?;
    }
    for row in rows(parts, "decision")? {
        let d = Row::new("decision", row)?;
        d.code("value", |c| Decision::from_code(c).is_some())?;
        d.length("rationale", fields::MAX_RATIONALE_CHARS)?;
    }
    for row in rows(parts, "action")? {
        let a = Row::new("action", row)?;
        action(&a)?;
        a.code("status", |c| ActionStatus::from_code(c).is_some())?;
    }
    for row in rows(parts, "revision_action")? {
        action(&Row::new("revision_action", row)?)?;
    }
    for row in rows(parts, "action_progress")? {
        Row::new("action_progress", row)?.length("note", fields::MAX_ACTION_CHARS)?;
    }
    for row in rows(parts, "document")? {
        document(&Row::new("document", row)?)?;
    }
    for row in rows(parts, "revision")? {
        let r = Row::new("revision", row)?;
        r.length("reason", fields::MAX_REASON_CHARS)?;
        let content = row.get("content").ok_or_else(|| r.fail("it has no content"))?;
        public_record(content).map_err(|e| r.fail(format!("{e:#}")))?;
    }
    Ok(())
}

fn action(a: &Row<'_>) -> anyhow::Result<()> {
    a.length("body", fields::MAX_ACTION_CHARS)?;
    a.length("owner", fields::MAX_NAME_CHARS)?;
    a.length("revisit_topic", fields::MAX_TOPIC_CHARS)?;
    Ok(())
}

fn document(d: &Row<'_>) -> anyhow::Result<()> {
    d.length("title", fields::MAX_TITLE_CHARS)?;
    d.length("file_name", fields::MAX_FILE_NAME_CHARS)?;
    if let Some(url) = d.text("url")? {
        check_link(url).map_err(|m| d.fail(format!("its link {url:?}: {m}")))?;
    }
    Ok(())
}

/// Checks a frozen public record (a revision's content) as the public
/// pages will show it.
fn public_record(content: &Value) -> anyhow::Result<()> {
    let record: PublicRecord =
        serde_json::from_value(content.clone()).context("its content is not a public record")?;
    let lengths = [
        ("topic", &record.topic, fields::MAX_TOPIC_CHARS),
        ("place", &record.place, fields::MAX_PLACE_CHARS),
        ("kind", &record.kind, fields::MAX_KIND_CHARS),
        (
            "introduction",
            &record.introduction,
            fields::MAX_INTRODUCTION_CHARS,
        ),
    ];
    for (label, text, max) in lengths {
        check_length(label, text, max).map_err(|m| anyhow!("its content: {m}"))?;
    }
    for person in record.attendees.iter().chain(&record.apologies) {
        check_length("a person's name", &person.name, fields::MAX_PEOPLE_CHARS)
            .map_err(|m| anyhow!("{m}"))?;
        check_length("a person's role", &person.role, fields::MAX_PEOPLE_CHARS)
            .map_err(|m| anyhow!("{m}"))?;
    }
    for question in &record.questions {
        let n = question.number;
        for (part, outline) in [("text", &question.text), ("evidence", &question.evidence)] {
            if outline.depth() > MAX_DEPTH {
                bail!("question {n}'s {part} is nested more than {MAX_DEPTH} levels deep");
            }
        }
        if let Some(decision) = &question.decision {
            check_length("a rationale", &decision.rationale, fields::MAX_RATIONALE_CHARS)
                .map_err(|m| anyhow!("question {n}: {m}"))?;
        }
    }
    for document in &record.documents {
        check_length("a document's title", &document.title, fields::MAX_TITLE_CHARS)
            .map_err(|m| anyhow!("{m}"))?;
        let own = format!("/documents/{}", document.id);
        if document.href != own {
            check_link(&document.href)
                .map_err(|m| anyhow!("document {}'s link {:?}: {m}", document.id, document.href))?;
        }
    }
    for action in &record.actions {
        check_length("an action", &action.text, fields::MAX_ACTION_CHARS).map_err(|m| anyhow!("{m}"))?;
        check_length("an action's owner", &action.owner, fields::MAX_NAME_CHARS)
            .map_err(|m| anyhow!("{m}"))?;
    }
    Ok(())
}

/// Checks the exported accounts. A password hash is accepted only from an
/// export made `--with-secrets` (`with_secrets`, as its manifest says),
/// and only as an Argon2 hash (or a value no password matches).
pub fn accounts(accounts: &Value, with_secrets: bool) -> anyhow::Result<()> {
    let accounts = accounts.as_array().context("it is not a list")?;
    for row in accounts {
        let a = Row::new("account", row)?;
        let email = a.text("email")?.unwrap_or_default();
        match Email::parse(email) {
            Ok(parsed) if parsed.as_str() == email => {}
            _ => return Err(a.fail(format!("its email {email:?} is not an address the app accepts"))),
        }
        a.code("role", |c| Role::from_code(c).is_some())?;
        a.length("name", fields::MAX_NAME_CHARS)?;
        match (a.text("password_hash")?, with_secrets) {
            (None, _) => {}
            (Some(_), false) => {
                return Err(a.fail(
                    "it holds a password hash, but manifest.json says the export was made without \
                     --with-secrets: an edited export is refused",
                ));
            }
            // An Argon2 hash, or a value no password matches (a disabled
            // account's "!").
            (Some(hash), true) if hash.starts_with("$argon2") || !hash.starts_with('$') => {}
            (Some(_), true) => return Err(a.fail("its password hash is not an Argon2 hash")),
        }
    }
    Ok(())
}

/// Checks the exported forward plan.
pub fn forward_plan(entries: &Value) -> anyhow::Result<()> {
    for row in entries.as_array().context("it is not a list")? {
        let f = Row::new("forward_plan", row)?;
        f.length("topic", fields::MAX_TOPIC_CHARS)?;
        f.length("note", fields::MAX_REASON_CHARS)?;
        f.length("published_topic", fields::MAX_TOPIC_CHARS)?;
        f.length("published_note", fields::MAX_REASON_CHARS)?;
    }
    Ok(())
}

/// Checks exported subscriptions to alerts: each address as the alerts
/// form would take it, and each token a hash of one.
pub fn alerts(alerts: &Value) -> anyhow::Result<()> {
    let list = |name: &str| {
        alerts
            .get(name)
            .and_then(Value::as_array)
            .with_context(|| format!("it has no list of {name}"))
    };
    for row in list("subscriptions")? {
        let f = Row::new("alert_subscription", row)?;
        let email = f.text("email")?.unwrap_or_default();
        match crate::domain::account::Email::parse(email) {
            Ok(parsed) if parsed.as_str() == email => {}
            _ => return Err(f.fail(format!("{email:?} is not an email address in lower case"))),
        }
        f.length("topic", fields::MAX_TOPIC_CHARS)?;
        f.length("topic_slug", fields::MAX_TOPIC_CHARS)?;
    }
    for row in list("tokens")? {
        let f = Row::new("alert_token", row)?;
        let hash = f.text("hash")?.unwrap_or_default();
        let is_hash = hash
            .strip_prefix("\\x")
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        if !is_hash {
            return Err(f.fail("its hash is not 32 bytes in hex"));
        }
    }
    Ok(())
}

/// Checks the exported site settings as the settings page would, and the
/// logo as an upload would be.
pub fn site(row: &Value) -> anyhow::Result<()> {
    use crate::domain::site;
    let f = Row::new("site_settings", row)?;
    for column in ["office_name", "force_area", "contact_email", "contact_phone"] {
        f.length(column, site::MAX_LINE_CHARS)?;
    }
    f.length("postal_address", site::MAX_ADDRESS_CHARS)?;
    if let Some(url) = f.text("public_url")?.filter(|u| !u.is_empty()) {
        site::check_public_url(url).map_err(|m| f.fail(m))?;
    }
    let logo = f.text("logo")?;
    let kind = f.text("logo_type")?;
    match (logo, kind) {
        (None, None) => Ok(()),
        (Some(logo), Some(kind)) => {
            let bytes = logo
                .strip_prefix("\\x")
                .and_then(|h| hex::decode(h).ok())
                .ok_or_else(|| f.fail("its logo is not bytes in hex"))?;
            let found = site::check_logo(&bytes).map_err(|m| f.fail(m))?;
            if found.media_type() == kind {
                Ok(())
            } else {
                Err(f.fail(format!("its logo is not a {kind}")))
            }
        }
        _ => Err(f.fail("it has a logo without its type, or a type without a logo")),
    }
}
