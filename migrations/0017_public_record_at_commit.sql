-- A record's public rows (0016) are made again once per transaction, at
-- commit, instead of at every row that touches them. A publication inserts
-- the revision, one row per agreed action and updates the meeting: 0016
-- rebuilt the record's `public_record` and `public_action` rows (and wrote
-- their tally changes) after each of them, so a record with eight actions
-- was rebuilt eleven times. Now each of those marks the record as stale
-- (`public_record_stale`, a row per record, at most once per transaction)
-- and a deferred trigger rebuilds it when the transaction commits, from
-- what the transaction leaves.
--
-- Deferred triggers run before the commit is visible, in the order they
-- were queued, and those they queue run too: the tally changes written by
-- the rebuild are applied after it, as before. Nothing in the transaction
-- reads `public_record` after writing what it is made from; a reader in
-- another transaction sees the old rows until the commit, then the new.

create table public_record_stale (
    meeting_id bigint primary key
);

create function public_record_mark(record bigint) returns void language sql as $$
    insert into public_record_stale (meeting_id) values (record) on conflict do nothing
$$;

create function public_record_rebuild() returns trigger language plpgsql as $$
begin
    delete from public_record_stale where meeting_id = new.meeting_id;
    perform public_record_refresh(new.meeting_id);
    return null;
end $$;
create constraint trigger public_record_rebuild after insert on public_record_stale
    deferrable initially deferred for each row execute function public_record_rebuild();

create or replace function public_record_on_meeting() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' or old.status is distinct from new.status
       or old.current_revision_id is distinct from new.current_revision_id
       or old.slug is distinct from new.slug then
        perform public_record_mark(new.id);
    end if;
    return null;
end $$;

create or replace function public_record_on_revision() returns trigger language plpgsql as $$
begin
    perform public_record_mark(new.meeting_id);
    return null;
end $$;

create or replace function public_record_on_revision_action() returns trigger language plpgsql as $$
begin
    perform public_record_mark(new.meeting_id);
    return null;
end $$;

-- The tallies' rows that count nothing are found by an index of their own
-- (empty between transactions), not by reading every tally at each apply.
create index public_tally_empty on public_tally (topic_slug, year) where records = 0;
create index public_action_tally_empty on public_action_tally (status, owner) where actions = 0;

-- A record page finds its record by address in the kept rows.
create unique index public_record_slug on public_record (slug);
