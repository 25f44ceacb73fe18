-- Queues and flow control (issue 21): each task's queue, the queues' limits, the workspace's pause, and the starts
-- a rate counts.

-- Each task's queue, from its definition (Task.queueName(), written with every insert): what a limit is counted by.
-- Rows written before queues existed are given theirs here, by the same rule as it stood then: the task's own queue,
-- else 'llm' for a prompt grind (a prompt and no command), else 'default'. Adding the column with a default rewrites
-- nothing; the default is dropped at once, so that a row written without a queue is refused, not misfiled.
ALTER TABLE vivarium_task ADD COLUMN queue text NOT NULL DEFAULT 'default';
UPDATE vivarium_task
   SET queue = coalesce(nullif(btrim(definition->>'queue'), ''),
                        CASE WHEN definition->>'command' IS NULL AND definition->>'prompt' IS NOT NULL
                             THEN 'llm' ELSE 'default' END)
 WHERE definition->>'queue' IS NOT NULL OR (definition->>'command' IS NULL AND definition->>'prompt' IS NOT NULL);
ALTER TABLE vivarium_task ALTER COLUMN queue DROP DEFAULT;

-- The limits of each queue that has any (FlowSettings: a queue without limits has no row).
CREATE TABLE vivarium_queue (
    name           text PRIMARY KEY,
    concurrency    integer CHECK (concurrency > 0),
    rate_starts    integer CHECK (rate_starts > 0),
    rate_period_ms bigint CHECK (rate_period_ms > 0),
    paused         boolean NOT NULL DEFAULT false,
    CHECK ((rate_starts IS NULL) = (rate_period_ms IS NULL))
);

-- On the state row that every commit already reads: the workspace's pause, and whether any flow setting is set at all
-- (the pause or a row above), so that a claim with none set pays nothing for them.
ALTER TABLE vivarium_state
    ADD COLUMN paused boolean NOT NULL DEFAULT false,
    ADD COLUMN flow_active boolean NOT NULL DEFAULT false;

-- The starts of each rate-limited queue within the longest period a rate may have (a day): a run entry keeps only
-- its latest start, so a retried task's earlier ones would be lost. Written by the claims that start its tasks,
-- seeded from the run entries when the queue gets its rate, pruned by the claims.
CREATE TABLE vivarium_queue_start (
    queue      text NOT NULL,
    started_at timestamptz NOT NULL
);
CREATE INDEX vivarium_queue_start_queue ON vivarium_queue_start (queue, started_at);
