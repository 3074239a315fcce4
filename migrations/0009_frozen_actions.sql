-- Publication freezes the actions as agreed, keeps every published document,
-- and the forward plan gets a publish step of its own. Before this, actions,
-- documents and plan entries were read live: staff text reached the public
-- without the PCC.

-- The actions of each revision as the PCC published them: number, text,
-- owner, due date and re-visit topic. The same as the `actions` of the
-- revision's content (which the content hash covers), kept as rows so that
-- the list of actions, search and the forward plan read them by index. Only
-- an action's status and progress notes stay live, on `action`.
create table revision_action (
    revision_id bigint not null references revision (id) on delete restrict,
    meeting_id bigint not null references meeting (id) on delete restrict,
    number integer not null check (number >= 1),
    -- The staff's row, whose status and progress the public page shows
    -- beside the agreed text; it cannot be deleted while a revision lists it.
    action_id bigint not null references action (id) on delete restrict,
    body text not null,
    owner text not null,
    due_on date,
    revisit_topic text,
    search tsvector generated always as (
        setweight(to_tsvector('english', body), 'B') || setweight(to_tsvector('english', owner), 'D')
    ) stored,
    primary key (revision_id, number)
);
create index revision_action_action on revision_action (action_id);
create index revision_action_meeting on revision_action (meeting_id);
create index revision_action_search on revision_action using gin (search);
create trigger revision_action_immutable before update or delete on revision_action
    for each row execute function revision_is_immutable();

-- Revisions published before this migration did not freeze their actions:
-- the actions as they stand now are taken as those agreed in each record's
-- latest revision. Earlier revisions list none.
insert into revision_action (revision_id, meeting_id, number, action_id, body, owner, due_on, revisit_topic)
select r.id, a.meeting_id, a.number, a.id, a.body, a.owner, a.due_on, a.revisit_topic
from (select distinct on (meeting_id) id, meeting_id from revision order by meeting_id, number desc) r
join action a on a.meeting_id = r.meeting_id;

-- Search reads the frozen text now, not the staff's rows.
drop index action_search;
alter table action drop column search;

-- An action a revision lists is never deleted: a draft removes it (it has no
-- number then, and leaves the draft), and the public keeps seeing it, with
-- its status and progress, until the PCC publishes the draft.
alter table action
    add column removed boolean not null default false,
    add column status_changed_at timestamptz,
    alter column number drop not null,
    add constraint action_removed_has_no_number check (removed = (number is null));

-- Likewise a document: a draft removes it, and its file is kept and served
-- for as long as any revision lists it, also when the draft deletes the
-- question it was attached to (the question's other documents go with it).
alter table document
    add column removed boolean not null default false,
    drop constraint document_question_id_fkey,
    add constraint document_question_id_fkey
        foreign key (question_id) references question (id) on delete set null;

-- A forward-plan entry is public only once published, as it was published:
-- staff edit `topic`, `planned_on` and `note`; publishing copies them.
alter table forward_plan
    add column published_topic text,
    add column published_on date,
    add column published_note text,
    add column published_at timestamptz,
    add constraint forward_plan_published_whole check (
        (published_at is null) = (published_topic is null)
        and (published_at is null) = (published_on is null)
        and (published_at is null) = (published_note is null));
-- Entries saved before this migration were public as soon as they were
-- saved; they stay public as they are.
update forward_plan
set published_topic = topic, published_on = planned_on, published_note = note, published_at = updated_at;
create index forward_plan_published_on on forward_plan (published_on) where published_at is not null;
