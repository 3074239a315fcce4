-- Each record's current revision, kept as data: the public reads went
-- through a view whose `distinct on` ran over every revision of every
-- record before any filter applied, so one record's page cost more as the
-- archive grew. Now the view joins each record to its current revision by
-- key.

-- The latest revision of the record; null until it is first published. A
-- trigger keeps it, so every way a revision is written (publication,
-- correction, restore) keeps it right. Deferred, so that a restore may
-- write the record before its revisions.
alter table meeting add column current_revision_id bigint
    references revision (id) deferrable initially deferred;
update meeting m
set current_revision_id = (select r.id from revision r where r.meeting_id = m.id order by r.number desc limit 1);
create unique index meeting_current_revision on meeting (current_revision_id);

create function revision_becomes_current() returns trigger language plpgsql as $$
begin
    update meeting set current_revision_id = new.id
    where id = new.meeting_id
      and (current_revision_id is null
           or new.number > (select number from revision where id = current_revision_id));
    return new;
end $$;
create trigger revision_current after insert on revision
    for each row execute function revision_becomes_current();

-- What the public may see, as before: the latest revision of every record
-- that has been published and not withdrawn.
create or replace view public_revision as
select
    r.id, r.meeting_id, m.slug, r.number, r.published_at, r.reason,
    r.topic, r.topic_slug, r.held_on, r.content, r.content_hash
from meeting m
join revision r on r.id = m.current_revision_id
where m.status <> 'withdrawn';
