-- The queue: one row per task, in queue order (seq). The definition is a queue.json task and the run a
-- execution_log.json entry, written and read by the same JSON mapper as the files. They are json, not jsonb:
-- json keeps the text as written, so fields the running version does not know come back in their order and the
-- API answers byte for byte as it does over files. No query looks inside them; the columns below carry what the
-- queries need, written from the same objects in the same statement.
CREATE TABLE vivarium_task (
    seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               text NOT NULL UNIQUE,
    definition       json NOT NULL,
    run              json,
    -- When the task's run entry was first written: the entry order of execution_log.json.
    logged           bigint,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'in_progress', 'completed', 'failed', 'blocked', 'cancelled')),
    priority         smallint NOT NULL,
    depends_on       text[] NOT NULL DEFAULT '{}',
    description      text,
    not_before       timestamptz,
    budget_used      double precision NOT NULL DEFAULT 0,
    -- The claim, while the task is in progress: fence names this claim and no other (from vivarium_fence, never
    -- reused); owner_key is the advisory lock its store instance holds for as long as its session lives.
    fence            bigint,
    owner_key        integer,
    worker_id        text,
    claim_pid        bigint,
    claim_host       text,
    claimed_at       timestamptz,
    heartbeat_at     timestamptz,
    grind_pid        bigint,
    grind_started_at timestamptz
);

-- What a claim scans: pending tasks in priority, then queue, order.
CREATE INDEX vivarium_task_pending ON vivarium_task (priority, seq) WHERE status = 'pending';
-- When the next backoff ends.
CREATE INDEX vivarium_task_backoff ON vivarium_task (not_before) WHERE status = 'pending' AND not_before IS NOT NULL;
-- Listing by state (claims, failed tasks to retry, the API's filter).
CREATE INDEX vivarium_task_status ON vivarium_task (status, seq);
-- Who depends on a task that failed, was cancelled or was retried; tasks without dependencies stay out of it.
CREATE INDEX vivarium_task_dependents ON vivarium_task USING gin (depends_on) WHERE depends_on <> '{}';

CREATE SEQUENCE vivarium_fence;
CREATE SEQUENCE vivarium_logged;
CREATE SEQUENCE vivarium_owner AS integer CYCLE;

-- One row: a counter that every committed change increments (workers wait on it, notified through
-- LISTEN vivarium_changes).
CREATE TABLE vivarium_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version   bigint NOT NULL DEFAULT 0
);
INSERT INTO vivarium_state DEFAULT VALUES;
