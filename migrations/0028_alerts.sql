-- Email alerts for the public: someone asks for alerts on a topic (or on
-- every record) with their address, confirms by a link sent to it (double
-- opt-in), and is then told of each record published, corrected or
-- withdrawn on it, until they stop the alerts with the link in each one.
--
-- An address is personal data: it is kept only while its alerts are
-- wanted (deleted, with every message to it, when they are stopped), an
-- unconfirmed request is deleted after a week, and it is exported only
-- `--with-secrets`.
create table alert_subscription (
    id bigint generated always as identity primary key,
    email text not null check (email like '%_@_%' and length(email) <= 254 and email = lower(email)),
    -- The topic's address (`stalking`), or null for every record.
    topic_slug text check (length(topic_slug) between 1 and 200),
    -- The topic as it was named when asked for, for the messages.
    topic text check (length(topic) between 1 and 200),
    requested_at timestamptz not null default now(),
    confirmed_at timestamptz
);
create unique index alert_subscription_once on alert_subscription (email, coalesce(topic_slug, ''));
create index alert_subscription_topic on alert_subscription (topic_slug) where confirmed_at is not null;

-- The links' tokens, random, kept only as their SHA-256: one to confirm
-- (the newest request's), one to stop the alerts in each message sent.
create table alert_token (
    hash bytea primary key check (length(hash) = 32),
    subscription_id bigint not null references alert_subscription (id) on delete cascade,
    purpose text not null check (purpose in ('confirm', 'unsubscribe')),
    created_at timestamptz not null default now()
);
create index alert_token_subscription on alert_token (subscription_id);

-- Requests for alerts in the last day, for their limits: per client
-- address and per email address (kept as its SHA-256 in hex).
create table alert_request (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    address text not null,
    email_hash text not null
);
create index alert_request_address on alert_request (address, at);
create index alert_request_email on alert_request (email_hash, at);

-- Messages to a subscriber go with their subscription, and the outbox
-- says where to stop them (RFC 8058's List-Unsubscribe).
alter table outbox add column subscription_id bigint references alert_subscription (id) on delete cascade;
alter table outbox add column unsubscribe_url text;
create index outbox_subscription on outbox (subscription_id) where subscription_id is not null;
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check check (kind in (
    'review_requested', 'sent_back', 'published', 'corrected', 'withdrawn', 'action_digest',
    'alert_confirm', 'alert'
));
