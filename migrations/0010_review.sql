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

-- A decision written without them (a restore of an export made before this
-- migration, or a statement by hand) is taken as made on its question as it
-- stands. They stay null only for a question that does not exist, which the
-- foreign key then refuses.
create function decision_on_question() returns trigger language plpgsql as $$
begin
    if new.question_version is null then
        select q.version, q.body, q.evidence_text
        into new.question_version, new.question_body, new.question_evidence
        from question q where q.id = new.question_id;
    end if;
    return new;
end $$;
create trigger decision_on_question before insert on decision
    for each row execute function decision_on_question();

-- Decisions made before this migration likewise, so that none needs
-- confirming on the day.
update decision d
set question_version = q.version, question_body = q.body, question_evidence = q.evidence_text
from question q
where q.id = d.question_id;
