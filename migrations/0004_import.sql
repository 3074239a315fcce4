-- Imported notes: text the importer could not place is kept on the draft,
-- flagged, for a person to move; it blocks sending the record to the PCC
-- until it is cleared.
alter table meeting add column unplaced_text text not null default '';

-- An uploaded file read and previewed, waiting for the person to confirm.
create table pending_import (
    id bigint generated always as identity primary key,
    account_id bigint not null references account (id) on delete cascade,
    file_name text not null,
    source text not null,
    created_at timestamptz not null default now()
);
