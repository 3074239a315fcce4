-- The tallies (0016) and the words' counts (0022, 0030) are applied at
-- commit by deferred triggers, one queued per change row. The first call
-- applied every row and emptied the change table; each later call still
-- read that table to find it empty, and a table emptied by the transaction
-- that reads it still holds every row it deleted, to be skipped one by one
-- until the commit. So a transaction that changed N public records read
-- N rows N times: rewriting 99,643 records in one transaction had spent
-- more than nine minutes in `COMMIT` when it was stopped.
--
-- Now a change marks its kind as pending for the rest of the transaction
-- (a setting local to it, `scrutiny.tallies_pending` or
-- `scrutiny.words_pending`), and a call that finds nothing pending returns
-- at once. A call that applies clears the mark first, so a change written
-- after it (a record rebuilt at commit, 0017, after an action's status was
-- applied) marks it again, and the call queued with that change applies it.

create function public_change_pending(kind text) returns void language sql as $$
    select set_config('scrutiny.' || kind || '_pending', 'yes', true)
$$;

-- Takes the mark: true when `kind` has changes to apply.
create function public_change_take(kind text) returns boolean language plpgsql as $$
begin
    if coalesce(current_setting('scrutiny.' || kind || '_pending', true), '') <> 'yes' then
        return false;
    end if;
    perform set_config('scrutiny.' || kind || '_pending', 'no', true);
    return true;
end $$;

create or replace function public_tally_on_record() returns trigger language plpgsql as $$
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
    perform public_change_pending('tallies');
    return null;
end $$;

create or replace function public_action_tally_on_action() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        insert into public_action_tally_change values (old.status, old.owner, -1);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into public_action_tally_change values (new.status, new.owner, 1);
    end if;
    perform public_change_pending('tallies');
    return null;
end $$;

create or replace function public_tally_apply() returns trigger language plpgsql as $$
begin
    if not public_change_take('tallies') then
        return null;
    end if;
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

create or replace function public_word_on_record() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') and old.words <> '{}' then
        insert into public_word_change values (old.words, -1);
        perform public_change_pending('words');
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.words <> '{}' then
        insert into public_word_change values (new.words, 1);
        perform public_change_pending('words');
    end if;
    return null;
end $$;

create or replace function public_word_apply() returns trigger language plpgsql as $$
declare
    emptied text[];
begin
    if not public_change_take('words') then
        return null;
    end if;
    with change as (delete from public_word_change returning *),
    summed as (
        select w, sum(c.records)::int as n from change c cross join unnest(c.words) w group by w
    ),
    applied as (
        insert into public_word as x (word, stem, records)
        select w, coalesce((tsvector_to_array(to_tsvector('english', w)))[1], w), n
        from summed where n <> 0 order by w
        on conflict (word) do update set records = x.records + excluded.records
        returning x.word, x.records
    )
    select coalesce(array_agg(word), '{}') into emptied from applied where records = 0;
    delete from public_word where word = any(emptied) and records = 0;
    return null;
end $$;
