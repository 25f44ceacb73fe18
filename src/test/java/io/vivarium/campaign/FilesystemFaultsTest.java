package io.vivarium.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vivarium.support.CliRun;
import io.vivarium.support.WorkspaceFiles;
import io.vivarium.task.Task;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Part of the bad-input campaign: a full disk and a read-only workspace, on real mounts (needs root). */
class FilesystemFaultsTest {

    @TempDir
    Path dir;

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void aFullDiskFailsTheWriteClearlyAndKeepsTheOldFile() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString()), "cannot mount a tmpfs here");
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(CliRun.in(mount, "add", "task_" + i, "grind").exitCode()).isZero();
            }
            byte[] queue = WorkspaceFiles.bytes(mount.resolve("queue.json"));
            Path filler = mount.resolve("filler");
            try (OutputStream out = Files.newOutputStream(filler)) {
                byte[] block = new byte[1024];
                while (true) {
                    out.write(block);
                }
            } catch (IOException full) {
                // the disk is full now
            }
            // Filled after the workspace's last write, to the page: nothing else writes to this mount meanwhile.
            assertThat(Files.getFileStore(mount).getUsableSpace()).isLessThan(4096);

            // The longest description a task may have: far more than the page slack the journal has, or than the
            // add could free by replacing the workspace's own small files, whatever the writes before left.
            CliRun add = CliRun.in(mount, "add", "one_too_many", "grind", "--description",
                    "x".repeat(Task.MAX_TEXT_LENGTH));

            assertThat(add.exitCode()).as(add.err()).isEqualTo(2);
            assertThat(add.errLines()).hasSize(1);
            assertThat(add.err()).contains("No space left on device");
            assertThat(WorkspaceFiles.bytes(mount.resolve("queue.json"))).isEqualTo(queue);
            try (var listing = Files.list(mount)) {
                assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
            assertThat(WorkspaceFiles.queue(mount).get("tasks")).hasSize(5);

            Files.delete(filler);
            assertThat(CliRun.in(mount, "add", "one_too_many", "grind").exitCode()).isZero();
            assertThat(CliRun.in(mount, "start", "2").exitCode()).isZero();
            assertThat(WorkspaceFiles.log(mount).get("swarm_summary").get("completed").asInt()).isEqualTo(6);
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void aReadOnlyWorkspaceCanBeReadButNotChanged() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Path readOnly = Files.createDirectories(dir.resolve("readonly"));
        CliRun.in(source, "add", "a", "grind");
        assumeTrue(run("mount", "--bind", source.toString(), readOnly.toString()), "cannot bind-mount here");
        try {
            assumeTrue(run("mount", "-o", "remount,bind,ro", readOnly.toString()), "cannot remount read-only");
            byte[] queue = WorkspaceFiles.bytes(readOnly.resolve("queue.json"));

            CliRun status = CliRun.in(readOnly, "status", "--json");
            CliRun add = CliRun.in(readOnly, "add", "b", "grind");
            CliRun start = CliRun.in(readOnly, "start", "1");

            assertThat(status.exitCode()).isZero();
            assertThat(status.out()).contains("\"pending\": 1");
            assertThat(add.exitCode()).as(add.err()).isEqualTo(2);
            assertThat(add.err()).contains("Read-only file system").doesNotContain("Exception");
            assertThat(start.exitCode()).as(start.err()).isEqualTo(2);
            assertThat(start.err()).contains("Read-only file system");
            assertThat(WorkspaceFiles.bytes(readOnly.resolve("queue.json"))).isEqualTo(queue);
        } finally {
            run("umount", "-l", readOnly.toString());
        }
    }
}
