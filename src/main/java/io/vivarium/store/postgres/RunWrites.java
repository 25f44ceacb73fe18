package io.vivarium.store.postgres;

import io.vivarium.spend.SpendChange;
import io.vivarium.task.StartRule;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes tasks' new run entries, in one statement for a batch. Every state but a claim ends the task's claim, so
 * the claim's columns are cleared with it; the columns the queries read are taken from the entry itself. A task's
 * first entry is numbered in the order given, as the log file would list it (the numbers of later ones go unused).
 * What each change does to the spend ledger (a reservation given back, a charge) goes to the transaction, which
 * applies it with the version.
 */
final class RunWrites {

    /** A task's new run entry, beside its row as it was read (for what the change does to the spend ledger). */
    record RunChange(TaskRow row, TaskRun run) {

        long seq() {
            return row.seq();
        }
    }

    private static final String UPDATE = """
            UPDATE vivarium_task t
               SET run = u.run::json, logged = coalesce(t.logged, u.logged), status = u.status, not_before = u.not_before::timestamptz,
                   budget_used = u.budget_used, fence = NULL, owner_key = NULL, worker_id = NULL, claim_pid = NULL,
                   claim_host = NULL, claimed_at = NULL, heartbeat_at = NULL, grind_pid = NULL,
                   grind_started_at = NULL, deps_left = t.deps_left + u.deps_delta
              FROM (SELECT x.*, nextval('vivarium_logged') AS logged
                      FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::float8[], ?::int[])
                           AS x(seq, run, status, not_before, budget_used, deps_delta)) AS u
             WHERE t.seq = u.seq""";

    /**
     * {@link #UPDATE}, and the dependents' {@code deps_left} (see {@link Claiming}'s STANDING) moved by what the
     * batch did: -1 for each dependency that became completed, +1 for each that no longer is (retried, reviewed back),
     * in the same round trip. A row the batch writes itself gets its move there ({@code deps_delta}): one statement
     * must not update a row twice. Every caller locked the rows it writes before reading them, and an add locks the
     * dependencies it names (key share) before counting: an add naming one of these tasks either committed before
     * this statement began, and its rows are moved here, or waits for this transaction, and then counts what it
     * committed.
     */
    private static final String UPDATE_AND_DEPENDENTS = "WITH written AS (" + UPDATE + ")" + """

            UPDATE vivarium_task t
               SET deps_left = t.deps_left + (SELECT sum(x.delta) FROM unnest(?::text[], ?::int[]) AS x(id, delta)
                                               WHERE x.id = ANY (t.depends_on))
             WHERE t.depends_on <> '{}' AND t.depends_on && ?::text[] AND NOT (t.seq = ANY (?::bigint[]))""";

    private RunWrites() {
    }

    static void write(Tx tx, List<RunChange> changes) throws SQLException {
        List<RunChange> ordered = new ArrayList<>(changes);
        // Entries first written together are listed in queue order, as the file store would list them.
        ordered.sort(Comparator.comparingLong(RunChange::seq));
        writeAsListed(tx, ordered);
    }

    /** Writes the entries so that those new to the log are listed in this order (a loaded log keeps its own). */
    static void writeAsListed(Tx tx, List<RunChange> ordered) throws SQLException {
        if (ordered.isEmpty()) {
            return;
        }
        List<Long> seqs = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<String> notBefore = new ArrayList<>();
        List<Double> budgets = new ArrayList<>();
        Map<String, Integer> completion = new LinkedHashMap<>();
        for (RunChange change : ordered) {
            TaskRun run = change.run();
            seqs.add(change.seq());
            runs.add(Documents.json(run));
            statuses.add(run.status().wireName());
            // not_before is StartRule.timed's end: a backoff's, or the task's time (run_at, its next occurrence).
            Instant until = StartRule.timedUntil(change.row().task(), run);
            notBefore.add(until == null ? null : until.toString());
            budgets.add(run.budgetOrZero());
            tx.spend(SpendChange.of(change.row().task(), change.row().run(), run));
            boolean wasCompleted = change.row().runOrPending().status() == TaskStatus.COMPLETED;
            if (wasCompleted != (run.status() == TaskStatus.COMPLETED)) {
                completion.put(change.row().id(), wasCompleted ? 1 : -1);
            }
        }
        List<Integer> ownDeltas = new ArrayList<>();
        for (RunChange change : ordered) {
            ownDeltas.add(change.row().task().dependsOn().stream().mapToInt(d -> completion.getOrDefault(d, 0)).sum());
        }
        try (PreparedStatement ps = tx.prepare(completion.isEmpty() ? UPDATE : UPDATE_AND_DEPENDENTS)) {
            ps.setArray(1, tx.longs(seqs));
            ps.setArray(2, tx.texts(runs));
            ps.setArray(3, tx.texts(statuses));
            ps.setArray(4, tx.texts(notBefore));
            ps.setArray(5, tx.doubles(budgets));
            ps.setArray(6, tx.ints(ownDeltas));
            if (!completion.isEmpty()) {
                ps.setArray(7, tx.texts(completion.keySet()));
                ps.setArray(8, tx.ints(completion.values()));
                ps.setArray(9, tx.texts(completion.keySet()));
                ps.setArray(10, tx.longs(seqs));
            }
            ps.executeUpdate();
        }
        tx.changed();
    }
}
