//! `scrutiny verify`: recomputes every published revision's content hash and
//! the whole ledger chain, checks the agreed actions kept beside each
//! revision against it, and names the first record that does not match.
//! Anyone with a copy of the database (or of `/ledger.json` and the
//! revisions' JSON) can make the same checks.

use std::collections::HashSet;

use anyhow::bail;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::db::ledger::{self, Entry};
use crate::domain::record::{AgreedAction, content_hash};

/// What was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub revisions: usize,
    pub entries: usize,
}

/// The text an entry's hash is taken of, as migrations/0008_ledger.sql
/// defines it: one field a line.
pub fn entry_text(entry: &Entry) -> String {
    [
        entry.previous_hash.clone().unwrap_or_default(),
        entry.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        entry.event.clone(),
        entry.slug.clone(),
        entry.revision.map(|n| n.to_string()).unwrap_or_default(),
        entry.content_hash.clone(),
        entry.reason.clone(),
    ]
    .join("\n")
}

/// Whether the actions kept beside a revision are those its content froze.
/// A revision published before actions were frozen has none in its content,
/// and nothing to compare.
fn same_actions(content: &serde_json::Value, kept: &serde_json::Value) -> bool {
    let Some(frozen) = content.get("actions") else {
        return true;
    };
    let read = |v: &serde_json::Value| serde_json::from_value::<Vec<AgreedAction>>(v.clone()).ok();
    matches!((read(frozen), read(kept)), (Some(a), Some(b)) if a == b)
}

/// Checks every revision against its hash, the chain of entries, and that
/// each revision has its entry. The error names the first record that does
/// not match, and how.
pub async fn verify(pool: &PgPool) -> anyhow::Result<Report> {
    let mut conn = pool.acquire().await?;
    let revisions = ledger::revisions(&mut conn).await?;
    for revision in &revisions {
        if content_hash(&revision.content) != revision.content_hash {
            bail!(
                "record {}: revision {} is not the content that was published (its hash does not match)",
                revision.slug,
                revision.number
            );
        }
        if !same_actions(&revision.content, &revision.actions) {
            bail!(
                "record {}: revision {}'s actions are not those it published (the rows kept beside it differ)",
                revision.slug,
                revision.number
            );
        }
    }
    let entries = ledger::all(&mut conn).await?;
    let mut previous: Option<&str> = None;
    let mut listed = HashSet::new();
    for entry in &entries {
        if entry.previous_hash.as_deref() != previous {
            bail!(
                "record {}: ledger entry {} does not follow the entry before it",
                entry.slug,
                entry.id
            );
        }
        if hex::encode(Sha256::digest(entry_text(entry).as_bytes())) != entry.entry_hash {
            bail!(
                "record {}: ledger entry {} has been altered (its hash does not match)",
                entry.slug,
                entry.id
            );
        }
        if let Some(number) = entry.revision {
            listed.insert((entry.slug.as_str(), number, entry.content_hash.as_str()));
        }
        previous = Some(&entry.entry_hash);
    }
    for revision in &revisions {
        let key = (
            revision.slug.as_str(),
            revision.number,
            revision.content_hash.as_str(),
        );
        if !listed.contains(&key) {
            bail!(
                "record {}: revision {} is not in the ledger as it is now",
                revision.slug,
                revision.number
            );
        }
    }
    Ok(Report {
        revisions: revisions.len(),
        entries: entries.len(),
    })
}
