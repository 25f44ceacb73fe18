package io.vivarium.code.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.UserRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leftover worktrees of dead workers go at start, each on its own: one that cannot go leaves the rest to go. */
class LeftoverWorktreesTest {

    @TempDir
    Path dir;

    @Test
    void oneBadLeftoverDoesNotStopTheOthersGoing() throws Exception {
        UserRepo repo = UserRepo.init(dir);
        repo.write("a.txt", "a\n");
        repo.commitAll("first");
        Repository repository = Repository.require(dir);
        Path trees = repository.worktrees();
        // An owner "file" that is a directory with content: its removal fails.
        Files.createDirectories(trees.resolve("bad.owner/inside"));
        Files.writeString(trees.resolve("bad.owner/inside/file"), "x");
        // A dead worker's tree with a read-only directory in it (a build's output, say).
        Path readOnly = trees.resolve("good/build/out");
        Files.createDirectories(readOnly);
        Files.writeString(readOnly.resolve("artifact"), "x");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(readOnly.getParent(), PosixFilePermissions.fromString("r-xr-xr-x"));
        // And a removal a killed process left half done.
        Files.createDirectories(trees.resolve(".trash-old-1/sub"));

        int removed = new Worktrees(repository).pruneStale();

        assertThat(removed).isGreaterThanOrEqualTo(1);
        assertThat(trees.resolve("good")).doesNotExist();
        assertThat(trees.resolve(".trash-old-1")).doesNotExist();
        assertThat(trees.resolve("bad.owner")).exists();
    }
}
