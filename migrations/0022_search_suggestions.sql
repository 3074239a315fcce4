-- Search, issue 14: "did you mean", and a `-word` that leaves out every
-- record with the word anywhere in its public text.
--
-- - `public_word`: every word of the records the public may read (topic,
--   questions, evidence, rationales, actions as agreed), with how many
--   records use it, its English stem, and a trigram index (pg_trgm), so that
--   a misspelt word's nearest real word is one index lookup however large
--   the archive. A word no public record uses any more (its record withdrawn
--   or corrected) is deleted.
-- - `public_record.words`: the words of each record, so that the counts can
--   be taken away when the record's row goes.
-- - `public_record.other_words`: the rest of the record's public text
--   (kind, place, introduction, attendance, document titles, and the
--   progress noted on its actions since publication, which is live: a note
--   rebuilds the record's kept rows at commit, as a publication does), which
--   search does not find records by (names would match every record) but
--   which a `-word` must still leave out.
-- - `public_search_query(words, excluded)`: the query searched: the words
--   as web search syntax and none of the excluded ones, wherever they are in
--   the query (websearch_to_tsquery alone reads `a or b -c` as `a or (b and
--   not c)`).
--
-- The counts are kept as the tallies of 0016 are: each change is written
-- down as it happens (`public_word_change`, rows only added) and applied at
-- commit, word by word in order, so two publications sharing words never
-- wait for each other in a circle.

create extension if not exists pg_trgm;

alter table public_record add column words text[] not null default '{}';
alter table public_record add column other_words tsvector not null default '';

create table public_word (
    word text primary key,
    stem text not null,
    records integer not null
);
create index public_word_trigram on public_word using gist (word gist_trgm_ops);
create index public_word_stem on public_word (stem);
create index public_word_empty on public_word (word) where records = 0;

create table public_word_change (
    words text[] not null,
    records integer not null
);

create function public_search_query(words text, excluded text) returns tsquery
language sql immutable parallel safe as $$
    select case when excluded = '' then websearch_to_tsquery('english', words)
                else websearch_to_tsquery('english', words) && !! websearch_to_tsquery('english', excluded)
           end
$$;

-- The words of a revision that search finds it by, lower case, three
-- letters or more, without the words too common to search ("the", "which").
create function public_words(content jsonb, topic text, actions text[]) returns text[]
language sql immutable parallel safe as $$
    select coalesce(array_agg(w order by w), '{}')
    from unnest(tsvector_to_array(
             to_tsvector('simple', topic)
             || jsonb_to_tsvector('simple', jsonb_path_query_array(content, 'strict $.questions[*].*.**.paragraphs[*]'), '["string"]')
             || jsonb_to_tsvector('simple', jsonb_path_query_array(content, 'lax $.questions[*].decision.rationale'), '["string"]')
             || to_tsvector('simple', array_to_string(actions, ' ')))) w
    where w ~ '^[[:alpha:]]{3,}$' and to_tsvector('english', w) <> ''::tsvector
$$;

-- The rest of a revision's public text, for `-word`: what its content
-- holds, and the progress noted on the actions it agreed.
create function public_other_words(content jsonb, revision bigint) returns tsvector
language sql stable parallel safe as $$
    select jsonb_to_tsvector('english',
               jsonb_build_array(content->'kind', content->'place', content->'introduction')
               || jsonb_path_query_array(content, 'lax $.attendees[*].*')
               || jsonb_path_query_array(content, 'lax $.apologies[*].*')
               || jsonb_path_query_array(content, 'lax $.documents[*].title'),
               '["string"]')
           || coalesce((select to_tsvector('english', string_agg(n.note, ' / ' order by n.id))
                        from revision_action ra join action_progress n on n.action_id = ra.action_id
                        where ra.revision_id = revision), '')
$$;

create or replace function public_record_refresh(record bigint) returns void language plpgsql as $$
begin
    if not exists (select 1 from public_record where meeting_id = record)
       and not exists (select 1 from public_revision where meeting_id = record) then
        return;
    end if;
    delete from public_record where meeting_id = record;
    insert into public_record (meeting_id, revision_id, slug, number, topic, topic_slug, held_on,
                               published_at, first_published_at, decisions, search, imported,
                               words, other_words)
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
           public_other_words(p.content, p.id)
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

create function public_word_on_record() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') and old.words <> '{}' then
        insert into public_word_change values (old.words, -1);
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.words <> '{}' then
        insert into public_word_change values (new.words, 1);
    end if;
    return null;
end $$;
create trigger public_word_on_record after insert or delete or update of words on public_record
    for each row execute function public_word_on_record();

-- Progress noted on an action: its record's kept rows are made again at
-- commit (0017), with the note's words.
create function public_record_on_progress() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform public_record_mark(a.meeting_id) from action a where a.id = old.action_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform public_record_mark(a.meeting_id) from action a where a.id = new.action_id;
    end if;
    return null;
end $$;
create trigger public_record_on_progress after insert or update or delete on action_progress
    for each row execute function public_record_on_progress();

-- At commit: this transaction's changes, added up, applied in word order.
-- (As with the tallies, the first call clears the table; later ones find
-- nothing.)
create function public_word_apply() returns trigger language plpgsql as $$
begin
    with change as (delete from public_word_change returning *),
    summed as (
        select w, sum(c.records)::int as n from change c cross join unnest(c.words) w group by w
    )
    insert into public_word as x (word, stem, records)
    select w, coalesce((tsvector_to_array(to_tsvector('english', w)))[1], w), n
    from summed where n <> 0 order by w
    on conflict (word) do update set records = x.records + excluded.records;
    delete from public_word where records = 0;
    return null;
end $$;
create constraint trigger public_word_apply after insert on public_word_change
    deferrable initially deferred for each row execute function public_word_apply();

-- The records already kept: their words, counted at the commit of this
-- migration.
update public_record p
set words = public_words(r.content, r.topic,
                         array(select x.body from revision_action x where x.revision_id = r.id)),
    other_words = public_other_words(r.content, r.id)
from revision r where r.id = p.revision_id;
