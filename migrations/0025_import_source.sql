-- The SHA-256 of the notes a record was imported from (hexadecimal, of the
-- text read), so that importing the same notes again, such as a folder
-- imported a second time, creates nothing.
alter table meeting add column imported_sha256 text
    check (imported_sha256 ~ '^[0-9a-f]{64}$');
create index meeting_imported_sha256 on meeting (imported_sha256) where imported_sha256 is not null;
