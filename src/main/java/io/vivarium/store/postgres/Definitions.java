package io.vivarium.store.postgres;

import io.vivarium.store.DuplicateTaskException;
import io.vivarium.store.Snapshot;
import io.vivarium.store.StoreException;
import io.vivarium.store.TaskStore.ClearResult;
import io.vivarium.task.DependencyGraph;
import io.vivarium.task.Money;
import io.vivarium.task.StartRule;
import io.vivarium.task.Task;
import io.vivarium.task.TaskKeys;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;

/** Adding tasks to the queue, all or none, and emptying it. */
final class Definitions {

    private static final String EXISTING = "SELECT id FROM vivarium_task WHERE id = ANY (?::text[])";
    /** Key-share locked: a clear cannot remove a dependency between this check and the insert. */
    private static final String DEPENDENCIES = "SELECT id FROM vivarium_task WHERE id = ANY (?::text[]) FOR KEY SHARE";
    /**
     * deps_left counts the dependencies not completed now: the tasks of this batch are pending, and those outside it
     * were locked by {@link #DEPENDENCIES} first, so a completion racing this add either committed before this
     * statement began (and is seen) or waits for this transaction to commit (and then counts the new dependents).
     */
    private static final String INSERT = """
            INSERT INTO vivarium_task (id, definition, priority, depends_on, description, max_budget, not_before, queue,
                                       deps_left)
            SELECT u.id, u.definition::json, u.priority, u.deps, u.description, u.max_budget, u.not_before::timestamptz,
                   u.queue,
                   (SELECT count(*) FROM unnest(u.deps) AS dep(id)
                     WHERE NOT EXISTS (SELECT 1 FROM vivarium_task d WHERE d.id = dep.id AND d.status = 'completed'))
              FROM (SELECT x.*, string_to_array(x.depends_on, ',') AS deps
                      FROM unnest(?::text[], ?::text[], ?::smallint[], ?::text[], ?::text[], ?::bigint[], ?::text[],
                                  ?::text[])
                           WITH ORDINALITY AS x(id, definition, priority, depends_on, description, max_budget,
                                                not_before, queue, position)) AS u
             ORDER BY u.position""";
    /** 21 sets the keys' advisory locks apart from any other use of hashed advisory locks. */
    private static final String LOCK_KEYS = """
            SELECT count(pg_advisory_xact_lock(hashtextextended(k, 21))) FROM (SELECT unnest(?::text[]) AS k ORDER BY 1) u""";
    static final String HELD_KEYS = """
            -- pending and running hold their key: TaskKeys.holds
            SELECT definition->>'key', id FROM vivarium_task
             WHERE status IN ('pending', 'in_progress') AND definition->>'key' = ANY (?::text[]) ORDER BY seq""";
    private static final String CLEAR = """
            WITH gone AS (DELETE FROM vivarium_task RETURNING status)
            SELECT count(*) AS tasks, count(*) FILTER (WHERE status = 'in_progress') AS claims FROM gone""";

    private static final String COUNT = "SELECT count(*) FROM vivarium_task";
    private static final String ESTIMATED_ROWS = "SELECT reltuples FROM pg_class WHERE oid = 'vivarium_task'::regclass";
    private static final int ANALYZE_MIN_ROWS = 100;
    private static final String SEQUENCES = "SELECT id, seq FROM vivarium_task";

    private static final Pattern DUPLICATE_KEY = Pattern.compile("Key \\(id\\)=\\((.*)\\) already exists");

    private Definitions() {
    }

    /** Adds the tasks whose keys no unfinished task holds; answers the id standing for each (see TaskKeys). */
    static List<TaskKeys.Answer> add(Tx tx, List<Task> tasks) throws SQLException {
        TaskKeys.Decision decision = TaskKeys.decide(tasks, TaskKeys.anyKeyed(tasks) ? heldKeys(tx, tasks) : Map.of());
        if (decision.added().isEmpty()) {
            return decision.answers();
        }
        // Stamped in the transaction that adds them: created_at is when the task entered the queue.
        List<Task> stamped = decision.added().stream()
                .map(t -> t.createdAt() != null ? t : t.toBuilder().createdAt(tx.now).build())
                .toList();
        List<String> ids = stamped.stream().map(Task::id).toList();
        Set<String> seen = new HashSet<>(select(tx, EXISTING, ids));
        for (Task task : stamped) {
            if (!seen.add(task.id())) {
                throw new DuplicateTaskException(task.id());
            }
        }
        Set<String> outside = new LinkedHashSet<>();
        stamped.forEach(t -> outside.addAll(t.dependsOn()));
        outside.removeAll(ids);
        // A task already in the queue cannot depend on one being added, so a cycle lies within the batch: the
        // existing dependencies count only as names that exist.
        List<Task> existing = select(tx, DEPENDENCIES, outside).stream().map(id -> Task.grind(id).build()).toList();
        DependencyGraph.checkAppend(existing, stamped);
        insert(tx, stamped);
        refreshStatisticsAfter(tx, stamped.size());
        tx.changed();
        Dependents.blockIfUnrunnable(tx, stamped.stream().filter(t -> !t.dependsOn().isEmpty()).map(Task::id).toList());
        return decision.answers();
    }

    /**
     * The keys of {@code tasks} that unfinished tasks hold. Each key is first locked for the rest of the
     * transaction (in one order, so two adds cannot deadlock), so a racing add with the same key waits for this
     * one to commit and then, reading committed rows afresh, finds its task.
     */
    private static Map<String, String> heldKeys(Tx tx, List<Task> tasks) throws SQLException {
        List<String> keys = tasks.stream().map(Task::key).filter(Objects::nonNull).distinct().sorted().toList();
        try (PreparedStatement ps = tx.prepare(LOCK_KEYS)) {
            ps.setArray(1, tx.connection.createArrayOf("text", keys.toArray()));
            ps.execute();
        }
        Map<String, String> held = new HashMap<>();
        try (PreparedStatement ps = tx.prepare(HELD_KEYS)) {
            ps.setArray(1, tx.connection.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.putIfAbsent(rs.getString(1), rs.getString(2));
                }
            }
        }
        return held;
    }

    /** Fills an empty queue with tasks and their run entries as they are: the entries keep their log order. */
    static void load(Tx tx, Snapshot snapshot) throws SQLException {
        try (PreparedStatement ps = tx.prepare(COUNT); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long existing = rs.getLong(1);
            if (existing > 0) {
                throw new StoreException("the database already holds " + existing
                        + " tasks: clear it first (vivarium clear --store …), or choose another database");
            }
        }
        if (snapshot.tasks().isEmpty()) {
            return;
        }
        insert(tx, snapshot.tasks());
        refreshStatisticsAfter(tx, snapshot.tasks().size());
        Map<String, Long> seqOf = new HashMap<>();
        try (PreparedStatement ps = tx.prepare(SEQUENCES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                seqOf.put(rs.getString("id"), rs.getLong("seq"));
            }
        }
        List<RunWrites.RunChange> runs = new ArrayList<>();
        snapshot.runs().forEach((id, run) -> {
            Long seq = seqOf.get(id);
            if (seq == null) {
                // A row holds a task with its entry: an entry whose task left the queue has nowhere to go, and
                // dropping it would lose history.
                throw new StoreException("the run entry of '" + id + "' belongs to no task in the queue: remove"
                        + " the entry, or add the task back, before moving the queue");
            }
            // A row that had no entry: the entry's spend is charged to the ledger as it is written.
            runs.add(new RunWrites.RunChange(new TaskRow(seq, snapshot.task(id).orElseThrow(), null, 0), run));
        });
        RunWrites.writeAsListed(tx, runs);
        tx.changed();
    }

    /**
     * Refreshes the planner's statistics when this insert grew the queue by a fifth or more. Autovacuum analyzes
     * only once a minute; until then a queue that just grew from nothing to thousands of tasks is planned as if it
     * were empty (sequential scans and hash joins on every commit), and each commit costs as much as the queue.
     */
    private static void refreshStatisticsAfter(Tx tx, int inserted) throws SQLException {
        if (inserted < ANALYZE_MIN_ROWS) {
            return;
        }
        double known;
        try (PreparedStatement ps = tx.prepare(ESTIMATED_ROWS); ResultSet rs = ps.executeQuery()) {
            known = rs.next() ? rs.getDouble(1) : -1;
        }
        if (known < 0 || inserted >= known / 5) {
            try (PreparedStatement ps = tx.prepare("ANALYZE vivarium_task")) {
                ps.execute();
            }
        }
    }

    static ClearResult clear(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.prepare(CLEAR); ResultSet rs = ps.executeQuery()) {
            rs.next();
            tx.changed();
            ClearResult result = new ClearResult(rs.getInt("tasks"), rs.getInt("claims"));
            Spending.clear(tx);
            return result;
        }
    }

    private static void insert(Tx tx, List<Task> tasks) throws SQLException {
        List<String> ids = new ArrayList<>();
        List<String> definitions = new ArrayList<>();
        List<Short> priorities = new ArrayList<>();
        List<String> dependencies = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        List<Long> maxBudgets = new ArrayList<>();
        List<String> notBefore = new ArrayList<>();
        List<String> queues = new ArrayList<>();
        for (Task task : tasks) {
            queues.add(task.queueName());
            ids.add(task.id());
            definitions.add(Documents.json(task));
            priorities.add((short) task.priority().ordinal());
            // Ids never hold a comma (TaskId's rule).
            dependencies.add(String.join(",", task.dependsOn()));
            descriptions.add(task.description());
            maxBudgets.add(Money.micros(task.maxBudget()));
            // A new task has no run entry: its not_before is its run_at (StartRule.timed's end), if any.
            Instant until = StartRule.timedUntil(task, null);
            notBefore.add(until == null ? null : until.toString());
        }
        try (PreparedStatement ps = tx.prepare(INSERT)) {
            ps.setArray(1, tx.texts(ids));
            ps.setArray(2, tx.texts(definitions));
            ps.setArray(3, tx.connection.createArrayOf("int2", priorities.toArray()));
            ps.setArray(4, tx.texts(dependencies));
            ps.setArray(5, tx.texts(descriptions));
            ps.setArray(6, tx.longs(maxBudgets));
            ps.setArray(7, tx.texts(notBefore));
            ps.setArray(8, tx.texts(queues));
            ps.executeUpdate();
        } catch (SQLException e) {
            if (Failures.isUniqueViolation(e)) {
                // Added by someone else since this transaction looked.
                throw new DuplicateTaskException(duplicateId(e).orElse(ids.get(0)));
            }
            throw e;
        }
    }

    private static Optional<String> duplicateId(SQLException e) {
        if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null
                && psql.getServerErrorMessage().getDetail() != null) {
            Matcher key = DUPLICATE_KEY.matcher(psql.getServerErrorMessage().getDetail());
            if (key.find()) {
                return Optional.of(key.group(1));
            }
        }
        return Optional.empty();
    }

    private static List<String> select(Tx tx, String sql, Collection<String> ids) throws SQLException {
        List<String> found = new ArrayList<>();
        if (ids.isEmpty()) {
            return found;
        }
        try (PreparedStatement ps = tx.prepare(sql)) {
            ps.setArray(1, tx.texts(ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString("id"));
                }
            }
        }
        return found;
    }
}
