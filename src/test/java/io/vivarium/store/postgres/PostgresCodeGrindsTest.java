package io.vivarium.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.code.git.Git;
import io.vivarium.support.CliRun;
import io.vivarium.support.PostgresDatabase;
import io.vivarium.support.UserRepo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Code grinds on PostgreSQL across machines: each worker's workspace is its own clone of one origin; the stored
 * patch lets review, diff and accept work on a clone that lacks the commit, and a base commit a clone lacks is
 * fetched from origin.
 */
class PostgresCodeGrindsTest {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase();

    @TempDir
    Path dir;

    String store;
    UserRepo here;
    UserRepo there;

    @BeforeEach
    void twoClones() {
        store = db.url();
        UserRepo seed = UserRepo.init(dir.resolve("seed"));
        seed.write("calc.py", "def add(a, b):\n    return a - b\n");
        seed.commitAll("first");
        seed.git("clone", "-q", "--bare", dir.resolve("seed").toString(), dir.resolve("origin.git").toString());
        here = clone("here");
        there = clone("there");
        assertThat(cli(here, "clear").exitCode()).isZero();
    }

    private UserRepo clone(String name) {
        new UserRepo(dir).git("clone", "-q", dir.resolve("origin.git").toString(), dir.resolve(name).toString());
        UserRepo repo = new UserRepo(dir.resolve(name));
        repo.git("config", "user.name", "User " + name);
        repo.git("config", "user.email", name + "@example.com");
        return repo;
    }

    private CliRun cli(UserRepo repo, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--store";
        all[args.length + 1] = store;
        return CliRun.in(repo.root(), all);
    }

    private JsonNode runColumn(String id) throws Exception {
        try (Connection c = db.superuser(); PreparedStatement ps = c.prepareStatement(
                "SELECT run::text FROM vivarium_task WHERE id = ?")) {
            ps.setString(1, id);
            return JsonMapper.builder().build().readTree(queryOne(ps));
        }
    }

    private String queryOne(PreparedStatement ps) throws Exception {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aChangeMadeOnAnotherMachineIsReviewedDiffedAndAcceptedHereFromTheStoredPatch() throws Exception {
        assertThat(cli(here, "add", "fix_add", "grind", "--worktree", "--description", "Fix add",
                "--command", "sed -i 's/a - b/a + b/' calc.py").exitCode()).isZero();

        CliRun ran = cli(there, "start", "1");

        assertThat(ran.exitCode()).as(ran.out() + ran.err()).isZero();
        JsonNode run = runColumn("fix_add");
        assertThat(run.get("branch").asString()).isEqualTo("vivarium/fix_add");
        assertThat(run.get("review").asString()).isEqualTo("pending");
        assertThat(run.get("changes").get("files").asInt()).isEqualTo(1);
        assertThat(run.get("check").get("passed").asBoolean()).isTrue();
        String commit = run.get("commit").asString();
        assertThat(new Git(here.root()).call("cat-file", "-e", commit + "^{commit}").ok()).isFalse();

        assertThat(cli(here, "review").out()).contains("1 change waits for review", "fix_add", "vivarium/fix_add");
        assertThat(cli(here, "diff", "fix_add").out()).contains("+    return a + b");
        CliRun accepted = cli(here, "accept", "fix_add");

        assertThat(accepted.exitCode()).as(accepted.err()).isZero();
        assertThat(here.read("calc.py")).contains("a + b");
        assertThat(here.git("log", "-1", "--format=%an %B")).contains("User here", "Vivarium-Task: fix_add");
        assertThat(runColumn("fix_add").get("review").asString()).isEqualTo("accepted");
        // The other machine's own tree was never touched.
        assertThat(there.read("calc.py")).contains("a - b");
        assertThat(there.git("status", "--porcelain")).isEmpty();
    }

    @Test
    void aBaseCommitThisCloneLacksIsFetchedFromOriginElseTheTaskFailsSayingSo() throws Exception {
        cli(here, "add", "one", "grind", "--worktree", "--command", "echo one > one.txt");
        cli(here, "add", "lost", "grind", "--worktree", "--command", "echo lost > lost.txt");
        CliRun pushed = cli(there, "worker", "run", "1", "--push", "origin");
        CliRun unpushed = cli(there, "worker", "run", "1");
        assertThat(pushed.exitCode()).as(pushed.out() + pushed.err()).isZero();
        assertThat(unpushed.exitCode()).as(unpushed.out() + unpushed.err()).isZero();
        assertThat(new UserRepo(dir.resolve("origin.git")).git("branch", "--list", "vivarium/*").strip())
                .isEqualTo("vivarium/one");
        cli(here, "add", "two", "grind", "--worktree", "--command", "echo two > two.txt", "--depends-on", "one");
        cli(here, "add", "three", "grind", "--worktree", "--command", "echo 3 > three.txt", "--depends-on", "lost",
                "--max-attempts", "1");

        cli(here, "start", "2");

        JsonNode two = runColumn("two");
        assertThat(two.get("status").asString()).isEqualTo("completed");
        assertThat(two.get("base").asString()).isEqualTo(runColumn("one").get("commit").asString());
        assertThat(here.git("ls-tree", "--name-only", "vivarium/two")).contains("one.txt", "two.txt");
        JsonNode three = runColumn("three");
        assertThat(three.get("status").asString()).isEqualTo("failed");
        assertThat(three.get("error").asString()).isEqualTo("the base commit " + runColumn("lost").get("commit").asString()
                + " (of lost) is not in this clone and could not be fetched from origin");
    }
}
