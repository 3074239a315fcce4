-- A signed-in session names its account, so that disabling the account (or
-- an administrator resetting its password) deletes its sessions, and when it
-- signed in, so that it ends 12 hours after that however active it is. The
-- app's session store fills both from the session's data.
--
-- Sessions from before carry neither, so they end here: everyone signs in
-- again once after this upgrade.
delete from session;
alter table session
    add column account_id bigint references account (id) on delete cascade,
    add column signed_in_at timestamptz;
create index session_account on session (account_id) where account_id is not null;

-- Sign-in attempts older than the throttling window are swept by time.
create index sign_in_attempt_at on sign_in_attempt (at);
