package io.vivarium.plan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Whether the workspace is inside a git working tree, as the user's own {@code git} says. */
final class GitWorkspace {

    private GitWorkspace() {
    }

    /** False when git says no, is missing, or takes longer than a few seconds to say. */
    static boolean isRepository(Path workspace) {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--is-inside-work-tree")
                    .directory(workspace.toFile())
                    .redirectErrorStream(true)
                    .start();
            byte[] out = git.getInputStream().readNBytes(64);
            if (!git.waitFor(10, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return false;
            }
            return git.exitValue() == 0 && new String(out).strip().equals("true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
