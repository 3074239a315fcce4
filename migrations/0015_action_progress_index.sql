-- An action's progress notes, found by key. Reading an action's notes (the
-- editor's action page and every save of an action, the public record and
-- `/actions`, once for each action shown) scanned every note of every
-- action, so each cost more as the archive grew.
create index action_progress_action on action_progress (action_id, noted_on, id);
