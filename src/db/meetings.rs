//! Meetings as staff edit them. Every save names the version it edits; a
//! save against a stale version changes nothing and says so.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;

use super::audit::{self, Entry};
use crate::domain::record::Person;
use crate::domain::{MeetingSlug, MeetingStatus};

/// A meeting's own fields, as the editor holds them.
#[derive(Debug, Clone, Serialize)]
pub struct Details {
    pub topic: String,
    pub held_on: NaiveDate,
    pub starts_at: Option<NaiveTime>,
    pub place: String,
    pub kind: String,
    pub introduction: String,
    pub attendees: Vec<Person>,
    pub apologies: Vec<Person>,
}

/// A meeting as stored.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: i64,
    pub slug: String,
    pub status: MeetingStatus,
    pub version: i32,
    pub review_comment: String,
    /// Imported text not yet placed by a person.
    pub unplaced_text: String,
    pub updated_at: DateTime<Utc>,
    /// Whether a revision has ever been published.
    pub published_before: bool,
    /// When it was imported, for a record imported from notes.
    pub imported_at: Option<DateTime<Utc>>,
    /// The date its imported notes were first published, if known.
    pub original_published_on: Option<NaiveDate>,
    pub details: Details,
}

impl Meeting {
    /// Whether staff may change the record itself (not its actions).
    pub fn is_editable(&self) -> bool {
        self.status.is_editable()
    }
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Saved,
    /// Someone saved first: nothing was changed.
    Conflict,
}

pub async fn get(conn: &mut PgConnection, id: i64) -> super::Result<Option<Meeting>> {
    let Some(m) = sqlx::query!(
        r#"select id, slug, topic, held_on, starts_at, place, kind, introduction, status as "status: MeetingStatus", version,
                  review_comment, unplaced_text, updated_at, imported_at, original_published_on,
                  exists (select 1 from revision r where r.meeting_id = m.id) as "published_before!"
           from meeting m where id = $1"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let people = sqlx::query!(
        "select name, role, present from attendee where meeting_id = $1 order by present desc, position",
        id
    )
    .fetch_all(conn)
    .await?;
    let (present, away): (Vec<_>, Vec<_>) = people.into_iter().partition(|p| p.present);
    let person = |p: (String, String)| Person { name: p.0, role: p.1 };
    Ok(Some(Meeting {
        id: m.id,
        slug: m.slug,
        status: m.status,
        version: m.version,
        review_comment: m.review_comment,
        unplaced_text: m.unplaced_text,
        updated_at: m.updated_at,
        published_before: m.published_before,
        imported_at: m.imported_at,
        original_published_on: m.original_published_on,
        details: Details {
            topic: m.topic,
            held_on: m.held_on,
            starts_at: m.starts_at,
            place: m.place,
            kind: m.kind,
            introduction: m.introduction,
            attendees: present.into_iter().map(|p| person((p.name, p.role))).collect(),
            apologies: away.into_iter().map(|p| person((p.name, p.role))).collect(),
        },
    }))
}

/// Finds a free slug for `details`: the date and topic, then `-2`, `-3`…
async fn free_slug(conn: &mut PgConnection, details: &Details, except: Option<i64>) -> super::Result<String> {
    let base = MeetingSlug::new(details.held_on, &details.topic)
        .unwrap_or_else(|| MeetingSlug::new(details.held_on, "meeting").expect("a fixed topic makes a slug"));
    for n in 1..10_000 {
        let slug = if n == 1 { base.clone() } else { base.with_suffix(n) };
        let taken = sqlx::query_scalar!(
            r#"select exists (select 1 from meeting where slug = $1 and id is distinct from $2) as "taken!""#,
            slug.as_str(),
            except
        )
        .fetch_one(&mut *conn)
        .await?;
        if !taken {
            return Ok(slug.to_string());
        }
    }
    Err(sqlx::Error::Protocol("no free slug".into()))
}

async fn replace_people(conn: &mut PgConnection, id: i64, details: &Details) -> super::Result<()> {
    sqlx::query!("delete from attendee where meeting_id = $1", id)
        .execute(&mut *conn)
        .await?;
    for (present, people) in [(true, &details.attendees), (false, &details.apologies)] {
        for (i, p) in people.iter().enumerate() {
            sqlx::query!(
                "insert into attendee (meeting_id, position, name, role, present) values ($1, $2, $3, $4, $5)",
                id,
                i as i32 + 1,
                p.name,
                p.role,
                present
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Creates a draft meeting at a free slug made from its date and topic,
/// with its audit row; returns its id and slug. The editor, the importer and
/// the demo all create meetings here.
pub async fn create(
    conn: &mut PgConnection,
    details: &Details,
    by: Option<i64>,
) -> super::Result<(i64, String)> {
    let slug = free_slug(conn, details, None).await?;
    let id = sqlx::query_scalar!(
        "insert into meeting (slug, topic, held_on, starts_at, place, kind, introduction, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        slug,
        details.topic,
        details.held_on,
        details.starts_at,
        details.place,
        details.kind,
        details.introduction,
        by
    )
    .fetch_one(&mut *conn)
    .await?;
    replace_people(conn, id, details).await?;
    let after = serde_json::json!({ "slug": slug, "details": details });
    audit::record(
        conn,
        Entry::change(by, Some(id), "create", "meeting", id, None, Some(after)),
    )
    .await?;
    Ok((id, slug))
}

/// Locks meeting `id`'s row for the caller's transaction and returns its
/// status, so that a write checks the status on the row it holds.
pub async fn lock(conn: &mut PgConnection, id: i64) -> super::Result<Option<MeetingStatus>> {
    sqlx::query_scalar!(
        r#"select status as "status: MeetingStatus" from meeting where id = $1 for update"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// The meeting at `slug`, if any (not locked: for a page that says so).
pub async fn at_slug(conn: &mut PgConnection, slug: &str) -> super::Result<Option<AtSlug>> {
    sqlx::query_as!(
        AtSlug,
        r#"select id, status as "status: MeetingStatus",
                  exists (select 1 from revision r where r.meeting_id = m.id) as "published_before!"
           from meeting m where slug = $1"#,
        slug
    )
    .fetch_optional(conn)
    .await
}

/// The meeting at a slug, and whether an import may replace it.
#[derive(Debug, Clone, Copy)]
pub struct AtSlug {
    pub id: i64,
    pub status: MeetingStatus,
    /// Whether a revision has ever been published.
    pub published_before: bool,
}

impl AtSlug {
    /// Whether an import may replace it: only a draft never published, as
    /// nothing of it has reached the public or the PCC's decision.
    pub fn replaceable(&self) -> bool {
        self.status.is_editable() && !self.published_before
    }
}

/// Finds and locks the meeting at `slug`, if any.
pub async fn lock_by_slug(conn: &mut PgConnection, slug: &str) -> super::Result<Option<AtSlug>> {
    sqlx::query_as!(
        AtSlug,
        r#"select id, status as "status: MeetingStatus",
                  exists (select 1 from revision r where r.meeting_id = m.id) as "published_before!"
           from meeting m where slug = $1 for update"#,
        slug
    )
    .fetch_optional(conn)
    .await
}

/// The meeting imported from the notes whose SHA-256 is `sha256`, if any
/// (the first, if the same notes were imported again to replace a draft).
pub async fn imported_from(conn: &mut PgConnection, sha256: &str) -> super::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select id from meeting where imported_sha256 = $1 order by id limit 1",
        sha256
    )
    .fetch_optional(conn)
    .await
}

/// Deletes a draft that was never published (a revision would refuse the
/// delete), with its audit row saying what replaced it.
pub async fn delete_unpublished(
    conn: &mut PgConnection,
    id: i64,
    slug: &str,
    replaced_by: &str,
    by: Option<i64>,
) -> super::Result<()> {
    sqlx::query!("delete from meeting where id = $1", id)
        .execute(&mut *conn)
        .await?;
    let before = serde_json::json!({ "slug": slug, "replaced_by": replaced_by });
    audit::record(
        conn,
        Entry::change(by, None, "delete", "meeting", id, Some(before), None),
    )
    .await
}

/// Keeps imported text the importer could not place on the draft, flagged,
/// for a person to move.
pub async fn set_unplaced(conn: &mut PgConnection, id: i64, text: &str) -> super::Result<()> {
    sqlx::query!("update meeting set unplaced_text = $2 where id = $1", id, text)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks a draft as imported now from notes first published on
/// `published_on` (`None`: not known), so that its record says so rather
/// than dating it by the import.
pub async fn set_imported(
    conn: &mut PgConnection,
    id: i64,
    published_on: Option<NaiveDate>,
    source_sha256: Option<&str>,
) -> super::Result<()> {
    sqlx::query!(
        "update meeting set imported_at = now(), original_published_on = $2, imported_sha256 = $3 where id = $1",
        id,
        published_on,
        source_sha256
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Saves a draft's details if `version` is still current. A record never
/// published takes a new slug when its date or topic changes.
pub async fn update(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    details: &Details,
    by: i64,
) -> super::Result<Saved> {
    let Some(before) = get(conn, id).await? else {
        return Ok(Saved::Conflict);
    };
    if before.version != version || !before.is_editable() {
        return Ok(Saved::Conflict);
    }
    let slug = if before.published_before {
        before.slug.clone()
    } else {
        free_slug(conn, details, Some(id)).await?
    };
    let updated = sqlx::query!(
        "update meeting set slug = $3, topic = $4, held_on = $5, starts_at = $6, place = $7, kind = $8,
                introduction = $9, version = version + 1, updated_at = now()
         where id = $1 and version = $2 and status = 'draft'",
        id,
        version,
        slug,
        details.topic,
        details.held_on,
        details.starts_at,
        details.place,
        details.kind,
        details.introduction
    )
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(Saved::Conflict);
    }
    replace_people(conn, id, details).await?;
    let (b, a) = (
        serde_json::json!({ "slug": before.slug, "details": before.details }),
        serde_json::json!({ "slug": slug, "details": details }),
    );
    audit::record(
        conn,
        Entry::change(Some(by), Some(id), "update", "meeting", id, Some(b), Some(a)),
    )
    .await?;
    Ok(Saved::Saved)
}

/// Marks the record as changed (its questions, actions or documents), so
/// that a stale form of any part of it is noticed.
pub async fn touch(conn: &mut PgConnection, id: i64) -> super::Result<()> {
    sqlx::query!("update meeting set updated_at = now() where id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Clears a draft's unplaced imported text once a person has moved it.
pub async fn clear_unplaced(conn: &mut PgConnection, id: i64, by: i64) -> super::Result<()> {
    let before = sqlx::query_scalar!("select unplaced_text from meeting where id = $1 for update", id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query!(
        "update meeting set unplaced_text = '', updated_at = now() where id = $1",
        id
    )
    .execute(&mut *conn)
    .await?;
    let entry = Entry::change(
        Some(by),
        Some(id),
        "clear_unplaced",
        "meeting",
        id,
        Some(serde_json::json!({ "unplaced_text": before })),
        None,
    );
    audit::record(conn, entry).await
}
