-- Sign-in sessions live in PostgreSQL, so several app instances can serve
-- one site with no sticky sessions.
create table session (
    id text primary key,
    data jsonb not null,
    expires_at timestamptz not null
);
create index session_expires_at on session (expires_at);

-- Sign-in attempts, for throttling: recent failures per account and address.
create table sign_in_attempt (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    email text not null,
    address text not null,
    succeeded boolean not null
);
create index sign_in_attempt_email on sign_in_attempt (email, at desc);
create index sign_in_attempt_address on sign_in_attempt (address, at desc);
