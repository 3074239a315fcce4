-- Lists say "No decision in the original notes" for an imported record's
-- question that its notes gave no decision, rather than "No decision
-- recorded", as if the PCC had failed to decide: each kept public record
-- says whether its revision was imported. `public_record_refresh` (0020)
-- writes it; the rows already kept are filled from their revision.
alter table public_record add column imported boolean not null default false;
update public_record p set imported = (r.content ? 'imported') from revision r where r.id = p.revision_id;

create or replace function public_record_refresh(record bigint) returns void language plpgsql as $$
begin
    if not exists (select 1 from public_record where meeting_id = record)
       and not exists (select 1 from public_revision where meeting_id = record) then
        return;
    end if;
    delete from public_record where meeting_id = record;
    insert into public_record (meeting_id, revision_id, slug, number, topic, topic_slug, held_on,
                               published_at, first_published_at, decisions, search, imported)
    select p.meeting_id, p.id, p.slug, p.number, p.topic, p.topic_slug, p.held_on, p.published_at,
           (select min(f.published_at) from revision f where f.meeting_id = p.meeting_id),
           array(select q->'decision'->>'value'
                 from jsonb_array_elements(coalesce(p.content->'questions', '[]')) with ordinality x(q, n)
                 order by x.n),
           r.search || coalesce((select tsvector_cat(x.search order by x.number)
                                 from revision_action x where x.revision_id = p.id), ''),
           p.content ? 'imported'
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
