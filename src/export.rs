//! `scrutiny export DIR` and `scrutiny restore DIR`: a complete,
//! re-importable copy of every record, revision, action, document and account.
//!
//! The rows come from `db::archive` as JSON, one `record.json` a meeting;
//! stored files are written beside them as files, readable by their owner
//! only. A restore into an empty database keeps every id, so the public
//! pages come back byte for byte; it trusts nothing in the export
//! (`files`: what it reads; `check`: the rules every row must pass).

mod check;
pub mod files;

use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::{PgConnection, PgPool};

use crate::db::archive::{self, Target};
use files::{Export, write_json};

/// What `manifest.json` says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub exported_at: chrono::DateTime<chrono::Utc>,
    pub meetings: usize,
    pub accounts: usize,
    /// Whether `accounts.json` holds password hashes (`--with-secrets`); a
    /// restore accepts a hash from no other export.
    pub with_secrets: bool,
}

const FORMAT: &str = "scrutiny-export";

/// The subscribers to email alerts: in an export only `--with-secrets`.
const ALERTS: &str = "alerts.json";

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    /// Whether the untouched first administrator of a new private database
    /// was replaced by the export's accounts.
    pub replaced_first_admin: bool,
}

/// What counts as an empty database for a restore, as its refusal says.
pub const EMPTY: &str = "no record, forward-plan entry or ledger entry, and no account but the \
     first administrator a new private database makes (admin@localhost, its one-time password \
     never changed, with nothing in the audit log but its own creation)";

/// Says how far a long job has got, every 100 records and at the end.
fn progress(done: usize, total: usize, verb: &str) {
    if done.is_multiple_of(100) || done == total {
        eprintln!("{verb} {done} of {total} records");
    }
}

/// Writes everything to `dir` (which must be empty or not exist), every
/// folder 0700 and every file 0600: an export holds drafts, the audit log
/// and perhaps password hashes. Password hashes only `with_secrets`.
pub async fn export(pool: &PgPool, dir: &Path, with_secrets: bool) -> anyhow::Result<Manifest> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!("{} is not empty: export into a new folder", dir.display());
    }
    files::create_dir(dir)?;
    files::create_dir(&dir.join("meetings"))?;
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
    write_json(&dir.join("site.json"), &archive::site(&mut tx).await?)?;
    if with_secrets {
        write_json(&dir.join(ALERTS), &archive::alerts(&mut tx).await?)?;
    }
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
    files::create_dir(&dir.join("documents"))?;
    write_json(&dir.join("record.json"), &archive::record(conn, id).await?)?;
    for (document, content) in archive::stored_files(conn, id).await? {
        files::write(&dir.join("documents").join(document.to_string()), &content)?;
    }
    Ok(())
}

/// Restores an export into an empty database (see [`EMPTY`]), in one
/// transaction. Nothing in the export is trusted: every file must be a
/// plain file inside the export folder and of a bounded size, and every
/// row must pass the editor's rules; all of it is read and checked before
/// anything is written, and any refusal leaves the database as it was.
pub async fn restore(pool: &PgPool, dir: &Path) -> anyhow::Result<Restored> {
    let export = Export::open(dir)?;
    let manifest: Manifest = export.read_json(Path::new("manifest.json"), files::MAX_MANIFEST_BYTES)?;
    if manifest.format != FORMAT || manifest.version != 1 {
        bail!(
            "{} is not an export of scrutiny (format {} version {})",
            dir.display(),
            manifest.format,
            manifest.version
        );
    }
    let mut tx = pool.begin().await?;
    let first_admin = match archive::target(&mut tx, crate::accounts::FIRST_ADMIN).await? {
        Target::Empty => None,
        Target::FirstAdminOnly(id) => Some(id),
        Target::NotEmpty => bail!(
            "the database is not empty: restore into a new, empty database (a new private one \
             started with --no-demo will do); empty means {EMPTY}"
        ),
    };
    let lists = Lists::read(&export, &manifest)?;
    let records = export.record_dirs()?;
    for record in &records {
        read_record(&export, record, false)?;
    }
    // Everything is checked: now write, in the same transaction.
    if let Some(id) = first_admin {
        archive::remove_first_admin(&mut tx, id).await?;
    }
    archive::restore_accounts(&mut tx, &lists.accounts).await?;
    let mut restored = Vec::with_capacity(records.len());
    for (n, record) in records.iter().enumerate() {
        let parts = read_record(&export, record, true)?;
        restored.push(restore_record(&mut tx, &export, record, parts).await?);
        progress(n + 1, records.len(), "restored");
    }
    for actions in &restored {
        archive::restore_follow_ups(&mut tx, actions).await?;
    }
    archive::restore_forward_plan(&mut tx, &lists.forward_plan).await?;
    archive::restore_audit_log(&mut tx, &lists.audit_log).await?;
    archive::restore_ledger(&mut tx, &lists.ledger).await?;
    if let Some(site) = &lists.site {
        archive::restore_site(&mut tx, site).await?;
    }
    if let Some(alerts) = &lists.alerts {
        archive::restore_alerts(&mut tx, alerts).await?;
    }
    archive::follow_identities(&mut tx).await?;
    tx.commit().await?;
    Ok(Restored {
        manifest,
        replaced_first_admin: first_admin.is_some(),
    })
}

/// The export's lists of the whole archive, read and checked.
struct Lists {
    accounts: Value,
    forward_plan: Value,
    audit_log: Value,
    ledger: Value,
    /// The site's settings; absent from exports made before they existed.
    site: Option<Value>,
    /// Subscribers to alerts, only in an export with secrets.
    alerts: Option<Value>,
}

impl Lists {
    fn read(export: &Export, manifest: &Manifest) -> anyhow::Result<Lists> {
        let read = |name: &str| -> anyhow::Result<Value> {
            export.read_json(Path::new(name), files::MAX_LIST_BYTES)
        };
        let mut accounts = read("accounts.json")?;
        check::accounts(&accounts, manifest.with_secrets)
            .with_context(|| format!("{}", export.path(Path::new("accounts.json")).display()))?;
        for account in accounts.as_array_mut().into_iter().flatten() {
            if account.get("password_hash").is_none_or(Value::is_null) {
                // Exported without secrets: no password can match this, and the
                // account must be given a new one by an administrator.
                account["password_hash"] = Value::from("!restored-without-password");
                account["must_change_password"] = Value::from(true);
            }
        }
        let forward_plan = read("forward_plan.json")?;
        check::forward_plan(&forward_plan)
            .with_context(|| format!("{}", export.path(Path::new("forward_plan.json")).display()))?;
        let site = if export.path(Path::new("site.json")).exists() {
            let site = read("site.json")?;
            check::site(&site)
                .with_context(|| format!("{}", export.path(Path::new("site.json")).display()))?;
            Some(site)
        } else {
            None
        };
        let alerts = if export.path(Path::new(ALERTS)).exists() {
            if !manifest.with_secrets {
                bail!(
                    "{} holds people's addresses, but the export was not made --with-secrets: an edited export is refused",
                    export.path(Path::new(ALERTS)).display()
                );
            }
            let alerts = read(ALERTS)?;
            check::alerts(&alerts)
                .with_context(|| format!("{}", export.path(Path::new(ALERTS)).display()))?;
            Some(alerts)
        } else {
            None
        };
        Ok(Lists {
            accounts,
            forward_plan,
            audit_log: read("audit_log.json")?,
            ledger: read("ledger.json")?,
            site,
            alerts,
        })
    }
}

/// Reads and checks one record's `record.json`, and each of its stored
/// documents (their bytes put in the rows, as PostgreSQL's hex form, only
/// `with_files`; otherwise only checked).
fn read_record(export: &Export, dir: &Path, with_files: bool) -> anyhow::Result<Map<String, Value>> {
    let file = dir.join("record.json");
    let mut parts: Map<String, Value> = export.read_json(&file, files::MAX_RECORD_BYTES)?;
    let slug = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    check::record(&parts, slug).with_context(|| format!("{}", export.path(&file).display()))?;
    for document in parts
        .get_mut("document")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if document.get("url").is_some_and(|u| !u.is_null()) {
            continue;
        }
        let id = document
            .get("id")
            .and_then(Value::as_i64)
            .with_context(|| format!("{}: a document without an id", export.path(&file).display()))?;
        let content = export.read(
            &dir.join("documents").join(id.to_string()),
            files::MAX_DOCUMENT_BYTES,
        )?;
        if with_files {
            document["content"] = Value::from(format!("\\x{}", hex::encode(content)));
        }
    }
    Ok(parts)
}

/// Restores one record's rows; returns its action rows, whose follow-up
/// meetings are linked once every record is back.
async fn restore_record(
    conn: &mut PgConnection,
    export: &Export,
    dir: &Path,
    mut parts: Map<String, Value>,
) -> anyhow::Result<Value> {
    archive::restore_record(conn, &parts).await.map_err(|(part, e)| {
        anyhow::Error::new(e).context(format!(
            "{}: cannot restore its {part} rows",
            export.path(dir).display()
        ))
    })?;
    Ok(parts.remove("action").unwrap_or(Value::Array(Vec::new())))
}
