-- How many of a task's dependencies have not completed (a missing one never does): what the claim reads instead of
-- counting, for every candidate, its completed dependencies, which walked every pending task that waits behind a
-- dependency on every claim (7.5 ms and 10,000 buffers with 5,000 of them waiting; issue 22). The insert writes it
-- (Definitions) and every write that makes a task completed or takes that away moves its dependents' counts
-- (RunWrites), each after the rows it reads are locked, so that counts and statuses never disagree.
ALTER TABLE vivarium_task ADD COLUMN deps_left integer NOT NULL DEFAULT 0 CHECK (deps_left >= 0);
UPDATE vivarium_task t
   SET deps_left = (SELECT count(*) FROM unnest(t.depends_on) AS dep(id)
                     WHERE NOT EXISTS (SELECT 1 FROM vivarium_task d WHERE d.id = dep.id AND d.status = 'completed'))
 WHERE t.depends_on <> '{}';

-- What a claim scans: the pending tasks whose dependencies all completed, in priority, then queue, order. It takes
-- the place of the index of every pending task, which nothing else reads.
CREATE INDEX vivarium_task_ready ON vivarium_task (priority, seq) WHERE status = 'pending' AND deps_left = 0;
DROP INDEX vivarium_task_pending;

-- Every finish now looks up the finished tasks' dependents in this index. GIN's fast update keeps new entries in an
-- unsorted pending list until a vacuum merges them, and every lookup reads the whole list: with thousands of
-- dependents just added, each commit read them all. Entries go straight into the index instead.
ALTER INDEX vivarium_task_dependents SET (fastupdate = off);
