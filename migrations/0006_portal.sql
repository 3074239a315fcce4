-- The public portal: full-text search over published revisions and the
-- actions of published records, and the forward plan staff keep.

-- What search reads of a frozen revision: its topic (weight A), the question
-- text and the decision rationales (B), and the evidence (C). Only people's
-- words: not slugs, codes, markers or names, which would match every record.
alter table revision add column search tsvector generated always as (
    setweight(to_tsvector('english', topic), 'A')
    || setweight(jsonb_to_tsvector('english',
           jsonb_path_query_array(content, 'strict $.questions[*].text.**.paragraphs[*]'), '["string"]'), 'B')
    || setweight(jsonb_to_tsvector('english',
           jsonb_path_query_array(content, 'lax $.questions[*].decision.rationale'), '["string"]'), 'B')
    || setweight(jsonb_to_tsvector('english',
           jsonb_path_query_array(content, 'strict $.questions[*].evidence.**.paragraphs[*]'), '["string"]'), 'C')
) stored;
create index revision_search on revision using gin (search);

-- Actions are live (not frozen in a revision); search finds them by their
-- text, and less strongly by their owner.
alter table action add column search tsvector generated always as (
    setweight(to_tsvector('english', body), 'B') || setweight(to_tsvector('english', owner), 'D')
) stored;
create index action_search on action using gin (search);

-- The forward plan: topics the PCC means to scrutinise, and when. Staff keep
-- it; the public reads it (with the re-visit actions of published records).
create table forward_plan (
    id bigint generated always as identity primary key,
    topic text not null check (length(topic) between 1 and 200),
    planned_on date not null,
    note text not null default '' check (length(note) <= 2000),
    -- Optimistic locking, as for the record.
    version integer not null default 1,
    created_by bigint references account (id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index forward_plan_planned_on on forward_plan (planned_on);
