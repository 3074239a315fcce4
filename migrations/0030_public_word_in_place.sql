-- The words of public records (0022) are counted in `public_word`: each
-- publication adds one to the count of each of its words, a withdrawal or
-- correction takes one away. The index of the words that came to nothing
-- (`public_word_empty`, on `records`) made every one of those changes a
-- new row in each of the table's indexes, as PostgreSQL writes a changed
-- row in place (a "HOT" update) only when no indexed column changes. On
-- 22,000 sample records the 650 words' table held 11 MB and their trigram
-- index 38 MB, growing with every publication, so that publishing (whose
-- commit applies the counts, one at a time) and "did you mean" (which walks
-- that index) grew slower as the archive grew.
--
-- Now no index reads `records`, and each page of the table keeps room for
-- a row's next version, so a count changes in place. The words that came
-- to nothing are found among those this commit changed, by the primary key.

drop index public_word_empty;
alter table public_word set (fillfactor = 50);

create or replace function public_word_apply() returns trigger language plpgsql as $$
declare
    emptied text[];
begin
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

-- The table and its indexes written again, compact, with the room above.
create temporary table public_word_kept on commit drop as select * from public_word;
truncate public_word;
insert into public_word select * from public_word_kept order by word;
