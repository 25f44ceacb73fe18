-- A keyed add looks for an unfinished task holding its key (Definitions: pending or running, definition->>'key').
-- Without an index that read every pending and running row of the queue on each keyed add; only the rows that hold
-- a key and are unfinished are indexed, so a queue of plain tasks pays nothing for it.
CREATE INDEX vivarium_task_unfinished_key ON vivarium_task ((definition ->> 'key'))
    WHERE status IN ('pending', 'in_progress') AND (definition ->> 'key') IS NOT NULL;
