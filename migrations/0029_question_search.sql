-- Search finds which question of a record matched (and makes its snippet
-- from that question's words). It read each question's words out of the
-- revision's content and made their vector at every search, for every
-- record on the page: two thirds of a search's time (35 of 58 ms for
-- "police" at 5,000 records). Each public record now keeps its questions'
-- vectors, made once when it is published: the words of each question
-- (its text, evidence and rationale, as the search read them), in order.
create function public_question_search(content jsonb) returns tsvector[]
language sql immutable parallel safe as $$
    select coalesce(array_agg(to_tsvector('english', array_to_string(
               array(select jsonb_array_elements_text(jsonb_path_query_array(e.question,
                         'strict $.*.**.paragraphs[*]')))
               || array(select jsonb_array_elements_text(jsonb_path_query_array(e.question,
                         'lax $.decision.rationale'))), ' '))
           order by e.n), '{}')
    from jsonb_array_elements(coalesce(content->'questions', '[]')) with ordinality e(question, n)
$$;

alter table public_record add column question_search tsvector[] not null default '{}';
update public_record p set question_search = public_question_search(r.content)
from revision r where r.id = p.revision_id;

create or replace function public_record_refresh(record bigint) returns void language plpgsql as $$
begin
    if not exists (select 1 from public_record where meeting_id = record)
       and not exists (select 1 from public_revision where meeting_id = record) then
        return;
    end if;
    delete from public_record where meeting_id = record;
    insert into public_record (meeting_id, revision_id, slug, number, topic, topic_slug, held_on,
                               published_at, first_published_at, decisions, search, imported,
                               words, other_words, question_search)
    select p.meeting_id, p.id, p.slug, p.number, p.topic, p.topic_slug, p.held_on, p.published_at,
           (select min(f.published_at) from revision f where f.meeting_id = p.meeting_id),
           array(select q->'decision'->>'value'
                 from jsonb_array_elements(coalesce(p.content->'questions', '[]')) with ordinality x(q, n)
                 order by x.n),
           r.search || coalesce((select tsvector_cat(x.search order by x.number)
                                 from revision_action x where x.revision_id = p.id), ''),
           p.content ? 'imported',
           public_words(p.content, p.topic,
                        array(select x.body from revision_action x where x.revision_id = p.id)),
           public_other_words(p.content, p.id),
           public_question_search(p.content)
    from public_revision p join revision r on r.id = p.id
    where p.meeting_id = record;
    insert into public_action (revision_id, number, action_id, meeting_id, slug, held_on, owner, due_on,
                               revisit_topic, status, topic_slug)
    select ra.revision_id, ra.number, ra.action_id, p.meeting_id, p.slug, p.held_on, ra.owner, ra.due_on,
           ra.revisit_topic, a.status, p.topic_slug
    from public_record p
    join revision_action ra on ra.revision_id = p.revision_id
    join action a on a.id = ra.action_id
    where p.meeting_id = record;
end $$;
