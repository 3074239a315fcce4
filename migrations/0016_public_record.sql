-- What the public lists read, kept as data so that no public page costs
-- more as the archive grows. The list of records counted every matching
-- record on each view, the years and topics were found by reading every
-- public revision, a topic was one page of all its records, and the list of
-- actions joined every action of every public record to count them.
--
-- - `public_record` (search's table of 0014, widened): one row per record
--   the public may read, with what a list shows of it, so a list page is an
--   index range of 20 rows;
-- - `public_action`: one row per action agreed in a public record's current
--   revision, with its live status;
-- - `public_tally` and `public_action_tally`: how many records per topic and
--   year (and with each decision), and how many actions per status and
--   owner, so a count is a sum over a few hundred rows whatever the size.
--
-- Triggers keep them all, so every writer (publication, correction,
-- withdrawal, reinstatement, a status change, restore) keeps them right;
-- they hold nothing of their own and are never exported. The tallies are
-- kept by adding and taking away (applied at commit, see below) and hold no
-- row that counts nothing.

drop trigger search_document_on_meeting on meeting;
drop trigger search_document_on_revision on revision;
drop trigger search_document_on_revision_action on revision_action;
drop function search_document_on_meeting();
drop function search_document_on_revision();
drop function search_document_on_revision_action();
drop function search_document_refresh(bigint);
drop table search_document;

create table public_record (
    meeting_id bigint primary key references meeting (id) on delete cascade,
    revision_id bigint not null references revision (id),
    slug text not null,
    number integer not null,
    topic text not null,
    topic_slug text not null,
    held_on date not null,
    published_at timestamptz not null,
    first_published_at timestamptz not null,
    -- Each question's decision code, in order; null where none was recorded.
    decisions text[] not null,
    -- The words of the revision and of the actions it agreed.
    search tsvector not null
);
create index public_record_search on public_record using gin (search);
create index public_record_list on public_record (held_on desc, slug);
create index public_record_topic on public_record (topic_slug, held_on desc, slug);

create table public_action (
    revision_id bigint not null,
    number integer not null,
    action_id bigint not null references action (id) on delete cascade,
    meeting_id bigint not null references public_record (meeting_id) on delete cascade,
    slug text not null,
    held_on date not null,
    owner text not null,
    due_on date,
    revisit_topic text,
    status text not null,
    primary key (revision_id, number)
);
create index public_action_action on public_action (action_id);
create index public_action_list on public_action (held_on desc, slug, number);
create index public_action_status on public_action (status, held_on desc, slug, number);
create index public_action_owner on public_action (owner, held_on desc, slug, number);
create index public_action_due on public_action (due_on) where status in ('open', 'in_progress');
-- The forward plan's re-visits: those not done.
create index public_action_revisit on public_action (due_on) where revisit_topic is not null and status <> 'done';

create table public_tally (
    topic_slug text not null,
    year integer not null,
    records integer not null,
    -- Records with at least one question given each decision.
    assured integer not null,
    partly_assured integer not null,
    not_assured integer not null,
    primary key (topic_slug, year)
);

create table public_action_tally (
    status text not null,
    owner text not null,
    actions integer not null,
    primary key (status, owner)
);

-- The feed reads the newest publications first.
create index revision_published_at on revision (published_at desc, id desc);

-- The rows of record `record` as the public may read it now (or none).
create function public_record_refresh(record bigint) returns void language plpgsql as $$
begin
    if not exists (select 1 from public_record where meeting_id = record)
       and not exists (select 1 from public_revision where meeting_id = record) then
        return;
    end if;
    delete from public_record where meeting_id = record;
    insert into public_record (meeting_id, revision_id, slug, number, topic, topic_slug, held_on,
                               published_at, first_published_at, decisions, search)
    select p.meeting_id, p.id, p.slug, p.number, p.topic, p.topic_slug, p.held_on, p.published_at,
           (select min(f.published_at) from revision f where f.meeting_id = p.meeting_id),
           array(select q->'decision'->>'value'
                 from jsonb_array_elements(coalesce(p.content->'questions', '[]')) with ordinality x(q, n)
                 order by x.n),
           r.search || coalesce((select tsvector_cat(x.search order by x.number)
                                 from revision_action x where x.revision_id = p.id), '')
    from public_revision p join revision r on r.id = p.id
    where p.meeting_id = record;
    insert into public_action (revision_id, number, action_id, meeting_id, slug, held_on, owner, due_on,
                               revisit_topic, status)
    select ra.revision_id, ra.number, ra.action_id, p.meeting_id, p.slug, p.held_on, ra.owner, ra.due_on,
           ra.revisit_topic, a.status
    from public_record p
    join revision_action ra on ra.revision_id = p.revision_id
    join action a on a.id = ra.action_id
    where p.meeting_id = record;
end $$;

create function public_record_on_meeting() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' or old.status is distinct from new.status
       or old.current_revision_id is distinct from new.current_revision_id
       or old.slug is distinct from new.slug then
        perform public_record_refresh(new.id);
    end if;
    return null;
end $$;
create trigger public_record_on_meeting after insert or update on meeting
    for each row execute function public_record_on_meeting();

create function public_record_on_revision() returns trigger language plpgsql as $$
begin
    perform public_record_refresh(new.meeting_id);
    return null;
end $$;
create trigger public_record_on_revision after insert on revision
    for each row execute function public_record_on_revision();

create function public_record_on_revision_action() returns trigger language plpgsql as $$
begin
    perform public_record_refresh((select meeting_id from revision where id = new.revision_id));
    return null;
end $$;
create trigger public_record_on_revision_action after insert on revision_action
    for each row execute function public_record_on_revision_action();

-- An action's status is read live.
create function public_action_on_action() returns trigger language plpgsql as $$
begin
    if old.status is distinct from new.status then
        update public_action set status = new.status where action_id = new.id;
    end if;
    return null;
end $$;
create trigger public_action_on_action after update on action
    for each row execute function public_action_on_action();

-- The tallies. A tally's row is shared by every record of a topic and
-- year, or every action of a status and owner, and one publication changes
-- several: two publications changing them as they went would each hold
-- one and wait for the other's. So each change is written down as it
-- happens (`public_tally_change`, `public_action_tally_change`: rows only
-- added, which nobody waits for), and at commit the transaction adds up its
-- own and applies them in one fixed order (records' tallies, then actions',
-- each by key), so no two transactions wait for each other in a circle.
create table public_tally_change (
    topic_slug text not null,
    year integer not null,
    records integer not null,
    assured integer not null,
    partly_assured integer not null,
    not_assured integer not null
);
create table public_action_tally_change (
    status text not null,
    owner text not null,
    actions integer not null
);

create function public_tally_on_record() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        insert into public_tally_change
        values (old.topic_slug, extract(year from old.held_on)::int, -1,
                -coalesce('assured' = any(old.decisions), false)::int,
                -coalesce('partly_assured' = any(old.decisions), false)::int,
                -coalesce('not_assured' = any(old.decisions), false)::int);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into public_tally_change
        values (new.topic_slug, extract(year from new.held_on)::int, 1,
                coalesce('assured' = any(new.decisions), false)::int,
                coalesce('partly_assured' = any(new.decisions), false)::int,
                coalesce('not_assured' = any(new.decisions), false)::int);
    end if;
    return null;
end $$;
create trigger public_tally_on_record after insert or update or delete on public_record
    for each row execute function public_tally_on_record();

create function public_action_tally_on_action() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        insert into public_action_tally_change values (old.status, old.owner, -1);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into public_action_tally_change values (new.status, new.owner, 1);
    end if;
    return null;
end $$;
create trigger public_action_tally_on_action after insert or update or delete on public_action
    for each row execute function public_action_tally_on_action();

-- At commit: this transaction's changes, added up, applied by key. (The
-- rows of other transactions are not seen until they commit, and each
-- clears its own first, so the change tables are empty between
-- transactions; the first call clears them, later ones find nothing.)
create function public_tally_apply() returns trigger language plpgsql as $$
begin
    with change as (delete from public_tally_change returning *)
    insert into public_tally as x (topic_slug, year, records, assured, partly_assured, not_assured)
    select topic_slug, year, sum(records), sum(assured), sum(partly_assured), sum(not_assured)
    from change group by topic_slug, year order by topic_slug, year
    on conflict (topic_slug, year) do update
    set records = x.records + excluded.records,
        assured = x.assured + excluded.assured,
        partly_assured = x.partly_assured + excluded.partly_assured,
        not_assured = x.not_assured + excluded.not_assured;
    with change as (delete from public_action_tally_change returning *)
    insert into public_action_tally as x (status, owner, actions)
    select status, owner, sum(actions) from change group by status, owner order by status, owner
    on conflict (status, owner) do update set actions = x.actions + excluded.actions;
    -- Only this transaction's rows can have come to nothing.
    delete from public_tally where records = 0;
    delete from public_action_tally where actions = 0;
    return null;
end $$;
create constraint trigger public_tally_apply after insert on public_tally_change
    deferrable initially deferred for each row execute function public_tally_apply();
create constraint trigger public_action_tally_apply after insert on public_action_tally_change
    deferrable initially deferred for each row execute function public_tally_apply();

select public_record_refresh(id) from meeting where current_revision_id is not null;
