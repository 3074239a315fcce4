//! The whole database as JSON rows and back, for `scrutiny export` and
//! `scrutiny restore` (src/export.rs writes and reads the files). Rows are
//! read as PostgreSQL renders them (`json_agg` of whole rows), so a column
//! added later is exported and restored with no change here, except in the
//! tables with a generated column (`search`), whose other columns are
//! named. A restore keeps every id and writes no audit rows of its own: the
//! audit log comes back as it was.

use serde_json::{Map, Value};
use sqlx::PgConnection;

/// The parts of one record, in the order they are restored (parents first),
/// each with the query that reads its rows as a JSON array and the statement
/// that writes them back.
const RECORD_PARTS: &[(&str, &str, &str)] = &[
    (
        "meeting",
        "select coalesce(json_agg(t order by t.id), '[]')::jsonb from meeting t where t.id = $1",
        "insert into meeting overriding system value select * from jsonb_populate_recordset(null::meeting, $1)",
    ),
    (
        "attendee",
        "select coalesce(json_agg(t order by t.id), '[]')::jsonb from attendee t where t.meeting_id = $1",
        "insert into attendee overriding system value select * from jsonb_populate_recordset(null::attendee, $1)",
    ),
    (
        "question",
        "select coalesce(json_agg(t order by t.id), '[]')::jsonb from question t where t.meeting_id = $1",
        "insert into question overriding system value select * from jsonb_populate_recordset(null::question, $1)",
    ),
    (
        "decision",
        "select coalesce(json_agg(t order by t.question_id), '[]')::jsonb from decision t
         join question q on q.id = t.question_id where q.meeting_id = $1",
        "insert into decision select * from jsonb_populate_recordset(null::decision, $1)",
    ),
    (
        "action",
        "select coalesce(json_agg(t order by t.id), '[]')::jsonb from action t where t.meeting_id = $1",
        // The follow-up meeting may come later in the restore: see
        // `restore_follow_ups`.
        "insert into action overriding system value
         select (jsonb_populate_record(t, jsonb_build_object('follow_up_meeting_id', null))).*
         from jsonb_populate_recordset(null::action, $1) t",
    ),
    (
        "action_progress",
        "select coalesce(json_agg(t order by t.id), '[]')::jsonb from action_progress t
         join action a on a.id = t.action_id where a.meeting_id = $1",
        "insert into action_progress overriding system value
         select * from jsonb_populate_recordset(null::action_progress, $1)",
    ),
    (
        "document",
        // The bytes go to files of their own.
        "select coalesce(json_agg(to_jsonb(t) - 'content' order by t.id), '[]')::jsonb from document t where t.meeting_id = $1",
        "insert into document overriding system value select * from jsonb_populate_recordset(null::document, $1)",
    ),
    (
        "revision",
        "select coalesce(jsonb_agg(to_jsonb(t) - 'search' order by t.id), '[]') from revision t where t.meeting_id = $1",
        "insert into revision
             (id, meeting_id, number, published_at, published_by, reason, topic, topic_slug, held_on, content, content_hash)
         overriding system value select id, meeting_id, number, published_at, published_by, reason, topic, topic_slug, held_on, content, content_hash
         from jsonb_populate_recordset(null::revision, $1)",
    ),
    (
        "revision_action",
        "select coalesce(jsonb_agg(to_jsonb(t) - 'search' order by t.revision_id, t.number), '[]')
         from revision_action t where t.meeting_id = $1",
        "insert into revision_action
             (revision_id, meeting_id, number, action_id, body, owner, due_on, revisit_topic)
         select revision_id, meeting_id, number, action_id, body, owner, due_on, revisit_topic
         from jsonb_populate_recordset(null::revision_action, $1)",
    ),
];

/// Tables whose identity sequences follow the restored ids.
const IDENTITIES: &[&str] = &[
    "select setval(pg_get_serial_sequence('account', 'id'), greatest((select max(id) from account), 1))",
    "select setval(pg_get_serial_sequence('meeting', 'id'), greatest((select max(id) from meeting), 1))",
    "select setval(pg_get_serial_sequence('attendee', 'id'), greatest((select max(id) from attendee), 1))",
    "select setval(pg_get_serial_sequence('question', 'id'), greatest((select max(id) from question), 1))",
    "select setval(pg_get_serial_sequence('action', 'id'), greatest((select max(id) from action), 1))",
    "select setval(pg_get_serial_sequence('action_progress', 'id'), greatest((select max(id) from action_progress), 1))",
    "select setval(pg_get_serial_sequence('document', 'id'), greatest((select max(id) from document), 1))",
    "select setval(pg_get_serial_sequence('revision', 'id'), greatest((select max(id) from revision), 1))",
    "select setval(pg_get_serial_sequence('audit_log', 'id'), greatest((select max(id) from audit_log), 1))",
    "select setval(pg_get_serial_sequence('forward_plan', 'id'), greatest((select max(id) from forward_plan), 1))",
    "select setval(pg_get_serial_sequence('ledger_entry', 'id'), greatest((select max(id) from ledger_entry), 1))",
    "select setval(pg_get_serial_sequence('alert_subscription', 'id'), greatest((select max(id) from alert_subscription), 1))",
];

/// What a database to restore into holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Nothing at all.
    Empty,
    /// Only the first administrator a new private database makes (its
    /// id), untouched: its one-time password never changed, not disabled,
    /// and nothing in the audit log but its own creation. No record, no
    /// forward plan, no ledger.
    FirstAdminOnly(i64),
    /// Anything else.
    NotEmpty,
}

/// What the database holds, for a restore: `first_admin` is the email of
/// the administrator a new private database makes. Locks the accounts
/// and the audit log for the rest of the transaction, so nothing is added
/// while the restore writes.
pub async fn target(conn: &mut PgConnection, first_admin: &str) -> super::Result<Target> {
    sqlx::query(
        "lock table account, audit_log, meeting, forward_plan, ledger_entry in share row exclusive mode",
    )
    .execute(&mut *conn)
    .await?;
    let (records, accounts, admin): (bool, i64, Option<i64>) = sqlx::query_as(
        "select exists (select 1 from meeting) or exists (select 1 from forward_plan)
                    or exists (select 1 from ledger_entry),
                (select count(*) from account),
                (select a.id from account a
                 where a.email = $1 and a.role = 'admin' and a.must_change_password
                   and a.disabled_at is null
                   and not exists (select 1 from audit_log l
                                   where not (l.action = 'create' and l.entity = 'account'
                                              and l.entity_id = a.id)))",
    )
    .bind(first_admin)
    .fetch_one(&mut *conn)
    .await?;
    let history: bool = sqlx::query_scalar("select exists (select 1 from audit_log)")
        .fetch_one(&mut *conn)
        .await?;
    Ok(match (records, accounts, admin) {
        (false, 0, _) if !history => Target::Empty,
        (false, 1, Some(id)) => Target::FirstAdminOnly(id),
        _ => Target::NotEmpty,
    })
}

/// Removes the untouched first administrator (see [`Target`]), its
/// creation in the audit log and every session, before a restore brings
/// the export's accounts.
pub async fn remove_first_admin(conn: &mut PgConnection, id: i64) -> super::Result<()> {
    for statement in [
        "delete from audit_log where entity = 'account' and entity_id = $1",
        "delete from account where id = $1",
    ] {
        sqlx::query(statement).bind(id).execute(&mut *conn).await?;
    }
    sqlx::query("delete from session").execute(&mut *conn).await?;
    Ok(())
}

/// Makes the caller's transaction one read-only snapshot, however long the
/// export takes.
pub async fn snapshot(conn: &mut PgConnection) -> super::Result<()> {
    sqlx::query("set transaction isolation level repeatable read, read only")
        .execute(conn)
        .await?;
    Ok(())
}

/// Every account, with its password hash only `with_secrets`.
pub async fn accounts(conn: &mut PgConnection, with_secrets: bool) -> super::Result<Value> {
    sqlx::query_scalar(
        "select coalesce(jsonb_agg(case when $1 then to_jsonb(a) else to_jsonb(a) - 'password_hash' end order by a.id), '[]')
         from account a",
    )
    .bind(with_secrets)
    .fetch_one(conn)
    .await
}

/// Every meeting's id and slug, in id order.
pub async fn meetings(conn: &mut PgConnection) -> super::Result<Vec<(i64, String)>> {
    sqlx::query_as("select id, slug from meeting order by id")
        .fetch_all(conn)
        .await
}

/// The rows of every part of meeting `id`, by part name.
pub async fn record(conn: &mut PgConnection, id: i64) -> super::Result<Map<String, Value>> {
    let mut record = Map::new();
    for (name, read, _) in RECORD_PARTS {
        let rows: Value = sqlx::query_scalar(read).bind(id).fetch_one(&mut *conn).await?;
        record.insert((*name).to_owned(), rows);
    }
    Ok(record)
}

/// The stored files of meeting `id`: document id and bytes.
pub async fn stored_files(conn: &mut PgConnection, id: i64) -> super::Result<Vec<(i64, Vec<u8>)>> {
    sqlx::query_as("select id, content from document where meeting_id = $1 and content is not null")
        .bind(id)
        .fetch_all(conn)
        .await
}

/// The whole audit log.
pub async fn audit_log(conn: &mut PgConnection) -> super::Result<Value> {
    sqlx::query_scalar("select coalesce(jsonb_agg(t order by t.id), '[]') from audit_log t")
        .fetch_one(conn)
        .await
}

/// The whole forward plan.
pub async fn forward_plan(conn: &mut PgConnection) -> super::Result<Value> {
    sqlx::query_scalar("select coalesce(jsonb_agg(t order by t.id), '[]') from forward_plan t")
        .fetch_one(conn)
        .await
}

/// The site's settings, its logo as PostgreSQL's hex form of bytes.
pub async fn site(conn: &mut PgConnection) -> super::Result<Value> {
    sqlx::query_scalar("select to_jsonb(t) from site_settings t")
        .fetch_one(conn)
        .await
}

/// Writes the exported settings over the new database's defaults.
pub async fn restore_site(conn: &mut PgConnection, row: &Value) -> super::Result<()> {
    sqlx::query(
        "update site_settings s
         set office_name = r.office_name, force_area = r.force_area, contact_email = r.contact_email,
             contact_phone = r.contact_phone, postal_address = r.postal_address, public_url = r.public_url,
             accessibility_checked_on = r.accessibility_checked_on, logo = r.logo, logo_type = r.logo_type,
             version = r.version, updated_at = r.updated_at
         from jsonb_populate_record(null::site_settings, $1) r",
    )
    .bind(row)
    .execute(conn)
    .await?;
    Ok(())
}

/// The whole publication ledger.
pub async fn ledger(conn: &mut PgConnection) -> super::Result<Value> {
    sqlx::query_scalar("select coalesce(jsonb_agg(t order by t.id), '[]') from ledger_entry t")
        .fetch_one(conn)
        .await
}

/// Writes the exported ledger back, keeping its ids and hashes, so that
/// `scrutiny verify` passes on the copy as it did on the original.
pub async fn restore_ledger(conn: &mut PgConnection, rows: &Value) -> super::Result<()> {
    sqlx::query("insert into ledger_entry overriding system value select * from jsonb_populate_recordset(null::ledger_entry, $1)")
        .bind(rows)
        .execute(conn)
        .await?;
    Ok(())
}

/// Every subscription to email alerts, and its links' tokens (their
/// hashes): people's addresses, exported only with secrets.
pub async fn alerts(conn: &mut PgConnection) -> super::Result<Value> {
    sqlx::query_scalar(
        "select jsonb_build_object(
             'subscriptions', (select coalesce(jsonb_agg(t order by t.id), '[]') from alert_subscription t),
             'tokens', (select coalesce(jsonb_agg(t order by t.hash), '[]') from alert_token t))",
    )
    .fetch_one(conn)
    .await
}

/// Writes exported subscriptions to alerts back, keeping their ids, so
/// that the links in messages already sent still work.
pub async fn restore_alerts(conn: &mut PgConnection, alerts: &Value) -> super::Result<()> {
    sqlx::query(
        "insert into alert_subscription overriding system value
         select * from jsonb_populate_recordset(null::alert_subscription, $1->'subscriptions')",
    )
    .bind(alerts)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert into alert_token select * from jsonb_populate_recordset(null::alert_token, $1->'tokens')",
    )
    .bind(alerts)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes exported accounts back, keeping their ids.
pub async fn restore_accounts(conn: &mut PgConnection, rows: &Value) -> super::Result<()> {
    sqlx::query("insert into account overriding system value select * from jsonb_populate_recordset(null::account, $1)")
        .bind(rows)
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes one exported record's parts back, parents first, keeping their
/// ids. On failure, names the part that was refused.
pub async fn restore_record(
    conn: &mut PgConnection,
    record: &Map<String, Value>,
) -> Result<(), (&'static str, sqlx::Error)> {
    for (name, _, write) in RECORD_PARTS {
        let rows = record.get(*name).cloned().unwrap_or(Value::Array(Vec::new()));
        sqlx::query(write)
            .bind(&rows)
            .execute(&mut *conn)
            .await
            .map_err(|e| (*name, e))?;
    }
    Ok(())
}

/// Links each restored action (`actions`: one record's exported action
/// rows) to the meeting that followed it up, once every meeting is back (it
/// may be restored after the action's).
pub async fn restore_follow_ups(conn: &mut PgConnection, actions: &Value) -> super::Result<()> {
    sqlx::query(
        "update action a set follow_up_meeting_id = f.follow_up_meeting_id
         from jsonb_populate_recordset(null::action, $1) f
         where a.id = f.id and f.follow_up_meeting_id is not null",
    )
    .bind(actions)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes the exported forward plan back, keeping its ids.
pub async fn restore_forward_plan(conn: &mut PgConnection, rows: &Value) -> super::Result<()> {
    sqlx::query("insert into forward_plan overriding system value select * from jsonb_populate_recordset(null::forward_plan, $1)")
        .bind(rows)
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes the exported audit log back, keeping its ids.
pub async fn restore_audit_log(conn: &mut PgConnection, rows: &Value) -> super::Result<()> {
    sqlx::query("insert into audit_log overriding system value select * from jsonb_populate_recordset(null::audit_log, $1)")
        .bind(rows)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves every identity sequence past the restored ids, so new rows do not
/// collide with them.
pub async fn follow_identities(conn: &mut PgConnection) -> super::Result<()> {
    for statement in IDENTITIES {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    Ok(())
}
