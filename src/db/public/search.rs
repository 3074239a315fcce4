//! Full-text search of what the public may read: the current revision of
//! each public record (topic, questions, evidence, rationales) and the
//! actions it agreed, one vector per record in `public_record` (migrations
//! 0014, 0016). English stemming, so "stalk" finds "stalking". One query finds,
//! ranks, counts and pages by the index, then reads and highlights only the
//! records on the page: for each, the question that matched and its
//! snippet. A `-word` leaves out records with the word anywhere in their
//! public text (0022). When nothing matches, [`suggest`] offers the query
//! with each unknown word replaced by the nearest word of the published
//! records (pg_trgm over `public_word`, 0022). Matches are counted, except
//! those of common words in a large archive, which are estimated from
//! PostgreSQL's statistics ([`Counted::About`]): counting them reads every
//! match.

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::records::{ListFilter, decisions_of, year_range};
use crate::domain::{Decision, SearchQuery};

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
    /// Imported from notes: a question without a decision had none in them.
    pub from_notes: bool,
    /// The number of the question whose text matched (the first that holds
    /// the whole query, else the first with one of its words); none when
    /// only the topic or the actions matched.
    pub question: Option<i32>,
    /// Where the words were found (in that question, if there is one), the
    /// words between `MARK_START` and `MARK_END`. Nothing here is HTML: it
    /// is escaped when shown.
    pub snippet: String,
    /// How many of the record's actions match.
    pub matching_actions: i64,
}

/// How the records a search found were counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Counted {
    /// `total` records match.
    #[default]
    Exactly,
    /// More than `total` records match: a search that is not estimated is
    /// counted up to [`COUNTED`], or a quarter of the archive if that is
    /// more.
    MoreThan,
    /// About `total` records match (two significant figures): a search
    /// without filters for words that PostgreSQL's statistics of the
    /// public records say are in [`COUNTED`] records or more, together.
    /// Counting them would read every match, and so grow with the archive;
    /// an archive of fewer records is always counted exactly.
    About,
}

/// A page of hits, and what the search as a whole found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub total: i64,
    /// How `total` was counted.
    pub counted: Counted,
    /// False when the query has no searchable word left (only very common
    /// words such as "the", or only punctuation).
    pub searchable: bool,
}

impl Found {
    /// How many results can be paged through: all that match when they
    /// were counted, else no more than were counted (and [`COUNTED`] of an
    /// estimate). A filter narrows a search to the older ones.
    pub fn pageable(&self) -> i64 {
        match self.counted {
            Counted::Exactly | Counted::MoreThan => self.total,
            Counted::About => self.total.min(COUNTED),
        }
    }
}

/// The meeting dates searched: from `from` to `to`, both included; either
/// may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dates {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The first date searched and the day after the last (either open), of
/// the year filter and the dates together.
fn held_range(filter: &ListFilter, dates: Dates) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let (year_from, year_until) = year_range(filter.year);
    let until = dates.to.and_then(|d| d.succ_opt());
    (
        year_from.max(dates.from),
        match (year_until, until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
    )
}

/// How many matches are counted at least, however large the archive.
pub const COUNTED: i64 = 10_000;

/// How many of the newest matches are ranked by relevance; the rest follow,
/// newest first. A multiple of the page size, so no page is part ranked.
pub const RANKED: i64 = 1000;

/// Searches for `query` among the records of `filter` held on `dates`. The
/// first `RANKED` results are the newest matches, most relevant first; the
/// older ones follow by date.
pub async fn search(
    conn: &mut PgConnection,
    query: &SearchQuery,
    filter: &ListFilter,
    dates: Dates,
    limit: i64,
    offset: i64,
) -> super::Result<Found> {
    search_estimating_from(conn, query, filter, dates, (limit, offset), COUNTED).await
}

/// [`search`], with the matches estimated rather than counted from
/// `estimated_from` matches (the site's is [`COUNTED`]; a test's archive
/// is smaller).
pub async fn search_estimating_from(
    conn: &mut PgConnection,
    query: &SearchQuery,
    filter: &ListFilter,
    dates: Dates,
    (limit, offset): (i64, i64),
    estimated_from: i64,
) -> super::Result<Found> {
    let options = format!(
        "StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \""
    );
    let markers = format!("{MARK_START}{MARK_END}");
    let (words, excluded) = (query.words(), query.excluded());
    let (from, until) = held_range(filter, dates);
    let mut tx = crate::db::planned_for_parameters(conn).await?;
    // Matches are found by the index of words, even for a word in nearly
    // every record: PostgreSQL would rather read the table, not counting
    // that each row's words must then be unpacked, which costs forty times
    // more (60 ms against 1.5 ms to count 9,900 matches of 10,000 records).
    sqlx::query("set local enable_seqscan = off")
        .execute(&mut *tx)
        .await?;
    // Only the words can be estimated: filters narrow by what the words'
    // statistics do not know.
    let count = if excluded.is_empty() && *filter == ListFilter::default() && dates == Dates::default() {
        Count::EstimateFrom(estimated_from)
    } else {
        Count::UpToBound
    };
    let totals = totals(&mut tx, &words, &excluded, filter, (from, until), count).await?;
    let found = Found {
        hits: Vec::new(),
        total: totals.found,
        counted: totals.counted,
        searchable: totals.searchable,
    };
    if found.pageable() <= offset {
        return Ok(found);
    }
    // Words in more than a quarter of the records: the newest matches are
    // found soonest by date.
    let common = found.counted == Counted::MoreThan || totals.matches * 4 > totals.records;
    let rows = sqlx::query!(
        r#"with q as (
               -- The query; the query's words without the excluded ones, any
               -- of them (for the question that holds some of the words when
               -- none holds all); and the start of each of its words as
               -- written in the text (the stem but its last letter:
               -- "polici" is found in "policies", "hope" in "hoping").
               select query,
                      case when querytree(query) = 'T' then query
                           else replace(querytree(query), ' & ', ' | ')::tsquery end as any_word,
                      array(select '%' || replace(replace(replace(lower(left(m[1], greatest(length(m[1]) - 1, 2))),
                                                  '\', '\\'), '%', '\%'), '_', '\_') || '%'
                                   from regexp_matches(query::text, '''([^'']+)''', 'g') m) as starts
               from public_search_query($1, $12) query
           ),
           -- The query written out, not read from `q`, so that the planner
           -- knows it. A `-word` leaves out records with the word in the
           -- public text they are not found by, too.
           matching as not materialized (
               select s.meeting_id, s.revision_id, s.held_on, s.slug, s.search
               from public_record s
               where s.search @@ public_search_query($1, $12)
                 and ($12 = '' or not s.other_words @@ websearch_to_tsquery('english', $12))
                 and ($2::text is null or s.topic_slug = $2)
                 and ($3::date is null or s.held_on >= $3)
                 and ($4::date is null or s.held_on < $4)
                 and ($5::text is null or $5 = any(s.decisions))
           ),
           -- The newest RANKED matches, ranked by relevance: ranking reads
           -- each one's words, so it is bounded; later pages hold the
           -- older matches by date, an index range.
           -- Found by walking the index by date while the words are
           -- common ($11: newest matches come soon), by the index of words
           -- otherwise (ordered by an expression no index has, so that
           -- the walk cannot be chosen: it would read every record).
           candidates as (
               select * from (select * from matching order by held_on desc, slug limit $10) newest where $11
               union all
               select * from (select * from matching order by held_on + 0 desc, slug limit $10) found where not $11
           ),
           page as (
               select * from (
                   select c.meeting_id, c.revision_id,
                          row_number() over (order by ts_rank(c.search, q.query) desc, c.held_on desc, c.slug) as position
                   from candidates c cross join q
                   order by position limit $6 offset $7
               ) ranked where $7 < $10
               union all
               select d.meeting_id, d.revision_id,
                      row_number() over (order by d.held_on desc, d.slug) as position
               from (select m.meeting_id, m.revision_id, m.held_on, m.slug
                     from matching m order by m.held_on desc, m.slug limit $6 offset $7) d
               where $7 >= $10
           )
           select p.slug as "slug!", p.topic as "topic!", p.topic_slug as "topic_slug!",
                  p.held_on as "held_on!", p.number as "number!",
                  coalesce(a.n, 0) as "actions!",
                  jsonb_path_query_array(p.content, '$.questions[*].decision') as "decisions!",
                  p.content ? 'imported' as "from_notes!",
                  best.number as "question?",
                  ts_headline('english', translate(array_to_string(coalesce(hit.texts, doc.texts[1:2]), ' / '), $8, ''),
                      q.query, $9) as "snippet!"
           from page cross join q
           join public_revision p on p.id = page.revision_id
           -- The actions that match, for the rows shown only.
           left join lateral (
               select count(*) as n, array_agg(x.body order by x.number) as texts
               from revision_action x where x.revision_id = page.revision_id and x.search @@ q.query
           ) a on true
           -- The question that matched: the first whose words (text,
           -- evidence, rationale) hold the whole query, else the first
           -- with one of its words, by the vectors of its questions that
           -- the record keeps (0029); and that question's words.
           left join lateral (
               select m.number,
                      array(select jsonb_array_elements_text(jsonb_path_query_array(
                                p.content->'questions'->(m.number - 1), 'strict $.*.**.paragraphs[*]')))
                      || array(select jsonb_array_elements_text(jsonb_path_query_array(
                                p.content->'questions'->(m.number - 1), 'lax $.decision.rationale'))) as texts
               from (
                   select x.n::int as number
                   from public_record r cross join unnest(r.question_search) with ordinality x(v, n)
                   where r.meeting_id = page.meeting_id and x.v @@ q.any_word
                   order by x.v @@ q.query desc, x.n
                   limit 1
               ) m
           ) best on true
           -- The words the snippet is made from: the matched question's,
           -- else the whole record's in order, with the actions that
           -- matched.
           cross join lateral (
               select coalesce(best.texts,
                          array(select jsonb_array_elements_text(jsonb_path_query_array(p.content,
                                'strict $.questions[*].*.**.paragraphs[*]')))
                          || array(select jsonb_array_elements_text(jsonb_path_query_array(p.content,
                                'lax $.questions[*].decision.rationale')))
                          || coalesce(a.texts, '{}')) as texts
           ) doc
           -- The snippet is made from the first three paragraphs that match
           -- (ts_headline over a whole record is slow), or the first two
           -- when only the topic matched. (A word whose stem is not how it
           -- starts, "dying" for "die", is not highlighted, and the snippet
           -- may then be the first paragraphs.)
           cross join lateral (
               select array_agg(m.t order by m.n) as texts from (
                   select u.t, u.n from unnest(doc.texts) with ordinality u(t, n)
                   -- Only a paragraph with the start of a word of the query
                   -- is read for its words.
                   where lower(u.t) like any(q.starts) and to_tsvector('english', u.t) @@ q.any_word
                   order by u.n limit 3
               ) m
           ) hit
           order by page.position"#,
        words,
        filter.topic_slug,
        from,
        until,
        filter.decision.map(Decision::code),
        limit,
        offset,
        markers,
        options,
        RANKED,
        common,
        excluded,
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;

    let hits = rows
        .into_iter()
        .map(|r| Hit {
            decisions: decisions_of(&r.decisions),
            from_notes: r.from_notes,
            slug: r.slug,
            topic: r.topic,
            topic_slug: r.topic_slug,
            held_on: r.held_on,
            revision: r.number,
            question: r.question,
            snippet: r.snippet,
            matching_actions: r.actions,
        })
        .collect();
    Ok(Found { hits, ..found })
}

/// How the matches of a search are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Count {
    /// Estimated, if the query's words are together in this many records
    /// or more and nothing filters them; else counted up to the bound.
    EstimateFrom(i64),
    /// Counted up to the bound.
    UpToBound,
    /// Only whether there is one ("did you mean" asks no more): one match
    /// is read, however many there are.
    Any,
}

/// What a search found in all.
struct Totals {
    /// How many records match, as shown.
    found: i64,
    /// How `found` was counted.
    counted: Counted,
    /// How many records match, as counted or estimated (not rounded).
    matches: i64,
    /// Whether the query has a word to search for.
    searchable: bool,
    /// How many records the public may read.
    records: i64,
}

/// How many records match `words` but none of `excluded` (up to [`COUNTED`]
/// or a quarter of the archive) held in `[from, until)`, whether there is a
/// word to search for, and how many records there are. When `count` is
/// [`Count::EstimateFrom`] (no filters) and the query's words are all
/// required (`a b`; not `a or b`, a phrase or `-c`), their number is first
/// estimated from the statistics PostgreSQL keeps of the commonest words of
/// `public_record` (`pg_stats.most_common_elem_freqs`: the share of the
/// records with each word, from a sample of up to 30,000), as if the words
/// were independent; at the number given or more the matches are not
/// counted.
async fn totals(
    conn: &mut PgConnection,
    words: &str,
    excluded: &str,
    filter: &ListFilter,
    (from, until): (Option<NaiveDate>, Option<NaiveDate>),
    count: Count,
) -> super::Result<Totals> {
    let row = sqlx::query!(
        r#"with q as (select public_search_query($1, $7) as query),
           -- How many records there are, and how many matches are counted.
           archive as (
               select t.records, greatest($6, t.records / 4) as counted
               from (select coalesce(sum(records), 0)::bigint as records from public_tally) t
           ),
           -- The share of the records with each of the query's words, if
           -- each is among the commonest; the product of the shares is the
           -- share with all of them.
           estimate as (
               select case when count(*) > 0 and bool_and(s.share is not null)
                           then round(archive.records * exp(sum(ln(s.share))))::bigint end as matches
               from q cross join archive
               cross join lateral (select distinct m[1] as lexeme
                                   from regexp_matches(q.query::text, '''([^'']+)''', 'g') m) l
               left join (select e.lexeme, e.share::float8 as share
                          from pg_stats p
                          cross join unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs) e(lexeme, share)
                          where p.schemaname = current_schema() and p.tablename = 'public_record'
                            and p.attname = 'search') s on s.lexeme = l.lexeme
               where $8::bigint is not null and q.query::text ~ '^''[^'']+''( & ''[^'']+'')*$'
               group by archive.records
           )
           select numnode(q.query) > 0 as "searchable!",
                  (select matches from estimate) as "estimate?",
                  case when $8 is null or coalesce((select matches from estimate), 0) < $8 then (select count(*) from (
                       select from public_record s
                       where s.search @@ public_search_query($1, $7)
                         and ($7 = '' or not s.other_words @@ websearch_to_tsquery('english', $7))
                         and ($2::text is null or s.topic_slug = $2)
                         and ($3::date is null or s.held_on >= $3)
                         and ($4::date is null or s.held_on < $4)
                         and ($5::text is null or $5 = any(s.decisions))
                       limit case when $9 then 1 else (select counted + 1 from archive) end) c) end as "total?",
                  archive.records as "records!", archive.counted as "counted!"
           from q cross join archive"#,
        words,
        filter.topic_slug,
        from,
        until,
        filter.decision.map(Decision::code),
        COUNTED,
        excluded,
        match count {
            Count::EstimateFrom(n) => Some(n),
            Count::UpToBound | Count::Any => None,
        },
        count == Count::Any,
    )
    .fetch_one(conn)
    .await?;
    let (found, counted, matches) = match (row.total, row.estimate) {
        (Some(total), _) if total > row.counted => (row.counted, Counted::MoreThan, total),
        (Some(total), _) => (total, Counted::Exactly, total),
        (None, estimate) => {
            let estimate = estimate.unwrap_or_default();
            (two_figures(estimate), Counted::About, estimate)
        }
    };
    Ok(Totals {
        found,
        counted,
        matches,
        searchable: row.searchable,
        records: row.records,
    })
}

/// `n` to two significant figures: 45,321 is 45,000; 99,589 is 100,000.
fn two_figures(n: i64) -> i64 {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    (n + unit / 2) / unit * unit
}

/// `query` with each word to find that no public record uses replaced by
/// the nearest word one does (by trigrams, pg_trgm), if that finds records
/// of `filter` held on `dates`; none when every word is known (a word is
/// known by its stem: "stalk" by "stalking"), when an unknown word has no
/// near word, or when the corrected query finds nothing either. Each word
/// costs an index lookup in `public_word`, whatever the archive's size; of
/// its five nearest words by trigrams, the fewest edits away is chosen.
pub async fn suggest(
    conn: &mut PgConnection,
    query: &SearchQuery,
    filter: &ListFilter,
    dates: Dates,
) -> super::Result<Option<String>> {
    let words: Vec<String> = query.searched_words().iter().map(|w| w.to_lowercase()).collect();
    // The five nearest words by trigrams, nearest first, for each word to
    // find that is not known (and is a word: letters, not too long).
    let near = sqlx::query!(
        r#"select w.word as "word!", y.word as "near!"
           from unnest($1::text[]) with ordinality w(word, n)
           cross join lateral (
               select x.word, x.records, x.word <-> w.word as distance
               from public_word x where x.word % w.word order by x.word <-> w.word limit 5
           ) y
           where w.word ~ '^[[:alpha:]]{1,40}$' and to_tsvector('english', w.word) <> ''::tsvector
             and not exists (select 1 from public_word k
                             where k.stem = coalesce((tsvector_to_array(to_tsvector('english', w.word)))[1], w.word))
           order by w.n, y.distance, y.records desc, y.word"#,
        &words,
    )
    .fetch_all(&mut *conn)
    .await?;
    if near.is_empty() {
        return Ok(None);
    }
    // Of those, the fewest letters away ("protecton" is "protection", not
    // "protect", which shares as many trigrams); the nearest of equals.
    let fix = |word: &str| {
        let word = word.to_lowercase();
        near.iter()
            .filter(|n| n.word == word)
            .min_by_key(|n| strsim::levenshtein(&n.word, &n.near))
            .map(|n| n.near.clone())
    };
    let suggested = query.replaced(fix);
    let corrected = SearchQuery::parse(&suggested);
    let mut tx = crate::db::planned_for_parameters(conn).await?;
    let found = totals(
        &mut tx,
        &corrected.words(),
        &corrected.excluded(),
        filter,
        held_range(filter, dates),
        Count::Any,
    )
    .await?;
    tx.commit().await?;
    Ok((found.found > 0).then_some(suggested))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_estimate_is_shown_to_two_significant_figures() {
        assert_eq!(two_figures(10_000), 10_000);
        assert_eq!(two_figures(45_321), 45_000);
        assert_eq!(two_figures(45_500), 46_000);
        assert_eq!(two_figures(99_589), 100_000);
        assert_eq!(two_figures(123_456), 120_000);
        assert_eq!(two_figures(99), 99);
    }

    #[test]
    fn an_estimate_is_paged_no_further_than_what_is_counted() {
        let about = |total| Found {
            total,
            counted: Counted::About,
            ..Found::default()
        };
        assert_eq!(about(45_000).pageable(), COUNTED);
        assert_eq!(about(COUNTED).pageable(), COUNTED);
        let more = Found {
            total: 25_000,
            counted: Counted::MoreThan,
            ..Found::default()
        };
        assert_eq!(more.pageable(), 25_000);
    }
}
