-- Spend control. Amounts are whole micro-dollars (bigint), the meter's unit, so that sums are exact.

-- Each task's cap, from its definition: what a claim reserves, and what the claim query compares with the room left.
ALTER TABLE vivarium_task ADD COLUMN max_budget bigint;
UPDATE vivarium_task SET max_budget = round((definition->>'max_budget')::numeric * 1000000)::bigint;
ALTER TABLE vivarium_task ALTER COLUMN max_budget SET NOT NULL;
-- Whether any runnable task is too big for the room left, without walking every pending task.
CREATE INDEX vivarium_task_pending_budget ON vivarium_task (max_budget) WHERE status = 'pending';

-- The ledger, on the one state row that every change already updates: the limit kept in the store (null: none),
-- every settled charge since the queue was last cleared, and the caps of the running claims.
ALTER TABLE vivarium_state
    ADD COLUMN spend_limit bigint CHECK (spend_limit >= 0),
    ADD COLUMN spent bigint NOT NULL DEFAULT 0 CHECK (spent >= 0),
    ADD COLUMN reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0);

-- Spend by UTC day, for the cost report; it adds up to vivarium_state.spent.
CREATE TABLE vivarium_spend_day (
    day   date PRIMARY KEY,
    spent bigint NOT NULL
);

-- What the rows already hold: an entry written before spend was kept counts its last attempt's cost (as the task
-- model reads such an entry), on the day of this migration; each running task holds its cap.
UPDATE vivarium_state SET
    spent = (SELECT coalesce(sum(round(coalesce((run->>'spent')::numeric, budget_used::numeric) * 1000000)), 0)::bigint
               FROM vivarium_task WHERE run IS NOT NULL),
    reserved = (SELECT coalesce(sum(max_budget), 0) FROM vivarium_task WHERE status = 'in_progress');
INSERT INTO vivarium_spend_day (day, spent)
SELECT (now() AT TIME ZONE 'UTC')::date, spent FROM vivarium_state WHERE spent > 0;
