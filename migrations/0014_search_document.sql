-- What search reads: one row per record the public may read (published,
-- not withdrawn), with the words of its current revision and of the actions
-- that revision agreed, in one GIN-indexed vector. Search read every
-- revision ever published, and for each one looked up its actions, so one
-- query cost more with every record and every correction; now it is one
-- index probe over current records only. Triggers keep it, so every writer
-- (publication, correction, withdrawal, reinstatement, restore) keeps it
-- right; it holds nothing of its own and is never exported.

create aggregate tsvector_cat(tsvector) (sfunc = tsvector_concat, stype = tsvector, initcond = '');

create table search_document (
    meeting_id bigint primary key references meeting (id) on delete cascade,
    revision_id bigint not null references revision (id),
    held_on date not null,
    topic_slug text not null,
    search tsvector not null
);
create index search_document_search on search_document using gin (search);
create index search_document_held_on on search_document (held_on desc, meeting_id);

-- The row of record `record`, as the public may read it now (or none).
create function search_document_refresh(record bigint) returns void language sql as $$
    delete from search_document where meeting_id = record;
    insert into search_document (meeting_id, revision_id, held_on, topic_slug, search)
    select p.meeting_id, p.id, p.held_on, p.topic_slug,
           r.search || coalesce((select tsvector_cat(x.search order by x.number)
                                 from revision_action x where x.revision_id = p.id), '')
    from public_revision p join revision r on r.id = p.id
    where p.meeting_id = record;
$$;

create function search_document_on_meeting() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' or old.status is distinct from new.status
       or old.current_revision_id is distinct from new.current_revision_id then
        perform search_document_refresh(new.id);
    end if;
    return null;
end $$;
create trigger search_document_on_meeting after insert or update on meeting
    for each row execute function search_document_on_meeting();

create function search_document_on_revision() returns trigger language plpgsql as $$
begin
    perform search_document_refresh(new.meeting_id);
    return null;
end $$;
create trigger search_document_on_revision after insert on revision
    for each row execute function search_document_on_revision();

create function search_document_on_revision_action() returns trigger language plpgsql as $$
begin
    perform search_document_refresh((select meeting_id from revision where id = new.revision_id));
    return null;
end $$;
create trigger search_document_on_revision_action after insert on revision_action
    for each row execute function search_document_on_revision_action();

select search_document_refresh(id) from meeting where current_revision_id is not null;
