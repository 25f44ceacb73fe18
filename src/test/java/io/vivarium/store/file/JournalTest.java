package io.vivarium.store.file;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.task.TaskRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal on its own, on real files: two instances stand for two processes sharing a workspace. */
class JournalTest {

    private static final Instant AT = Instant.parse("2026-01-15T10:30:00Z");

    @TempDir
    Path dir;

    private Path path;
    private Journal writer;
    private Journal reader;

    @BeforeEach
    void open() {
        path = dir.resolve(".journal");
        writer = new Journal(path);
        reader = new Journal(path);
    }

    private static JournalRecord added(long seq, String id) {
        return new JournalRecord(seq, AT, false, List.of(aTask(id).build()), Map.of(), null, null, null);
    }

    private static JournalRecord run(long seq, String id) {
        return new JournalRecord(seq, AT, false, List.of(), Map.of(id, TaskRun.pending().claim(id, "w", AT)), null,
                null, null);
    }

    @Test
    void noJournalReadsAsNothingAndTheFirstAppendCreatesItWithItsHeader() {
        assertThat(reader.read().header()).isNull();
        assertThat(reader.peek()).isNull();

        writer.read();
        writer.append(added(1, "a"), JournalHeader.over(0, "q-1", "l-1"));

        Journal.Tail tail = reader.read();
        assertThat(tail.header()).isEqualTo(JournalHeader.over(0, "q-1", "l-1"));
        assertThat(tail.records()).extracting(JournalRecord::seq).containsExactly(1L);
        assertThat(tail.records().get(0).added()).extracting(t -> t.id()).containsExactly("a");
        assertThat(reader.lastSeq()).isEqualTo(1);
    }

    @Test
    void aReaderSeesOnlyWhatWasAppendedSinceItsLastRead() {
        writer.read();
        writer.append(added(1, "a"), JournalHeader.over(0, "q", "l"));
        assertThat(reader.read().records()).hasSize(1);

        writer.append(run(2, "a"), null);
        writer.append(added(3, "b"), null);

        assertThat(reader.read().records()).extracting(JournalRecord::seq).containsExactly(2L, 3L);
        assertThat(reader.read().records()).isEmpty();
        assertThat(reader.records()).isEqualTo(3);
        assertThat(reader.peek()).isEqualTo(new Journal.Peek(3, "q", "l"));
    }

    @Test
    void aTornLastLineIsNeverReadAndTheNextWriterCutsItOff() throws IOException {
        writer.read();
        writer.append(added(1, "a"), JournalHeader.over(0, "q", "l"));
        // A writer that died mid-append: half a line, no newline.
        Files.writeString(path, "{\"at\":\"2026-01-15T10:30:00Z\",\"add", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        assertThat(reader.read().records()).extracting(JournalRecord::seq).containsExactly(1L);
        assertThat(reader.peek().lastSeq()).isEqualTo(1);

        writer.read();
        writer.append(run(2, "a"), null);

        assertThat(reader.read().records()).extracting(JournalRecord::seq).containsExactly(2L);
        assertThat(Files.readAllLines(path)).hasSize(3).noneMatch(line -> line.contains("\"add\"") && !line.endsWith("}"));
    }

    @Test
    void aRestartKeepsTheRecordsTheCheckpointDoesNotHoldAndReadersStartOver() {
        writer.read();
        writer.append(added(1, "a"), JournalHeader.over(0, "q", "l"));
        for (long seq = 2; seq <= Journal.KEPT_BEHIND + 10; seq++) {
            writer.append(run(seq, "a"), null);
        }
        reader.read();

        long base = Journal.KEPT_BEHIND + 5;
        writer.restartAt(JournalHeader.over(base, "q-2", "l-2"));

        Journal.Tail tail = reader.read();
        assertThat(tail.restarted()).isTrue();
        assertThat(tail.header().base()).isEqualTo(base);
        // The last KEPT_BEHIND records the checkpoint holds stay, for readers a few records behind, and every later one.
        assertThat(tail.records()).extracting(JournalRecord::seq).first().isEqualTo(base - Journal.KEPT_BEHIND + 1);
        assertThat(tail.records()).extracting(JournalRecord::seq).last().isEqualTo((long) Journal.KEPT_BEHIND + 10);
        assertThat(writer.lastSeq()).isEqualTo(Journal.KEPT_BEHIND + 10);
    }

    @Test
    void longRecordsKeptBehindARestartAreBoundedInBytesButTheLastStaysAndTheWriterGoesOnWithoutRereading() {
        writer.read();
        writer.append(added(1, "a"), JournalHeader.over(0, "q", "l"));
        String long20k = "x".repeat(20_000);
        for (long seq = 2; seq <= 12; seq++) {
            writer.append(new JournalRecord(seq, AT, false, List.of(aTask("t" + seq).description(long20k).build()),
                    Map.of(), null, null, null), null);
        }

        writer.restartAt(JournalHeader.over(12, "q-2", "l-2"));

        Journal.Tail tail = reader.read();
        // Three of 20 KB fit in 64 KB; the last record (its summary, its seq) is always there for readers.
        assertThat(tail.records()).extracting(JournalRecord::seq).containsExactly(10L, 11L, 12L);
        assertThat(writer.last().seq()).isEqualTo(12);
        writer.append(run(13, "a"), null);
        assertThat(reader.read().records()).extracting(JournalRecord::seq).containsExactly(13L);
        assertThat(writer.read().records()).as("its own records are not read back").isEmpty();
        assertThat(new Journal(path).read().records()).extracting(JournalRecord::seq).containsExactly(10L, 11L, 12L, 13L);
    }

    @Test
    void aJournalWhoseRecordsRunBackwardsIsMovedAsideKeptAndNeverStopsAReader() throws IOException {
        writer.read();
        writer.append(added(5, "a"), JournalHeader.over(0, "q", "l"));
        writer.append(run(3, "a"), null);
        String written = Files.readString(path);

        Journal.Tail tail = reader.read();

        // Read as no journal at all: the workspace is then read from its documents.
        assertThat(tail.header()).isNull();
        assertThat(tail.records()).isEmpty();
        assertThat(tail.restarted()).isTrue();
        assertThat(path).doesNotExist();
        try (var aside = Files.list(dir)) {
            List<Path> copies = aside.filter(p -> p.getFileName().toString().startsWith(".journal.corrupt-")).toList();
            assertThat(copies).hasSize(1);
            assertThat(Files.readString(copies.get(0))).isEqualTo(written);
        }
    }

    /**
     * A worker whose grind was stopped comes back to the store with its thread interrupted: the journal's channel must
     * survive it (a {@code ClosedByInterruptException} once closed it for the whole process, and the worker exited 2
     * with "cannot read .journal: null"), and the interrupt must still be there for the worker to see.
     */
    @Test
    void anInterruptedThreadReadsAndAppendsAndKeepsItsInterrupt() {
        writer.read();
        writer.append(added(1, "a"), JournalHeader.over(0, "q-1", "l-1"));
        reader.read();

        Thread.currentThread().interrupt();
        try {
            writer.read();
            writer.append(added(2, "b"), JournalHeader.over(0, "q-1", "l-1"));
            Journal.Tail tail = reader.read();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(tail.records()).extracting(JournalRecord::seq).containsExactly(2L);
        } finally {
            Thread.interrupted();
        }
        assertThat(reader.read().records()).isEmpty();
        writer.read();
        writer.append(added(3, "c"), JournalHeader.over(0, "q-1", "l-1"));
        assertThat(reader.read().records()).extracting(JournalRecord::seq).containsExactly(3L);
    }
}
