-- Truthful dates (issue 10).
--
-- An imported record keeps when it was imported and, if known, the date on
-- which its original notes were first published: a record imported today
-- from notes of 2024 must not read as published today. Both are null for a
-- record written in the app; `original_published_on` is null also when the
-- person importing did not know the date.
alter table meeting add column imported_at timestamptz;
alter table meeting add column original_published_on date;
alter table meeting add constraint meeting_original_published_on_imported
    check (original_published_on is null or imported_at is not null);

-- A decision taken from imported notes was not made in the app, so it has
-- no time of its own: `decided_at` is null, and the record says the decision
-- is as recorded in the original notes of the meeting. A decision the PCC
-- records in the app keeps its time (the default).
alter table decision alter column decided_at drop not null;

-- Reinstatement needs no column of its own: a reinstated record is
-- 'published' again (its withdrawal columns cleared, as the check of 0001
-- requires), and every withdrawal and reinstatement, with its date and
-- reason, is an entry of the ledger (0008 allows the event 'reinstate'),
-- which the record's page and its notice read.
