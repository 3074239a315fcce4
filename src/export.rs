//! `scrutiny export DIR` and `scrutiny restore DIR`: a complete,
//! re-importable copy of every record, revision, action, document and account.
//!
//! The rows come from `db::archive` as JSON, one `record.json` a meeting;
//! stored files are written beside them as files. A restore into an empty
//! database keeps every id, so the public pages come back byte for byte.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use crate::db::archive;

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
    archive::snapshot(&mut tx).await?;
    let accounts = archive::accounts(&mut tx, with_secrets).await?;
    write_json(&dir.join("accounts.json"), &accounts)?;
    let ids = archive::meetings(&mut tx).await?;
    for (n, (id, slug)) in ids.iter().enumerate() {
        export_record(&mut tx, &dir.join("meetings").join(slug), *id).await?;
        progress(n + 1, ids.len(), "exported");
    }
    write_json(&dir.join("audit_log.json"), &archive::audit_log(&mut tx).await?)?;
    write_json(
        &dir.join("forward_plan.json"),
        &archive::forward_plan(&mut tx).await?,
    )?;
    write_json(&dir.join("ledger.json"), &archive::ledger(&mut tx).await?)?;
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
    write_json(&dir.join("record.json"), &archive::record(conn, id).await?)?;
    for (document, content) in archive::stored_files(conn, id).await? {
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
    if !crate::db::is_empty(&mut tx).await? {
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
    archive::restore_accounts(&mut tx, &accounts).await?;
    let records = record_dirs(dir)?;
    let mut restored = Vec::with_capacity(records.len());
    for (n, record_dir) in records.iter().enumerate() {
        restored.push(restore_record(&mut tx, record_dir).await?);
        progress(n + 1, records.len(), "restored");
    }
    for actions in &restored {
        archive::restore_follow_ups(&mut tx, actions).await?;
    }
    archive::restore_forward_plan(&mut tx, &read_json(&dir.join("forward_plan.json"))?).await?;
    archive::restore_audit_log(&mut tx, &read_json(&dir.join("audit_log.json"))?).await?;
    archive::restore_ledger(&mut tx, &read_json(&dir.join("ledger.json"))?).await?;
    archive::follow_identities(&mut tx).await?;
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

/// Restores one record's rows; returns its action rows, whose follow-up
/// meetings are linked once every record is back.
async fn restore_record(conn: &mut PgConnection, dir: &Path) -> anyhow::Result<Value> {
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
    archive::restore_record(conn, &record)
        .await
        .map_err(|(part, e)| {
            anyhow::Error::new(e).context(format!("{}: cannot restore its {part} rows", dir.display()))
        })?;
    Ok(record.remove("action").unwrap_or(Value::Array(Vec::new())))
}
