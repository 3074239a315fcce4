-- A question's evidence has one source of truth: the outline text staff
-- typed (question.evidence_text), which the editor shows back as typed. The
-- tree is parsed from it (src/domain/outline.rs) when the record is previewed
-- or published, and what the public reads is that tree frozen in the
-- revision's JSON, so no reader needs a tree of rows, and a save is one row.
-- (The question's own text is likewise one column, question.body, as typed.)
--
-- Evidence written before 0003 exists only as rows: print it as outline
-- text first (bullets `- `, numbered `1. `, two spaces a level, further
-- paragraphs aligned with the item's text).
with recursive tree as (
    select e.id, e.question_id, e.marker, e.paragraphs, 0 as depth, array[e.position] as path
    from evidence e where e.parent_id is null
    union all
    select c.id, c.question_id, c.marker, c.paragraphs, t.depth + 1, t.path || c.position
    from evidence c join tree t on c.parent_id = t.id
),
printed as (
    select t.question_id, t.path,
        repeat('  ', t.depth)
        || case t.marker when 'bullet' then '- ' when 'numbered' then '1. ' else '' end
        || t.paragraphs[1]
        || coalesce((
            select string_agg(
                E'\n' || repeat(' ', 2 * t.depth + case t.marker when 'numbered' then 3 else 2 end) || p,
                '' order by n)
            from unnest(t.paragraphs[2:]) with ordinality as u(p, n)), '') as line
    from tree t
)
update question q set evidence_text = p.text
from (select question_id, string_agg(line, E'\n' order by path) as text from printed group by question_id) p
where q.id = p.question_id and q.evidence_text = '';

drop table evidence;
