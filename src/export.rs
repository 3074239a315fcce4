//! `scrutiny export DIR` and `scrutiny restore DIR`: a complete,
//! re-importable copy of every record, revision, action, document and account.
//!
//! Rows are exported as PostgreSQL renders them (`json_agg` of whole rows), so
//! a column added later is exported and restored with no change here, except
//! in the two tables with a generated column (`search`), whose other columns
//! are named; stored files are written beside them as files. A restore into an empty database
//! keeps every id, so the public pages come back byte for byte.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

/// What `manifest.json` says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub exported_at: chrono::DateTime<chrono::Utc>,
    pub meetings: usize,
    pub accounts: usize,
    pub with_secrets: bool,
}

const FORMAT: &str = "scrutiny-export";

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
        "select coalesce(jsonb_agg(to_jsonb(t) - 'search' order by t.id), '[]') from action t where t.meeting_id = $1",
        // `search` is generated: every other column, by name.
        "insert into action
             (id, meeting_id, number, body, owner, due_on, status, revisit_topic, follow_up_meeting_id, version)
         overriding system value select id, meeting_id, number, body, owner, due_on, status, revisit_topic, follow_up_meeting_id, version
         from jsonb_populate_recordset(null::action, $1)",
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
];

fn write_json(path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<T> {
    let text = fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid", path.display()))
}

/// Says how far a long job has got, every 100 records and at the end.
fn progress(done: usize, total: usize, verb: &str) {
    if done.is_multiple_of(100) || done == total {
        eprintln!("{verb} {done} of {total} records");
    }
}

/// Writes everything to `dir` (which must be empty or not exist). Password
/// hashes only `with_secrets`.
pub async fn export(pool: &PgPool, dir: &Path, with_secrets: bool) -> anyhow::Result<Manifest> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        bail!("{} is not empty: export into a new folder", dir.display());
    }
    fs::create_dir_all(dir.join("meetings")).with_context(|| format!("cannot create {}", dir.display()))?;
    // One snapshot of the whole database, however long the export takes.
    let mut tx = pool.begin().await?;
    sqlx::query("set transaction isolation level repeatable read, read only")
        .execute(&mut *tx)
        .await?;
    let accounts: Value = sqlx::query_scalar(
        "select coalesce(jsonb_agg(case when $1 then to_jsonb(a) else to_jsonb(a) - 'password_hash' end order by a.id), '[]')
         from account a",
    )
    .bind(with_secrets)
    .fetch_one(&mut *tx)
    .await?;
    write_json(&dir.join("accounts.json"), &accounts)?;
    let ids: Vec<(i64, String)> = sqlx::query_as("select id, slug from meeting order by id")
        .fetch_all(&mut *tx)
        .await?;
    for (n, (id, slug)) in ids.iter().enumerate() {
        export_record(&mut tx, &dir.join("meetings").join(slug), *id).await?;
        progress(n + 1, ids.len(), "exported");
    }
    let audit: Value =
        sqlx::query_scalar("select coalesce(jsonb_agg(t order by t.id), '[]') from audit_log t")
            .fetch_one(&mut *tx)
            .await?;
    write_json(&dir.join("audit_log.json"), &audit)?;
    let plan: Value =
        sqlx::query_scalar("select coalesce(jsonb_agg(t order by t.id), '[]') from forward_plan t")
            .fetch_one(&mut *tx)
            .await?;
    write_json(&dir.join("forward_plan.json"), &plan)?;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        version: 1,
        exported_at: chrono::Utc::now(),
        meetings: ids.len(),
        accounts: accounts.as_array().map_or(0, Vec::len),
        with_secrets,
    };
    write_json(&dir.join("manifest.json"), &manifest)?;
    tx.commit().await?;
    Ok(manifest)
}

async fn export_record(conn: &mut PgConnection, dir: &Path, id: i64) -> anyhow::Result<()> {
    fs::create_dir_all(dir.join("documents"))?;
    let mut record = serde_json::Map::new();
    for (name, read, _) in RECORD_PARTS {
        let rows: Value = sqlx::query_scalar(read).bind(id).fetch_one(&mut *conn).await?;
        record.insert((*name).to_owned(), rows);
    }
    write_json(&dir.join("record.json"), &record)?;
    let files: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("select id, content from document where meeting_id = $1 and content is not null")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    for (document, content) in files {
        let path = dir.join("documents").join(document.to_string());
        fs::write(&path, content).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Restores an export into an empty database, in one transaction.
pub async fn restore(pool: &PgPool, dir: &Path) -> anyhow::Result<Manifest> {
    let manifest: Manifest = read_json(&dir.join("manifest.json"))?;
    if manifest.format != FORMAT || manifest.version != 1 {
        bail!(
            "{} is not an export of scrutiny (format {} version {})",
            dir.display(),
            manifest.format,
            manifest.version
        );
    }
    let mut tx = pool.begin().await?;
    let empty: bool = sqlx::query_scalar(
        "select not exists (select 1 from meeting) and not exists (select 1 from account) and not exists (select 1 from audit_log)",
    )
    .fetch_one(&mut *tx)
    .await?;
    if !empty {
        bail!(
            "the database is not empty: restore into a new, empty database (with --no-demo for the private one)"
        );
    }
    let mut accounts: Value = read_json(&dir.join("accounts.json"))?;
    for account in accounts.as_array_mut().into_iter().flatten() {
        if account.get("password_hash").is_none() {
            // Exported without secrets: no password can match this, and the
            // account must be given a new one by an administrator.
            account["password_hash"] = Value::from("!restored-without-password");
            account["must_change_password"] = Value::from(true);
        }
    }
    sqlx::query("insert into account overriding system value select * from jsonb_populate_recordset(null::account, $1)")
        .bind(&accounts)
        .execute(&mut *tx)
        .await?;
    let records = record_dirs(dir)?;
    for (n, record_dir) in records.iter().enumerate() {
        restore_record(&mut tx, record_dir).await?;
        progress(n + 1, records.len(), "restored");
    }
    let plan: Value = read_json(&dir.join("forward_plan.json"))?;
    sqlx::query("insert into forward_plan overriding system value select * from jsonb_populate_recordset(null::forward_plan, $1)")
        .bind(&plan)
        .execute(&mut *tx)
        .await?;
    let audit: Value = read_json(&dir.join("audit_log.json"))?;
    sqlx::query("insert into audit_log overriding system value select * from jsonb_populate_recordset(null::audit_log, $1)")
        .bind(&audit)
        .execute(&mut *tx)
        .await?;
    for statement in IDENTITIES {
        sqlx::query(statement).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(manifest)
}

fn record_dirs(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let meetings = dir.join("meetings");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&meetings)
        .with_context(|| format!("cannot read {}", meetings.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    dirs.sort();
    Ok(dirs)
}

async fn restore_record(conn: &mut PgConnection, dir: &Path) -> anyhow::Result<()> {
    let mut record: serde_json::Map<String, Value> = read_json(&dir.join("record.json"))?;
    // Stored files come back from their own files, as PostgreSQL's hex form.
    for document in record
        .get_mut("document")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if !document["url"].is_null() {
            continue;
        }
        let id = document["id"].as_i64().context("a document without an id")?;
        let path = dir.join("documents").join(id.to_string());
        let content = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        document["content"] = Value::from(format!("\\x{}", hex::encode(content)));
    }
    for (name, _, write) in RECORD_PARTS {
        let rows = record.get(*name).cloned().unwrap_or(Value::Array(Vec::new()));
        sqlx::query(write)
            .bind(&rows)
            .execute(&mut *conn)
            .await
            .with_context(|| format!("{}: cannot restore its {name} rows", dir.display()))?;
    }
    Ok(())
}
