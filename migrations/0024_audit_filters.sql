-- The audit log is read newest first, filtered by a range of dates or by
-- nothing (by record and by account, audit_log_meeting and
-- audit_log_account serve): an index in that order, so that a page of it
-- is an index range whatever the log's size.
create index audit_log_at on audit_log (at desc, id desc);
