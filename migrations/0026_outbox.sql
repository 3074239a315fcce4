-- Messages to people, written in the same transaction as the change that
-- causes them, so that none is lost or sent for a change rolled back. A
-- sender claims due rows (for update skip locked, with a lease, so that
-- several instances share the work and none sends a row twice), sends them
-- over SMTP and marks them sent, or records the failure and when to try
-- again. With no SMTP server configured the rows wait, for an admin to read.
create table outbox (
    id bigint generated always as identity primary key,
    kind text not null check (kind in (
        'review_requested', 'sent_back', 'published', 'corrected', 'withdrawn'
    )),
    recipient text not null check (recipient like '%_@_%' and length(recipient) <= 254),
    subject text not null check (length(subject) between 1 and 300),
    body_text text not null,
    body_html text not null,
    meeting_id bigint references meeting (id) on delete set null,
    created_at timestamptz not null default now(),
    -- Not before: the next try after a failure.
    send_after timestamptz not null default now(),
    -- A sender holds the row until then while it sends it.
    claimed_until timestamptz,
    attempts integer not null default 0,
    last_error text,
    sent_at timestamptz
);
create index outbox_due on outbox (send_after, id) where sent_at is null;
create index outbox_created on outbox (created_at desc, id desc);

-- Each try to send a message: when, and the error if it failed.
create table outbox_attempt (
    id bigint generated always as identity primary key,
    message_id bigint not null references outbox (id) on delete cascade,
    tried_at timestamptz not null default now(),
    error text
);
create index outbox_attempt_message on outbox_attempt (message_id, tried_at);

-- The kinds of message an account has turned off on /staff/account (none
-- when null, as in an export made before this column was added).
alter table account add column notices_off text[]
    check (notices_off <@ array['review_requested', 'sent_back', 'published', 'corrected', 'withdrawn']);
