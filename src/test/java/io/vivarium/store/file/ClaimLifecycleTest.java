package io.vivarium.store.file;

import static io.vivarium.support.Tasks.aTask;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.Takeover;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.worker.StaleClaimReaper;
import io.vivarium.support.MutableClock;
import io.vivarium.support.WorkspaceFiles;
import io.vivarium.task.GrindResult;
import io.vivarium.task.RetryPolicy;
import io.vivarium.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ClaimLifecycleTest {

    private static final GrindResult OK = GrindResult.success(0.05, "done", 0, "");

    @TempDir
    Path workspace;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T10:30:00Z"));
    private final WorkerIdentity worker = WorkerIdentity.create();
    private FileTaskStore store;

    @BeforeEach
    void store() {
        store = new FileTaskStore(workspace, clock,
                StoreSettings.withLease(Duration.ofSeconds(10), new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8))));
    }

    @Test
    void aClaimIsALineOfItsProcesssLockedLeaseFileAndTheLogSaysInProgress() throws Exception {
        store.add(List.of(aTask("a").build()));

        CommitResult result = store.commit(worker, List.of(), 5);

        assertThat(result.claimed()).extracting(Lease::taskId).containsExactly("a");
        List<Path> leaseFiles = WorkspaceFiles.leaseFiles(workspace);
        assertThat(leaseFiles).hasSize(1);
        assertThat(leaseFiles.get(0).getFileName().toString()).contains("-" + ProcessHandle.current().pid() + "-");
        JsonNode record = WorkspaceFiles.claimOf(workspace, "a").orElseThrow();
        assertThat(record.get("task_id").asString()).isEqualTo("a");
        assertThat(record.get("worker_id").asString()).isEqualTo(worker.workerId());
        assertThat(record.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(record.get("host").asString()).isNotBlank();
        assertThat(record.get("acquired_at").asString()).isEqualTo("2026-01-15T10:30:00.000000+00:00");
        assertThat(record.get("heartbeat_at").asString()).isNotBlank();
        // A busy pool's commit leaves the log to the background checkpoint, well within a second.
        await().atMost(Duration.ofSeconds(2)).until(() -> WorkspaceFiles.log(workspace).path("tasks").has("a"));
        JsonNode entry = WorkspaceFiles.log(workspace).get("tasks").get("a");
        assertThat(entry.get("status").asString()).isEqualTo("in_progress");
        assertThat(entry.get("worker_id").asString()).isEqualTo(worker.workerId());
        assertThat(entry.get("attempts").asInt()).isEqualTo(1);
        assertThat(store.claims()).extracting(c -> c.taskId()).containsExactly("a");
        try (var dir = Files.list(workspace.resolve("task_locks"))) {
            assertThat(dir.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    leaseFiles.get(0).getFileName().toString(), ".workspace.lock", ".journal");
        }
    }

    @Test
    void aFinishIsWrittenToTheLogInTheOriginalFormatAndEndsTheLease() {
        store.add(List.of(aTask("a").build()));
        Lease lease = store.commit(worker, List.of(), 1).claimed().get(0);
        clock.advance(Duration.ofSeconds(5));

        store.commit(worker, List.of(Finish.done(lease, OK)), 1);

        assertThat(WorkspaceFiles.claimOf(workspace, "a")).isEmpty();
        assertThat(WorkspaceFiles.leaseFiles(workspace)).as("an idle process leaves no lease file").isEmpty();
        JsonNode entry = WorkspaceFiles.log(workspace).get("tasks").get("a");
        assertThat(entry.get("status").asString()).isEqualTo("completed");
        assertThat(entry.get("completed_at").asString()).isEqualTo("2026-01-15T10:30:05.000000+00:00");
        assertThat(entry.get("budget_used").asDouble()).isEqualTo(0.05);
        assertThat(entry.get("result").asString()).isEqualTo("done");
        assertThat(WorkspaceFiles.log(workspace).get("swarm_summary").get("completed").asInt()).isEqualTo(1);
    }

    @Test
    void aWorkerThatLostItsClaimRecordsNothing() throws Exception {
        store.add(List.of(aTask("a").build()));
        Lease lease = store.commit(worker, List.of(), 1).claimed().get(0);
        removeLeaseFiles(); // the guide's `rm task_locks/*.lock`

        assertThat(store.renew(List.of(lease))).isNotEmpty();
        CommitResult result = store.commit(worker, List.of(Finish.done(lease, OK)), 0);

        assertThat(result.lost()).containsExactly(lease);
        assertThat(store.snapshot().statusOf("a")).isEqualTo(TaskStatus.IN_PROGRESS);
    }

    @Test
    void aRemovedClaimIsRequeuedOnlyAfterTheOwnerHadTimeToStop() throws Exception {
        store.add(List.of(aTask("a").build()));
        Lease lease = store.commit(worker, List.of(), 1).claimed().get(0);
        removeLeaseFiles();
        store.commit(worker, List.of(Finish.done(lease, OK)), 0); // lost: forgets its channel

        assertThat(new StaleClaimReaper(store).reap()).isEmpty();
        clock.advance(store.settings().missingClaimGrace());
        List<Takeover> takeovers = new StaleClaimReaper(store).reap();

        assertThat(takeovers).extracting(Takeover::reason).containsExactly(Takeover.Reason.UNCLAIMED);
        assertThat(store.snapshot().statusOf("a")).isEqualTo(TaskStatus.PENDING);
        assertThat(store.commit(worker, List.of(), 1).claimed()).extracting(Lease::attempt).containsExactly(2);
    }

    @Test
    void aClaimWhoseOwnerDiedIsTakenOverAtOnce() throws Exception {
        store.add(List.of(aTask("a").build()));
        // A claim file nobody holds a lock on is what a killed process leaves behind.
        Files.createDirectories(workspace.resolve("task_locks"));
        Files.writeString(workspace.resolve("task_locks/a.lock"), """
                {"task_id":"a","worker_id":"worker_dead","pid":999999,"host":"elsewhere",
                 "acquired_at":"2026-01-15T10:29:00+00:00","heartbeat_at":"2026-01-15T10:29:59+00:00"}
                """);

        assertThat(store.commit(worker, List.of(), 1).claimed()).extracting(Lease::taskId).containsExactly("a");
        assertThat(store.findStaleClaims()).as("the dead file holds nothing that runs").isEmpty();
        assertThat(workspace.resolve("task_locks/a.lock")).doesNotExist();
        assertThat(WorkspaceFiles.claimOf(workspace, "a").orElseThrow().get("worker_id").asString())
                .isEqualTo(worker.workerId());
    }

    private void removeLeaseFiles() throws java.io.IOException {
        for (Path file : WorkspaceFiles.leaseFiles(workspace)) {
            Files.delete(file);
        }
    }

    @Test
    void unlockedClaimFilesWrittenByAnotherProgramAreDeadOwnersClaims() throws Exception {
        store.add(List.of(aTask("a").build(), aTask("b").maxAttempts(1).build()));
        Files.createDirectories(workspace.resolve("task_locks"));
        Files.writeString(workspace.resolve("execution_log.json"), """
                {"version":"1.0","tasks":{
                  "a":{"worker_id":"worker_dead","status":"in_progress","attempts":1},
                  "b":{"worker_id":"worker_dead","status":"in_progress","attempts":1}}}
                """);
        for (String id : List.of("a", "b")) {
            Files.writeString(workspace.resolve("task_locks/" + id + ".lock"),
                    "{\"task_id\":\"" + id + "\",\"worker_id\":\"worker_dead\",\"pid\":1,\"host\":\"x\"}");
        }

        List<Takeover> takeovers = new StaleClaimReaper(store).reap();

        assertThat(takeovers).extracting(Takeover::taskId).containsExactlyInAnyOrder("a", "b");
        assertThat(takeovers).extracting(Takeover::reason).containsOnly(Takeover.Reason.OWNER_DIED);
        assertThat(store.snapshot().runOf("a").error()).isEqualTo("worker worker_dead died during attempt 1");
        assertThat(workspace.resolve("task_locks/a.lock")).doesNotExist();
        assertThat(workspace.resolve("task_locks/b.lock")).doesNotExist();
    }
}
