package io.vivarium.store.postgres;

import io.vivarium.store.RecordedStarts;
import io.vivarium.task.Rate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The starts of each rate-limited queue ({@code vivarium_queue_start}), kept for {@link Rate#MAX_PERIOD}: a task's
 * run entry keeps only its latest start, so a retried task's earlier starts could not be counted from the entries.
 * A queue's starts are seeded from its run entries ({@link RecordedStarts}) when it gets a rate (as the file store
 * seeds its count), then written by each claim that starts one of its tasks; a queue without a rate has none, so
 * a claim without rates writes nothing here.
 */
final class StartRows {

    private static final String RECENT = """
            SELECT started_at FROM vivarium_queue_start WHERE queue = ? AND started_at > ?
             ORDER BY started_at DESC LIMIT ?""";
    private static final String RECORD = """
            INSERT INTO vivarium_queue_start (queue, started_at) SELECT q, ? FROM unnest(?::text[]) AS q""";
    private static final String PRUNE = "DELETE FROM vivarium_queue_start WHERE queue = ANY (?::text[]) AND started_at <= ?";
    private static final String FORGET = "DELETE FROM vivarium_queue_start WHERE queue = ANY (?::text[])";
    private static final String FORGET_ALL = "DELETE FROM vivarium_queue_start";
    private static final String ENTRIES = """
            SELECT id, queue, run FROM vivarium_task WHERE queue = ANY (?::text[]) AND run IS NOT NULL""";
    private static final String SEED = """
            INSERT INTO vivarium_queue_start (queue, started_at)
            SELECT * FROM unnest(?::text[], ?::timestamptz[])""";

    private StartRows() {
    }

    /**
     * The queue's starts within its rate's period before {@code now} (and any after it, from a clock ahead), newest
     * first, only as many as the rate allows: {@code FlowRoom} needs no more to know when the next may start.
     */
    static List<Instant> recent(Connection c, String queue, Rate rate, Instant now) throws SQLException {
        List<Instant> starts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(RECENT)) {
            ps.setString(1, queue);
            ps.setObject(2, Tx.time(now.minus(rate.period())));
            ps.setInt(3, rate.starts());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    starts.add(Tx.instant(rs, "started_at"));
                }
            }
        }
        return starts;
    }

    /** One start at {@code now} per element of {@code queues} (a queue twice: two starts), and drops the old ones. */
    static void record(Tx tx, List<String> queues) throws SQLException {
        if (queues.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = tx.prepare(RECORD)) {
            ps.setObject(1, Tx.time(tx.now));
            ps.setArray(2, tx.texts(queues));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = tx.prepare(PRUNE)) {
            ps.setArray(1, tx.texts(queues.stream().distinct().toList()));
            ps.setObject(2, Tx.time(tx.now.minus(Rate.MAX_PERIOD)));
            ps.executeUpdate();
        }
    }

    /** Forgets the starts of queues that lost their rate: seeded afresh if they get one again. */
    static void forget(Tx tx, Collection<String> queues) throws SQLException {
        if (queues.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = tx.prepare(FORGET)) {
            ps.setArray(1, tx.texts(queues));
            ps.executeUpdate();
        }
    }

    /** After the queue was emptied or filled anew: only what the entries record counts. */
    static void reseed(Tx tx, Collection<String> rateLimited) throws SQLException {
        try (PreparedStatement ps = tx.prepare(FORGET_ALL)) {
            ps.executeUpdate();
        }
        seed(tx, rateLimited);
    }

    /** The starts the run entries of these queues' tasks record within {@link Rate#MAX_PERIOD}. */
    static void seed(Tx tx, Collection<String> queues) throws SQLException {
        if (queues.isEmpty()) {
            return;
        }
        Instant since = tx.now.minus(Rate.MAX_PERIOD);
        List<String> ofQueue = new ArrayList<>();
        List<String> at = new ArrayList<>();
        try (PreparedStatement ps = tx.prepare(ENTRIES)) {
            ps.setArray(1, tx.texts(queues));
            // Through a cursor: a queue may hold many finished tasks.
            ps.setFetchSize(1_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String queue = rs.getString("queue");
                    for (Instant start : RecordedStarts.of(Documents.run(rs))) {
                        if (start.isAfter(since)) {
                            ofQueue.add(queue);
                            at.add(start.toString());
                        }
                    }
                }
            }
        }
        if (!ofQueue.isEmpty()) {
            try (PreparedStatement ps = tx.prepare(SEED)) {
                ps.setArray(1, tx.texts(ofQueue));
                ps.setArray(2, tx.texts(at));
                ps.executeUpdate();
            }
        }
    }
}
