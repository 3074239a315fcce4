//! Evidence outlines stored as trees of rows (parent, position, paragraphs).

use std::collections::HashMap;

use sqlx::PgConnection;

use crate::domain::outline::{Item, Marker, Outline};

fn marker_code(marker: Marker) -> &'static str {
    match marker {
        Marker::Bullet => "bullet",
        Marker::Numbered => "numbered",
        Marker::Plain => "plain",
    }
}

fn marker_from_code(code: &str) -> Marker {
    match code {
        "numbered" => Marker::Numbered,
        "plain" => Marker::Plain,
        _ => Marker::Bullet,
    }
}

/// Replaces the evidence of question `question_id` with `outline`.
pub async fn replace_evidence(
    conn: &mut PgConnection,
    question_id: i64,
    outline: &Outline,
) -> super::Result<()> {
    sqlx::query!("delete from evidence where question_id = $1", question_id)
        .execute(&mut *conn)
        .await?;
    // Depth-first with an explicit stack: (parent row, position, item).
    let mut stack: Vec<(Option<i64>, i32, &Item)> = Vec::new();
    for (i, item) in outline.items.iter().enumerate().rev() {
        stack.push((None, i as i32 + 1, item));
    }
    while let Some((parent, position, item)) = stack.pop() {
        let id = sqlx::query_scalar!(
            "insert into evidence (question_id, parent_id, position, marker, paragraphs)
             values ($1, $2, $3, $4, $5) returning id",
            question_id,
            parent,
            position,
            marker_code(item.marker),
            &item.paragraphs,
        )
        .fetch_one(&mut *conn)
        .await?;
        for (i, child) in item.children.iter().enumerate().rev() {
            stack.push((Some(id), i as i32 + 1, child));
        }
    }
    Ok(())
}

/// The evidence of each of `question_ids`, in one query.
pub async fn evidence_of(
    conn: &mut PgConnection,
    question_ids: &[i64],
) -> super::Result<HashMap<i64, Outline>> {
    let rows = sqlx::query!(
        "select id, question_id, parent_id, marker, paragraphs from evidence
         where question_id = any($1) order by question_id, parent_id nulls first, position",
        question_ids,
    )
    .fetch_all(conn)
    .await?;
    // Children grouped under their parent, in order; then built bottom-up.
    let mut children: HashMap<Option<i64>, Vec<i64>> = HashMap::new();
    let mut rows_by_id = HashMap::new();
    let mut roots: HashMap<i64, Vec<i64>> = HashMap::new();
    for row in rows {
        match row.parent_id {
            Some(parent) => children.entry(Some(parent)).or_default().push(row.id),
            None => roots.entry(row.question_id).or_default().push(row.id),
        }
        rows_by_id.insert(row.id, (marker_from_code(&row.marker), row.paragraphs));
    }
    fn build(
        id: i64,
        rows: &HashMap<i64, (Marker, Vec<String>)>,
        children: &HashMap<Option<i64>, Vec<i64>>,
    ) -> Item {
        let (marker, paragraphs) = rows[&id].clone();
        let kids = children.get(&Some(id)).map(Vec::as_slice).unwrap_or(&[]);
        Item {
            marker,
            paragraphs,
            children: kids.iter().map(|&k| build(k, rows, children)).collect(),
        }
    }
    Ok(roots
        .into_iter()
        .map(|(question, ids)| {
            let items = ids.iter().map(|&id| build(id, &rows_by_id, &children)).collect();
            (question, Outline { items })
        })
        .collect())
}
