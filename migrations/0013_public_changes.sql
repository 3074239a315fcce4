-- Every change the public can see, announced: each app instance keeps the
-- pages it has rendered in memory (src/web/cache) and listens on the
-- channel `scrutiny_public` to learn which became stale. The payload is the
-- record's id, or `*` for the forward plan. A notice is delivered only when
-- its transaction commits, and once however often it was raised in it, so
-- a rolled-back publication announces nothing. Triggers rather than calls
-- in the app, so that every writer (the web app, `scrutiny import`,
-- `scrutiny restore`, a person at psql) is heard.

create function announce_record(meeting_id bigint) returns void language sql as $$
    select pg_notify('scrutiny_public', meeting_id::text)
$$;

-- A revision written (a publication or correction) or, with the
-- immutability trigger off, changed.
create function revision_announce() returns trigger language plpgsql as $$
begin
    perform announce_record(coalesce(new.meeting_id, old.meeting_id));
    return null;
end $$;
create trigger revision_announce after insert or update or delete on revision
    for each row execute function revision_announce();

-- A record's status (withdrawn, reinstated, being corrected), its current
-- revision or its address changed. Edits of a draft's text are not public
-- and say nothing.
create function meeting_announce() returns trigger language plpgsql as $$
begin
    if old.status is distinct from new.status
       or old.current_revision_id is distinct from new.current_revision_id
       or old.slug is distinct from new.slug
       or old.withdrawn_at is distinct from new.withdrawn_at then
        perform announce_record(new.id);
    end if;
    return null;
end $$;
create trigger meeting_announce after update on meeting
    for each row execute function meeting_announce();

-- An action of a published record moved: its status, or its progress.
create function action_announce() returns trigger language plpgsql as $$
declare
    record_id bigint := coalesce(new.meeting_id, old.meeting_id);
begin
    if exists (select 1 from meeting where id = record_id and current_revision_id is not null) then
        perform announce_record(record_id);
    end if;
    return null;
end $$;
create trigger action_announce after update or delete on action
    for each row execute function action_announce();

create function action_progress_announce() returns trigger language plpgsql as $$
declare
    record_id bigint;
begin
    select a.meeting_id into record_id from action a
    where a.id = coalesce(new.action_id, old.action_id);
    if exists (select 1 from meeting where id = record_id and current_revision_id is not null) then
        perform announce_record(record_id);
    end if;
    return null;
end $$;
create trigger action_progress_announce after insert or update or delete on action_progress
    for each row execute function action_progress_announce();

-- The forward plan as published.
create function forward_plan_announce() returns trigger language plpgsql as $$
begin
    if tg_op <> 'UPDATE' or old.published_at is distinct from new.published_at
       or old.published_topic is distinct from new.published_topic
       or old.published_on is distinct from new.published_on
       or old.published_note is distinct from new.published_note then
        perform pg_notify('scrutiny_public', '*');
    end if;
    return null;
end $$;
create trigger forward_plan_announce after insert or update or delete on forward_plan
    for each row execute function forward_plan_announce();
