package io.vivarium.store.file;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.store.CorruptFileException;
import io.vivarium.worker.StaleClaimReaper;
import io.vivarium.support.OddFiles;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workspace's files are never followed through a link out of it, never opened unless they are regular files,
 * and never read past a bound. Each refusal names the path; nothing outside the workspace is touched.
 */
class WorkspaceFileSafetyTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-15T10:30:00Z"), ZoneOffset.UTC);
    private static final Duration QUICKLY = Duration.ofSeconds(10);

    @TempDir
    Path workspace;

    @TempDir
    Path outside;

    private FileTaskStore store() {
        return new FileTaskStore(workspace, CLOCK);
    }

    // --- item 7: a symlinked task_locks/ ---

    @Test
    void aLinkedTaskLocksIsRefusedAndNothingBehindTheLinkIsDeletedOrCreated() throws Exception {
        store().add(List.of(aTask("task_001").build()));
        Files.delete(workspace.resolve("task_locks/.workspace.lock"));
        Files.deleteIfExists(workspace.resolve("task_locks/.journal"));
        Files.delete(workspace.resolve("task_locks"));
        Files.writeString(outside.resolve("x.lock"), "precious");
        Files.writeString(outside.resolve("task_001.lock"), "precious");
        Path locks = OddFiles.link(workspace.resolve("task_locks"), outside);
        FileTaskStore store = store();

        for (ThrowingCallable verb : List.<ThrowingCallable>of(store::clear, () -> new StaleClaimReaper(store).reap(), store::claims,
                () -> store.add(List.of(aTask("task_002").build())), () -> store.retry(List.of("task_001")),
                () -> store.cancel("task_001"))) {
            assertThatThrownBy(verb).isInstanceOf(CorruptFileException.class)
                    .hasMessageContaining(locks.toString()).hasMessageContaining("symbolic link");
        }

        assertThat(Files.readString(outside.resolve("x.lock"))).isEqualTo("precious");
        assertThat(Files.readString(outside.resolve("task_001.lock"))).isEqualTo("precious");
        try (var listing = Files.list(outside)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("x.lock", "task_001.lock");
        }
    }

    @Test
    void aDanglingLinkAsTaskLocksIsRefusedAndNotCreated() {
        Path locks = OddFiles.link(workspace.resolve("task_locks"), outside.resolve("made-by-vivarium"));

        assertThatThrownBy(() -> store().add(List.of(aTask("task_001").build())))
                .isInstanceOf(CorruptFileException.class).hasMessageContaining(locks.toString());
        assertThat(outside.resolve("made-by-vivarium")).doesNotExist();
    }

    @Test
    void oddEntriesWithAClaimsNameAreUnlinkedNeverFollowedAndADirectoryIsLeftAlone() throws Exception {
        store().add(List.of(aTask("a").build()));
        Path locks = Files.createDirectories(workspace.resolve("task_locks"));
        Path victim = Files.writeString(outside.resolve("victim"), "precious");
        OddFiles.link(locks.resolve("a.lock"), victim);
        OddFiles.fifo(locks.resolve("b.lock"));
        OddFiles.link(locks.resolve("c.lock"), outside.resolve("nowhere"));
        Path directory = Files.createDirectories(locks.resolve("d.lock"));
        Files.writeString(directory.resolve("inside"), "kept");
        Files.writeString(locks.resolve("e.lock"), "garbage");

        assertThat(within(() -> store().claims())).isEmpty();
        assertThat(within(() -> store().clear().claimsRemoved())).isEqualTo(4);

        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(outside.resolve("nowhere")).doesNotExist();
        try (var listing = Files.list(locks)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(".workspace.lock", ".journal", "d.lock");
        }
        assertThat(Files.readString(directory.resolve("inside"))).isEqualTo("kept");
    }

    @Test
    void theReaperUnlinksOddClaimsWithoutOpeningThem() throws Exception {
        store().add(List.of(aTask("a").build(), aTask("b").build()));
        Path locks = Files.createDirectories(workspace.resolve("task_locks"));
        Path victim = Files.writeString(outside.resolve("victim"), "precious");
        OddFiles.link(locks.resolve("a.lock"), victim);
        OddFiles.fifo(locks.resolve("b.lock"));

        within(() -> new StaleClaimReaper(store()).reap());

        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(Files.exists(locks.resolve("a.lock"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(locks.resolve("b.lock"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aDirectoryWithAClaimsNameIsNeverRemovedAndClaimingItsTaskIsRefusedNamingIt() throws Exception {
        Path locks = Files.createDirectories(workspace.resolve("task_locks"));
        Path directory = Files.createDirectories(locks.resolve("a.lock"));
        Files.writeString(directory.resolve("inside"), "kept");
        store().add(List.of(aTask("a").build()));

        assertThat(store().findStaleClaims()).isEmpty();
        assertThat(store().claims()).isEmpty();
        assertThat(new ClaimFiles(WorkspacePaths.of(workspace)).deleteAll()).isZero();

        assertThat(Files.readString(directory.resolve("inside"))).isEqualTo("kept");
    }

    // --- item 8: a link at a temp name, a linked lock file or document ---

    @Test
    void aLinkAtTheOldFixedTempNameIsNeverWrittenThrough() throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), "precious");
        Path link = OddFiles.link(workspace.resolve(".queue.json.tmp"), victim);
        OddFiles.link(workspace.resolve(".execution_log.json.tmp"), victim);

        store().add(List.of(aTask("task_001").build()));

        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.isRegularFile(workspace.resolve("queue.json"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(store().snapshot().tasks()).extracting(t -> t.id()).containsExactly("task_001");
        try (var listing = Files.list(workspace)) {
            assertThat(listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")))
                    .containsExactlyInAnyOrder(".queue.json.tmp", ".execution_log.json.tmp");
        }
    }

    @Test
    void aLinkedOrOddWorkspaceLockIsRefusedAndItsTargetNeverCreated() throws Exception {
        Path locks = Files.createDirectories(workspace.resolve("task_locks"));
        Path lockFile = OddFiles.link(locks.resolve(".workspace.lock"), outside.resolve("made-by-vivarium"));

        assertThatThrownBy(() -> store().add(List.of(aTask("task_001").build())))
                .isInstanceOf(CorruptFileException.class)
                .hasMessageContaining(lockFile.toString()).hasMessageContaining("symbolic link");
        assertThat(outside.resolve("made-by-vivarium")).doesNotExist();

        Files.delete(lockFile);
        OddFiles.fifo(lockFile);
        assertThatThrownBy(() -> within(() -> {
            store().add(List.of(aTask("task_001").build()));
            return null;
        })).isInstanceOf(CorruptFileException.class).hasMessageContaining("named pipe");
        assertThat(workspace.resolve("queue.json")).doesNotExist();
    }

    @Test
    void aLinkedQueueOrLogIsRefusedAndWhatItPointsToIsNeverChanged() throws Exception {
        store().add(List.of(aTask("task_001").build()));
        for (String name : List.of("queue.json", "execution_log.json")) {
            Path file = workspace.resolve(name);
            Path target = Files.move(file, outside.resolve(name));
            byte[] before = Files.readAllBytes(target);
            OddFiles.link(file, target);

            assertThatThrownBy(() -> store().snapshot()).isInstanceOf(CorruptFileException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("symbolic link");
            assertThatThrownBy(() -> store().add(List.of(aTask("task_002").build())))
                    .isInstanceOf(CorruptFileException.class).hasMessageContaining(file.toString());
            assertThatThrownBy(() -> store().clear()).isInstanceOf(CorruptFileException.class);

            assertThat(Files.readAllBytes(target)).isEqualTo(before);
            assertThat(Files.isSymbolicLink(file)).isTrue();
            Files.delete(file);
            Files.move(target, file);
        }
    }

    // --- item 9: odd files hang or crash ---

    @Test
    void aQueueOrLogThatIsANamedPipeIsRefusedAtOnceByEveryOperation() throws Exception {
        store().add(List.of(aTask("task_001").build()));
        for (String name : List.of("queue.json", "execution_log.json")) {
            Path file = workspace.resolve(name);
            Path aside = Files.move(file, outside.resolve(name));
            OddFiles.fifo(file);
            FileTaskStore store = store();

            for (Callable<?> verb : List.<Callable<?>>of(store::snapshot, store::clear, () -> new StaleClaimReaper(store).reap(),
                    () -> store.retry(List.of("task_001")), () -> store.cancel("task_001"), () -> {
                        store.add(List.of(aTask("task_002").build()));
                        return null;
                    })) {
                assertThatThrownBy(() -> within(verb, file)).isInstanceOf(CorruptFileException.class)
                        .hasMessageContaining(file.toString()).hasMessageContaining("named pipe");
            }
            assertThat(within(store::version, file)).isNotNull();

            assertThat(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).isFalse();
            Files.delete(file);
            Files.move(aside, file);
        }
    }

    @Test
    void aQueueBeyondTheBoundIsRefusedWithItsSizeInsteadOfFillingTheHeap() {
        Path queue = OddFiles.sparse(workspace.resolve("queue.json"), 600L << 20);

        assertThatThrownBy(() -> store().snapshot()).isInstanceOf(CorruptFileException.class)
                .hasMessageContaining(queue.toString()).hasMessageContaining("600 MiB")
                .hasMessageContaining("512 MiB");
    }

    @Test
    void statusIgnoresClaimsThatArePipesHugeOrLinksToDevices() throws Exception {
        store().add(List.of(aTask("a").build(), aTask("b").build(), aTask("c").build()));
        Path locks = Files.createDirectories(workspace.resolve("task_locks"));
        Path pipe = OddFiles.fifo(locks.resolve("a.lock"));
        OddFiles.sparse(locks.resolve("b.lock"), 3L << 30);
        OddFiles.link(locks.resolve("c.lock"), Path.of("/dev/zero"));

        assertThat(within(() -> store().claims(), pipe)).isEmpty();
        assertThat(within(() -> LeaseFiles.inspect(locks.resolve("b.lock"), null), pipe).lines()).isEmpty();
    }

    private static <T> T within(Callable<T> body, Path... pipes) throws Exception {
        return OddFiles.within(QUICKLY, List.of(pipes), body);
    }
}
