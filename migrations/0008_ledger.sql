-- The publication ledger: every publication, correction and withdrawal
-- appends an entry holding the revision's content hash and the previous
-- entry's hash, so that anyone can check (at /ledger, or with
-- `scrutiny verify`) that no published revision was altered afterwards.
-- Entries are appended only through ledger_append(), which serialises
-- appends, and can never be changed or deleted.
create table ledger_entry (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    meeting_id bigint not null references meeting (id) on delete restrict,
    -- The record's address when the entry was made.
    slug text not null,
    event text not null check (event in ('publish', 'correct', 'withdraw', 'reinstate')),
    -- The revision published or corrected; null for a withdrawal.
    revision_number integer check ((event in ('publish', 'correct')) = (revision_number is not null)),
    -- The hash of that revision's content (for a withdrawal: of the
    -- revision withdrawn).
    content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
    -- A correction's or a withdrawal's reason; '' for a first publication.
    reason text not null default '',
    previous_hash text unique check (previous_hash ~ '^[0-9a-f]{64}$'),
    entry_hash text not null unique check (entry_hash ~ '^[0-9a-f]{64}$')
);
-- One chain: only the first entry has no previous one.
create unique index ledger_entry_one_first on ledger_entry ((previous_hash is null)) where previous_hash is null;
create index ledger_entry_meeting on ledger_entry (meeting_id, id);

-- What an entry's hash is the SHA-256 of (src/verify.rs says the same):
-- the previous hash (or ''), the time in UTC to the microsecond, the event,
-- the slug, the revision number (or ''), the content hash and the reason,
-- one a line.
create function ledger_text(previous text, at timestamptz, event text, slug text,
                            revision integer, content_hash text, reason text)
returns text language sql stable as $$
    select concat_ws(E'\n', coalesce(previous, ''),
                     to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                     event, slug, coalesce(revision::text, ''), content_hash, reason)
$$;

create function ledger_append(p_meeting bigint, p_event text, p_revision integer,
                              p_content_hash text, p_reason text, p_at timestamptz)
returns text language plpgsql as $$
declare
    previous text;
    address text;
    hash text;
begin
    -- One append at a time, so the chain never forks. (An advisory lock
    -- needs no right to change the table, which the app's role may lack.)
    perform pg_advisory_xact_lock(8231760145);
    select entry_hash into previous from ledger_entry order by id desc limit 1;
    select slug into strict address from meeting where id = p_meeting;
    hash := encode(sha256(convert_to(
        ledger_text(previous, p_at, p_event, address, p_revision, p_content_hash, p_reason), 'UTF8')), 'hex');
    insert into ledger_entry (at, meeting_id, slug, event, revision_number, content_hash, reason, previous_hash, entry_hash)
    values (p_at, p_meeting, address, p_event, p_revision, p_content_hash, p_reason, previous, hash);
    return hash;
end $$;

create function ledger_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'a ledger entry cannot be changed or deleted';
end $$;
create trigger ledger_append_only before update or delete on ledger_entry
    for each row execute function ledger_is_append_only();

-- Records published before the ledger: their revisions and withdrawals, in
-- the order they happened.
do $$
declare
    e record;
begin
    for e in
        select meeting_id, number, content_hash, coalesce(reason, '') as reason, published_at as at,
               case when number = 1 then 'publish' else 'correct' end as event, 0 as after
        from revision
        union all
        select m.id, null, (select r.content_hash from revision r where r.meeting_id = m.id order by r.number desc limit 1),
               m.withdrawn_reason, m.withdrawn_at, 'withdraw', 1
        from meeting m where m.status = 'withdrawn'
        order by at, after, meeting_id, number
    loop
        perform ledger_append(e.meeting_id, e.event, e.number, e.content_hash, e.reason, date_trunc('microseconds', e.at));
    end loop;
end $$;
