-- Sign-in throttling counts a guess before its password is checked, and
-- does so atomically: under one advisory lock for the account and one for
-- the address (always taken in that order), the recent failures of each
-- are counted and, below the limit, the attempt is stored as a failure
-- (a sign-in that then succeeds marks it so). A hundred guesses sent at
-- once therefore get exactly `max_failures` password checks, never more.
--
-- Returns the stored attempt's id, or null when the account or the address
-- has reached the limit. Each statement of a plpgsql function reads a new
-- snapshot, so the counts see every attempt committed by the lock's
-- previous holder.
create function sign_in_attempt_begin(
    attempt_email text,
    attempt_address text,
    window_minutes integer,
    max_failures integer
) returns bigint
language plpgsql
as $$
declare
    since timestamptz := clock_timestamp() - make_interval(mins => window_minutes);
    attempt bigint;
begin
    perform pg_advisory_xact_lock(hashtextextended('sign-in account ' || attempt_email, 0));
    perform pg_advisory_xact_lock(hashtextextended('sign-in address ' || attempt_address, 0));
    if (select count(*) from sign_in_attempt
        where email = attempt_email and not succeeded and at > since) >= max_failures
       or (select count(*) from sign_in_attempt
           where address = attempt_address and not succeeded and at > since) >= max_failures then
        return null;
    end if;
    insert into sign_in_attempt (email, address, succeeded, at)
    values (attempt_email, attempt_address, false, clock_timestamp())
    returning id into attempt;
    return attempt;
end
$$;
