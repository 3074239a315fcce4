-- Load-test data: 999 more published records, copied from the demo record
-- (so the database must hold the demo, as a new `scrutiny serve` data dir
-- does), over ten topics and about eight years, each with one action.
-- Not used by the tests; see "Load test" in README.md.
--
--   psql -v ON_ERROR_STOP=1 -h DATA_DIR/run -U postgres -d scrutiny -f tests/load/generate.sql

begin;

create temporary table load_meeting on commit drop as
select g,
       t.name as topic,
       lower(regexp_replace(t.name, '[^A-Za-z0-9]+', '-', 'g')) as topic_slug,
       date '2016-01-04' + g * 3 as held_on
from generate_series(1, 999) g
cross join lateral (
    select (array['Stalking', 'Burglary', 'Road Safety', 'Domestic Abuse', 'Rural Crime', 'Knife Crime',
                  'Drugs', 'Anti-social Behaviour', 'Fraud', 'Hate Crime'])[1 + g % 10] as name
) t;

insert into meeting (slug, topic, held_on, kind, status)
select to_char(held_on, 'YYYY-MM-DD') || '-' || topic_slug || '-' || g, topic, held_on, 'Scrutiny meeting', 'published'
from load_meeting;

insert into revision (meeting_id, number, topic, topic_slug, held_on, content, content_hash)
select m.id, 1, m.topic, l.topic_slug, m.held_on,
       jsonb_set(jsonb_set(jsonb_set(demo.content, '{slug}', to_jsonb(m.slug)),
                           '{topic}', to_jsonb(m.topic)), '{held_on}', to_jsonb(m.held_on::text)),
       encode(sha256(convert_to(m.slug, 'UTF8')), 'hex')
from load_meeting l
join meeting m on m.slug = to_char(l.held_on, 'YYYY-MM-DD') || '-' || l.topic_slug || '-' || l.g
cross join (select content from revision order by id limit 1) demo;

insert into action (meeting_id, number, body, owner, due_on, status)
select m.id, 1, 'Report back on ' || m.topic || ' in a year.', 'Chief Inspector', m.held_on + 365,
       (array['open', 'in_progress', 'done', 'carried_forward'])[1 + m.id % 4]
from meeting m where not exists (select 1 from action a where a.meeting_id = m.id);

commit;

select count(*) as published_records from public_revision;
