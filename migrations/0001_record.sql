-- The scrutiny record (DESIGN.md, "The record"). The database enforces its
-- own rules: foreign keys, checked statuses and values, unique slugs.

create table account (
    id bigint generated always as identity primary key,
    email text not null,
    name text not null default '',
    role text not null check (role in ('staff', 'pcc', 'admin')),
    password_hash text not null,
    must_change_password boolean not null default false,
    disabled_at timestamptz,
    created_at timestamptz not null default now(),
    check (email = lower(email) and email like '%_@_%' and length(email) <= 254)
);
create unique index account_email_key on account (email);

create table meeting (
    id bigint generated always as identity primary key,
    slug text not null unique
        check (slug ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 120),
    topic text not null check (length(topic) between 1 and 200),
    held_on date not null,
    starts_at time,
    place text not null default '',
    kind text not null default 'Scrutiny meeting',
    introduction text not null default '',
    status text not null default 'draft'
        check (status in ('draft', 'in_review', 'published', 'withdrawn')),
    review_comment text not null default '',
    withdrawn_at timestamptz,
    withdrawn_reason text,
    -- Optimistic locking: every save names the version it edits.
    version integer not null default 1,
    created_by bigint references account (id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((status = 'withdrawn') = (withdrawn_at is not null and withdrawn_reason is not null))
);
create index meeting_status_held_on on meeting (status, held_on desc);

create table attendee (
    id bigint generated always as identity primary key,
    meeting_id bigint not null references meeting (id) on delete cascade,
    position integer not null check (position >= 1),
    name text not null check (length(name) between 1 and 200),
    role text not null default '',
    present boolean not null default true,
    unique (meeting_id, present, position)
);

create table question (
    id bigint generated always as identity primary key,
    meeting_id bigint not null references meeting (id) on delete cascade,
    position integer not null check (position >= 1),
    -- The question as an outline (src/domain/outline.rs), canonical text.
    body text not null,
    version integer not null default 1,
    unique (meeting_id, position) deferrable initially immediate
);

-- Evidence: an ordered tree of bullets under each question, any depth.
create table evidence (
    id bigint generated always as identity primary key,
    question_id bigint not null references question (id) on delete cascade,
    parent_id bigint references evidence (id) on delete cascade,
    position integer not null check (position >= 1),
    marker text not null default 'bullet' check (marker in ('bullet', 'numbered', 'plain')),
    paragraphs text[] not null check (cardinality(paragraphs) >= 1)
);
create unique index evidence_sibling_position
    on evidence (question_id, coalesce(parent_id, 0), position);

create table decision (
    question_id bigint primary key references question (id) on delete cascade,
    value text not null check (value in ('assured', 'partly_assured', 'not_assured')),
    rationale text not null default '',
    decided_by bigint references account (id),
    decided_at timestamptz not null default now()
);

create table action (
    id bigint generated always as identity primary key,
    meeting_id bigint not null references meeting (id) on delete cascade,
    number integer not null check (number >= 1),
    body text not null check (length(body) >= 1),
    owner text not null default '',
    due_on date,
    status text not null default 'open'
        check (status in ('open', 'in_progress', 'done', 'carried_forward')),
    -- A "re-visit" action puts its topic on the forward plan at its due date.
    revisit_topic text,
    follow_up_meeting_id bigint references meeting (id) on delete set null,
    version integer not null default 1,
    unique (meeting_id, number)
);

create table action_progress (
    id bigint generated always as identity primary key,
    action_id bigint not null references action (id) on delete cascade,
    noted_on date not null,
    note text not null check (length(note) >= 1),
    created_by bigint references account (id),
    created_at timestamptz not null default now()
);

create table document (
    id bigint generated always as identity primary key,
    meeting_id bigint not null references meeting (id) on delete cascade,
    question_id bigint references question (id) on delete cascade,
    title text not null check (length(title) between 1 and 300),
    url text,
    file_name text,
    content_type text,
    content bytea,
    byte_size bigint,
    sha256 text,
    created_at timestamptz not null default now(),
    check (
        (url is not null and content is null)
        or (url is null and content is not null and file_name is not null
            and content_type is not null and byte_size = length(content))
    )
);

-- Each publication freezes an immutable public revision of the record.
create table revision (
    id bigint generated always as identity primary key,
    meeting_id bigint not null references meeting (id) on delete restrict,
    number integer not null check (number >= 1),
    published_at timestamptz not null default now(),
    published_by bigint references account (id),
    -- Why a correction was made; null for the first publication.
    reason text,
    -- Copied from the record so lists and filters read revisions alone.
    topic text not null,
    topic_slug text not null,
    held_on date not null,
    content jsonb not null,
    content_hash text not null check (content_hash ~ '^[0-9a-f]{64}$'),
    unique (meeting_id, number),
    check ((number = 1) = (reason is null))
);
create index revision_held_on on revision (held_on desc);

-- What the public may see: the latest revision of every record that has been
-- published and not withdrawn. While a correction is drafted or reviewed the
-- record's live rows change, but this stays the last published revision.
-- Every public page reads this view, never the tables staff edit.
create view public_revision as
select distinct on (r.meeting_id)
    r.id, r.meeting_id, m.slug, r.number, r.published_at, r.reason,
    r.topic, r.topic_slug, r.held_on, r.content, r.content_hash
from revision r
join meeting m on m.id = r.meeting_id
where m.status <> 'withdrawn'
order by r.meeting_id, r.number desc;

create function revision_is_immutable() returns trigger language plpgsql as $$
begin
    raise exception 'a published revision cannot be changed or deleted';
end $$;
create trigger revision_immutable before update or delete on revision
    for each row execute function revision_is_immutable();

create table audit_log (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    account_id bigint references account (id),
    meeting_id bigint references meeting (id) on delete set null,
    action text not null,
    entity text not null,
    entity_id bigint,
    before jsonb,
    after jsonb
);
create index audit_log_meeting on audit_log (meeting_id, at desc);
create index audit_log_account on audit_log (account_id, at desc);
