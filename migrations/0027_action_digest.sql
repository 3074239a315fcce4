-- The daily digest of actions due within 14 days or overdue: a message
-- kind of its own, and the days a digest was made (once a day, whichever
-- instance comes first; see web::notify::action_digest).
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check check (kind in (
    'review_requested', 'sent_back', 'published', 'corrected', 'withdrawn', 'action_digest'
));
alter table account drop constraint account_notices_off_check;
alter table account add constraint account_notices_off_check check (notices_off <@ array[
    'review_requested', 'sent_back', 'published', 'corrected', 'withdrawn', 'action_digest'
]);

create table digest_day (
    day date primary key,
    made_at timestamptz not null default now(),
    messages integer not null default 0
);
