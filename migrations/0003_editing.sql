-- The question text and evidence exactly as staff typed them, so the editor
-- shows back what was written; the evidence tree is parsed from it.
alter table question add column evidence_text text not null default '';

-- Deleting an action renumbers the ones after it in one statement.
alter table action
    drop constraint action_meeting_id_number_key,
    add constraint action_meeting_id_number_key unique (meeting_id, number) deferrable initially immediate;
