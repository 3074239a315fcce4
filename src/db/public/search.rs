//! Full-text search of what the public may read: the current revision of
//! each public record (topic, questions, evidence, rationales) and the
//! actions it agreed, one vector per record in `search_document` (migration
//! 0014). English stemming, so "stalk" finds "stalking". One query finds,
//! ranks, counts and pages by the index, then reads and highlights only the
//! records on the page.

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::records::{ListFilter, decision_filter, decisions_of};
use crate::domain::Decision;

/// Marks the start of a highlighted word in a snippet. A private-use
/// character, removed from the text before highlighting, so it can only come
/// from `ts_headline`.
pub const MARK_START: char = '\u{E000}';
/// Marks the end of a highlighted word.
pub const MARK_END: char = '\u{E001}';

/// One published record that matches.
#[derive(Debug, Clone)]
pub struct Hit {
    pub slug: String,
    pub topic: String,
    pub topic_slug: String,
    pub held_on: NaiveDate,
    pub revision: i32,
    pub decisions: Vec<Option<Decision>>,
    /// Where the words were found, the words between `MARK_START` and
    /// `MARK_END`. Nothing here is HTML: it is escaped when shown.
    pub snippet: String,
    /// How many of the record's actions match.
    pub matching_actions: i64,
}

/// A page of hits, and what the search as a whole found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub total: i64,
    /// False when the query has no searchable word left (only very common
    /// words such as "the", or only punctuation).
    pub searchable: bool,
}

/// Searches for `text` (web search syntax: words, "quoted phrases", `or`,
/// `-word`; anything else is read as words, never as an error).
pub async fn search(
    conn: &mut PgConnection,
    text: &str,
    filter: &ListFilter,
    limit: i64,
    offset: i64,
) -> super::Result<Found> {
    let options = format!(
        "StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \""
    );
    let markers = format!("{MARK_START}{MARK_END}");
    let rows = sqlx::query!(
        r#"with q as (select websearch_to_tsquery('english', $1) as query),
           -- One probe of the index of current public records; ranked,
           -- counted and paged in one pass, before any revision is read.
           page as (
               select s.meeting_id, s.revision_id, s.held_on, ts_rank(s.search, q.query) as rank,
                      count(*) over () as total
               from search_document s cross join q
               where s.search @@ q.query
                 and ($2::text is null or s.topic_slug = $2)
                 and ($3::int is null or (s.held_on >= make_date($3, 1, 1) and s.held_on < make_date($3 + 1, 1, 1)))
                 and ($4::jsonb is null or exists (select 1 from revision f where f.id = s.revision_id
                                                   and f.content->'questions' @> $4))
               order by rank desc, s.held_on desc, s.meeting_id limit $5 offset $6
           )
           select p.slug as "slug!", p.topic as "topic!", p.topic_slug as "topic_slug!",
                  p.held_on as "held_on!", p.number as "number!", page.total as "total!",
                  coalesce(a.n, 0) as "actions!",
                  jsonb_path_query_array(p.content, '$.questions[*].decision') as "decisions!",
                  ts_headline('english', translate(array_to_string(coalesce(hit.texts, doc.texts[1:2]), ' / '), $7, ''),
                      q.query, $8) as "snippet!"
           from page cross join q
           join public_revision p on p.id = page.revision_id
           -- The actions that match, for the rows shown only.
           left join lateral (
               select count(*) as n, array_agg(x.body order by x.number) as texts
               from revision_action x where x.revision_id = page.revision_id and x.search @@ q.query
           ) a on true
           -- The record's words, in order; the snippet is made from the
           -- first three paragraphs that match (ts_headline over a whole
           -- record is slow), or its first two when only the topic matched.
           cross join lateral (
               select array(select jsonb_array_elements_text(jsonb_path_query_array(p.content,
                                'strict $.questions[*].*.**.paragraphs[*]')))
                      || array(select jsonb_array_elements_text(jsonb_path_query_array(p.content,
                                'lax $.questions[*].decision.rationale')))
                      || coalesce(a.texts, '{}') as texts
           ) doc
           cross join lateral (
               select array_agg(m.t order by m.n) as texts from (
                   select u.t, u.n from unnest(doc.texts) with ordinality u(t, n)
                   where to_tsvector('english', u.t) @@ q.query order by u.n limit 3
               ) m
           ) hit
           order by page.rank desc, page.held_on desc, page.meeting_id"#,
        text,
        filter.topic_slug,
        filter.year,
        decision_filter(filter),
        limit,
        offset,
        markers,
        options,
    )
    .fetch_all(&mut *conn)
    .await?;
    let (total, searchable) = match rows.first() {
        Some(row) => (row.total, true),
        // Nothing on this page: say whether anything matched at all, and
        // whether the query had a word to search for.
        None => totals(conn, text, filter).await?,
    };
    let hits = rows
        .into_iter()
        .map(|r| Hit {
            decisions: decisions_of(&r.decisions),
            slug: r.slug,
            topic: r.topic,
            topic_slug: r.topic_slug,
            held_on: r.held_on,
            revision: r.number,
            snippet: r.snippet,
            matching_actions: r.actions,
        })
        .collect();
    Ok(Found {
        hits,
        total,
        searchable,
    })
}

/// How many records match `text`, and whether it has a word to search for.
async fn totals(conn: &mut PgConnection, text: &str, filter: &ListFilter) -> super::Result<(i64, bool)> {
    let row = sqlx::query!(
        r#"with q as (select websearch_to_tsquery('english', $1) as query)
           select numnode(q.query) > 0 as "searchable!",
                  (select count(*) from search_document s
                   where s.search @@ q.query
                     and ($2::text is null or s.topic_slug = $2)
                     and ($3::int is null or (s.held_on >= make_date($3, 1, 1) and s.held_on < make_date($3 + 1, 1, 1)))
                     and ($4::jsonb is null or exists (select 1 from revision f where f.id = s.revision_id
                                                       and f.content->'questions' @> $4))) as "total!"
           from q"#,
        text,
        filter.topic_slug,
        filter.year,
        decision_filter(filter),
    )
    .fetch_one(conn)
    .await?;
    Ok((row.total, row.searchable))
}
