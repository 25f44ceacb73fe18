package io.vivarium.store.file;

import io.vivarium.store.StoreException;
import io.vivarium.store.WorkspaceJson;
import io.vivarium.task.Occurrences;
import io.vivarium.task.Summary;
import io.vivarium.task.Task;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The add of a process that has not read the queue: tasks appended to files that hold everything, without reading
 * the queue into memory. The tasks are checked as every add checks them ({@link NewTasks#check}).
 */
final class QuickAdd {

    private static final Logger log = LoggerFactory.getLogger(QuickAdd.class);

    private final JournalledState journalled;
    private final WorkspacePaths paths;
    private final WorkspaceLock lock;
    private final Journal journal;
    private final Clock clock;

    QuickAdd(JournalledState journalled, Clock clock) {
        this.journalled = journalled;
        this.paths = journalled.paths();
        this.lock = journalled.lock();
        this.journal = journalled.journal();
        this.clock = clock;
    }

    /**
     * An add by a process that has not read the queue (the CLI's {@code add}), into files that hold everything:
     * the journal line, then both documents rewritten around their bytes (see {@link QuickAppend}), then the
     * journal restarted, the same order and the same crash story as a checkpoint. False when it does not apply.
     */
    boolean add(List<Task> tasks) {
        // Read under the lock, scanned off it: the queue may be 100,000 tasks long.
        Optional<QuickBase> base = lock.callExclusive(this::quickBase);
        if (base.isEmpty()) {
            return false;
        }
        try (FileChannel logChannel = base.get().log().channel()) {
            return add(tasks, base.get());
        } catch (IOException e) {
            throw new StoreException("cannot read " + paths.log() + ": " + e.getMessage(), e);
        }
    }

    private boolean add(List<Task> tasks, QuickBase quickBase) {
        Optional<QuickBase> base = Optional.of(quickBase);
        Optional<QuickAppend.Plan> plan = QuickAppend.plan(base.get().queue(), base.get().log(), tasks);
        if (plan.isEmpty()) {
            return false;
        }
        // Encoded once before the commit, so that a fresh JVM's first encoding (its serializers built) is not paid
        // between stamping the tasks and making them durable.
        WorkspaceJson.compact(new JournalRecord(0, clock.instant(), false, tasks, Map.of(), null, plan.get().before(),
                Map.of()));
        // The commit: nothing but the journal line, so a waiting pool claims the tasks at once.
        Optional<Committed> committed = lock.callExclusive(() -> {
            if (!quickBaseStillHolds(base.get().header())) {
                return Optional.<Committed>empty();
            }
            Instant now = clock.instant();
            List<Task> stamped = tasks.stream()
                    .map(t -> t.createdAt() != null ? t : t.toBuilder().createdAt(now).build())
                    .toList();
            Summary b = plan.get().before();
            Summary after = new Summary(b.totalTasks() + stamped.size(), b.completed(), b.inProgress(),
                    b.pending() + stamped.size(), b.failed(), b.blocked(), b.cancelled(), b.budgetUsed());
            long seq = base.get().header().base() + 1;
            // Whether a pending task waits for a time: as the last record said, or one of these does.
            JournalRecord last = journal.last();
            Boolean timed = last == null || last.timed() == null ? null
                    : last.timed() || stamped.stream().anyMatch(t -> Occurrences.dueAt(t, null) != null);
            journal.append(new JournalRecord(seq, now, false, stamped, Map.of(), null, after, Map.of(), false,
                    List.of(), null, timed), null);
            return Optional.of(new Committed(seq, stamped, after));
        });
        if (committed.isEmpty()) {
            return false;
        }
        // Then the files, like a checkpoint: written off the lock, renamed under it if nobody replaced them since.
        QuickAppend.Rewrite rewrite = QuickAppend.rewrite(plan.get(), committed.get().tasks(), committed.get().seq(),
                committed.get().summary());
        Path queueTemp = null;
        Path logTemp = null;
        try {
            queueTemp = AtomicFile.writeTemp(paths.queue(), rewrite.queue());
            logTemp = AtomicFile.writeTemp(paths.log(), rewrite.log());
            Path q = queueTemp;
            Path l = logTemp;
            boolean installed = lock.callExclusive(() -> installQuick(base.get().header(), committed.get().seq(), q, l));
            if (installed) {
                queueTemp = null;
                logTemp = null;
            }
        } catch (IOException e) {
            // The tasks are committed in the journal; only the files stay behind, for the next checkpoint.
            log.warn("{}: the added tasks are saved in {} and the files catch up at the next checkpoint",
                    e.getMessage(), paths.journal());
        } finally {
            AtomicFile.deleteQuietly(queueTemp);
            AtomicFile.deleteQuietly(logTemp);
        }
        return true;
    }

    /** The journal's header, the queue's bytes, and the log's ends with its channel, open on the file as named. */
    private record QuickBase(JournalHeader header, byte[] queue, QuickAppend.LogEnds log) {
    }

    private record Committed(long seq, List<Task> tasks, Summary summary) {
    }

    /** The files and the journal's header, when the files hold everything (no journal line past them). */
    private Optional<QuickBase> quickBase() {
        Journal.Tail tail = journal.read();
        JournalHeader header = tail.header();
        if (header == null || !quickBaseStillHolds(header)) {
            return Optional.empty();
        }
        FileChannel log = null;
        try {
            byte[] queue = SafeFiles.readRegular(paths.queue(), SafeFiles.MAX_DOCUMENT_BYTES);
            log = SafeFiles.openRegular(paths.log(), StandardOpenOption.READ);
            QuickAppend.LogEnds ends = QuickAppend.LogEnds.read(log);
            if (!journalled.filesAsNamed(header)) {
                log.close(); // replaced between the check and the open
                return Optional.empty();
            }
            return Optional.of(new QuickBase(header, queue, ends));
        } catch (IOException e) {
            closeQuietly(log);
            throw new StoreException("cannot read " + paths.queue() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(log);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // only read from
        }
    }

    private boolean quickBaseStillHolds(JournalHeader header) {
        journal.read();
        return header.equals(journal.header()) && journal.lastSeq() == header.base() && journalled.filesAsNamed(header);
    }

    private boolean installQuick(JournalHeader base, long seq, Path queueTemp, Path logTemp) {
        journal.read();
        try {
            return journalled.installFiles(seq, base.queue(), base.log(), queueTemp, logTemp);
        } catch (IOException e) {
            throw new StoreException("cannot replace " + paths.queue() + ": " + e.getMessage(), e);
        }
    }
}
