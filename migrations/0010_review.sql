-- What the PCC reviews against: the record as they last saw it, and the
-- question each decision was made on.

-- The record as the PCC saw it when they sent it back to draft (the JSON of
-- a revision's content, not published), so that the next review marks what
-- changed since. Cleared when a correction starts: a correction is compared
-- with the revision it corrects.
alter table meeting add column reviewed_content jsonb;

-- The question's version, text and evidence when the decision was made (or
-- last confirmed). A decision whose question changed since must be
-- confirmed, or changed, before the record is published.
alter table decision
    add column question_version integer,
    add column question_body text,
    add column question_evidence text;

-- Decisions made before this migration are taken as made on their
-- question as it stands, so that none needs confirming on the day.
update decision d
set question_version = q.version, question_body = q.body, question_evidence = q.evidence_text
from question q
where q.id = d.question_id;

alter table decision
    alter column question_version set not null,
    alter column question_body set not null,
    alter column question_evidence set not null;
