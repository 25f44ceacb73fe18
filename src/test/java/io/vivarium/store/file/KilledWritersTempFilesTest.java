package io.vivarium.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The temp files of a writer killed between writing and renaming are removed by the next writer (issue 17, item 9);
 * never those of a writer that still lives, nor one that has just been made.
 */
class KilledWritersTempFilesTest {

    @TempDir
    Path ws;

    @Test
    void aDeadWritersTempFilesAreRemovedAndALiveWritersAreKept() throws Exception {
        assertThat(CliRun.in(ws, "add", "a", "grind").exitCode()).isZero();
        long dead = deadPid();
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            long live = sleeper.pid();
            Instant old = Instant.now().minus(Duration.ofMinutes(2));
            Path deadQueue = temp(ws, "queue.json", dead, old);
            Path deadLog = temp(ws, "execution_log.json", dead, old);
            Path deadJournal = temp(ws.resolve("task_locks"), ".journal", dead, old);
            Path deadLease = temp(ws.resolve("task_locks"), "host-" + dead + "-1.lock", dead, old);
            Path liveQueue = temp(ws, "queue.json", live, old);
            Path justMade = temp(ws, "execution_log.json", dead, Instant.now());
            Path ancient = ws.resolve(".queue.json." + UUID.randomUUID() + ".tmp");
            Files.writeString(ancient, "{\"torn");
            Files.setLastModifiedTime(ancient, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
            Path recentWithoutPid = ws.resolve(".queue.json." + UUID.randomUUID() + ".tmp");
            Files.writeString(recentWithoutPid, "{\"torn");
            Path usersOwn = Files.writeString(ws.resolve(".notes." + UUID.randomUUID() + ".tmp"), "mine");
            Files.setLastModifiedTime(usersOwn, FileTime.from(old));

            assertThat(CliRun.in(ws, "add", "b", "grind").exitCode()).isZero();

            assertThat(deadQueue).doesNotExist();
            assertThat(deadLog).doesNotExist();
            assertThat(deadJournal).doesNotExist();
            assertThat(deadLease).doesNotExist();
            assertThat(ancient).doesNotExist();
            assertThat(liveQueue).as("a live writer's").exists();
            assertThat(justMade).as("made a moment ago: its pid may be from another namespace").exists();
            assertThat(recentWithoutPid).as("an earlier version's, not yet an hour old").exists();
            assertThat(usersOwn).as("not a Vivarium temp name").exists();
            assertThat(CliRun.in(ws, "status").out()).contains("2");
        } finally {
            sleeper.destroyForcibly();
        }
    }

    private static Path temp(Path dir, String target, long pid, Instant modified) throws IOException {
        Path file = dir.resolve("." + target + "." + pid + "-" + UUID.randomUUID() + ".tmp");
        Files.writeString(file, "{\"torn");
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    /** The pid of a process that has exited: a writer killed mid-write. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
