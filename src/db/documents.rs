//! Documents: files stored in PostgreSQL, or links, attached to a meeting or
//! to one of its questions.

use serde_json::json;
use sqlx::PgConnection;

use super::audit::{self, Entry};

/// A document as listed (without its bytes).
#[derive(Debug, Clone)]
pub struct Document {
    pub id: i64,
    pub meeting_id: i64,
    pub question_id: Option<i64>,
    pub question_number: Option<i32>,
    pub title: String,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub byte_size: Option<i64>,
}

/// A stored file, to download.
#[derive(Debug, Clone)]
pub struct File {
    pub meeting_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Where a document is attached, and what it is.
pub struct NewDocument<'a> {
    pub meeting_id: i64,
    pub question_id: Option<i64>,
    pub title: &'a str,
    pub kind: Kind<'a>,
}

/// A file's name, type and bytes, or a link.
pub enum Kind<'a> {
    File {
        file_name: &'a str,
        content_type: &'a str,
        content: &'a [u8],
    },
    Link {
        url: &'a str,
    },
}

pub async fn of_meeting(conn: &mut PgConnection, meeting_id: i64) -> super::Result<Vec<Document>> {
    sqlx::query_as!(
        Document,
        r#"select d.id, d.meeting_id, d.question_id, q.position as "question_number?", d.title, d.url,
                  d.file_name, d.content_type, d.byte_size
           from document d left join question q on q.id = d.question_id
           where d.meeting_id = $1 and not d.removed order by q.position nulls first, d.id"#,
        meeting_id
    )
    .fetch_all(conn)
    .await
}

/// Attaches a document; returns its id.
pub async fn add(conn: &mut PgConnection, new: NewDocument<'_>, by: i64) -> super::Result<i64> {
    let (url, file_name, content_type, content) = match new.kind {
        Kind::File {
            file_name,
            content_type,
            content,
        } => (None, Some(file_name), Some(content_type), Some(content)),
        Kind::Link { url } => (Some(url), None, None, None),
    };
    let id = sqlx::query_scalar!(
        "insert into document (meeting_id, question_id, title, url, file_name, content_type, content, byte_size, sha256)
         values ($1, $2, $3, $4, $5, $6, $7::bytea, length($7::bytea), encode(sha256($7::bytea), 'hex')) returning id",
        new.meeting_id,
        new.question_id,
        new.title,
        url,
        file_name,
        content_type,
        content
    )
    .fetch_one(&mut *conn)
    .await?;
    let after = json!({
        "title": new.title, "question_id": new.question_id, "url": url, "file_name": file_name,
        "content_type": content_type, "byte_size": content.map(<[u8]>::len),
    });
    audit::record(
        conn,
        Entry::change(
            Some(by),
            Some(new.meeting_id),
            "create",
            "document",
            id,
            None,
            Some(after),
        ),
    )
    .await?;
    Ok(id)
}

/// Takes a document out of the draft. One that a revision lists is kept
/// (with its file) and still served for that revision; any other is deleted.
pub async fn delete(conn: &mut PgConnection, document: &Document, by: i64) -> super::Result<()> {
    sqlx::query!(
        "update document d set removed = true
         where d.id = $1 and exists (select 1 from revision r where r.meeting_id = d.meeting_id
                                     and r.content->'documents' @> jsonb_build_array(jsonb_build_object('id', d.id)))",
        document.id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("delete from document where id = $1 and not removed", document.id)
        .execute(&mut *conn)
        .await?;
    let before = json!({ "title": document.title, "url": document.url, "file_name": document.file_name });
    audit::record(
        conn,
        Entry::change(
            Some(by),
            Some(document.meeting_id),
            "delete",
            "document",
            document.id,
            Some(before),
            None,
        ),
    )
    .await
}

pub async fn get(conn: &mut PgConnection, id: i64) -> super::Result<Option<Document>> {
    sqlx::query_as!(
        Document,
        r#"select d.id, d.meeting_id, d.question_id, q.position as "question_number?", d.title, d.url,
                  d.file_name, d.content_type, d.byte_size
           from document d left join question q on q.id = d.question_id where d.id = $1 and not d.removed"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// A stored file, for staff.
pub async fn file(conn: &mut PgConnection, id: i64) -> super::Result<Option<File>> {
    sqlx::query_as!(
        File,
        r#"select meeting_id, file_name as "file_name!", content_type as "content_type!", content as "content!"
           from document where id = $1 and content is not null"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// A stored file, only if a revision the public may read lists it: the
/// current one, or an earlier one of the same record (whatever the draft has
/// done with it since).
pub async fn public_file(conn: &mut PgConnection, id: i64) -> super::Result<Option<File>> {
    sqlx::query_as!(
        File,
        r#"select d.meeting_id, d.file_name as "file_name!", d.content_type as "content_type!", d.content as "content!"
           from document d join meeting m on m.id = d.meeting_id and m.status <> 'withdrawn'
           where d.id = $1 and d.content is not null
             and exists (select 1 from revision r where r.meeting_id = d.meeting_id
                         and r.content->'documents' @> jsonb_build_array(jsonb_build_object('id', d.id)))"#,
        id
    )
    .fetch_optional(conn)
    .await
}
