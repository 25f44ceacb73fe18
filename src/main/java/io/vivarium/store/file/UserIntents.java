package io.vivarium.store.file;

import io.vivarium.spend.SpendLedger;
import io.vivarium.spend.SpendLimit;
import io.vivarium.task.FlowSettings;
import java.util.function.UnaryOperator;
import io.vivarium.store.Claim;
import io.vivarium.store.TaskStore.Cancellation;
import io.vivarium.store.UnknownTaskException;
import io.vivarium.store.file.LeaseFiles.Found;
import io.vivarium.store.file.LeaseFiles.Own;
import io.vivarium.task.CodeRun;
import io.vivarium.task.Scheduling;
import io.vivarium.task.TaskRun;
import io.vivarium.task.TaskStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a user asks of tasks already queued: retry, review, cancel, and the spend limit; each one change. */
final class UserIntents {

    private final JournalledState journalled;
    private final ClaimFiles claimFiles;
    private final Own own;

    UserIntents(JournalledState journalled, ClaimFiles claimFiles, Own own) {
        this.journalled = journalled;
        this.claimFiles = claimFiles;
        this.own = own;
    }

    SpendLedger limitSpend(Optional<SpendLimit> limit) {
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            change.limitSpend(limit);
            return state.spend();
        });
    }

    FlowSettings changeFlow(UnaryOperator<FlowSettings> edit) {
        return journalled.change(change -> {
            FlowSettings next = edit.apply(change.state().flow());
            if (!next.equals(change.state().flow())) {
                change.changeFlow(next);
            }
            return next;
        });
    }

    List<String> retry(Collection<String> ids) {
        return retryWhere(ids, false);
    }

    List<String> retryFailed() {
        return retryWhere(List.of(), true);
    }

    private List<String> retryWhere(Collection<String> ids, boolean allFailed) {
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            List<String> targets = new ArrayList<>();
            if (allFailed) {
                state.runs().forEach((id, run) -> {
                    if (run.status() == TaskStatus.FAILED && state.contains(id)) {
                        targets.add(id);
                    }
                });
            } else {
                for (String id : ids) {
                    if (!state.contains(id)) {
                        throw new UnknownTaskException(id);
                    }
                    targets.add(id);
                }
            }
            List<String> retried = new ArrayList<>();
            for (String id : targets) {
                state.runOf(id).retried(id).ifPresent(fresh -> {
                    change.put(id, fresh);
                    retried.add(id);
                });
            }
            for (String id : Scheduling.toUnblock(state.tasks(), state.runs()::get)) {
                change.put(id, state.runOf(id).retry(id));
                retried.add(id);
            }
            return retried;
        });
    }

    TaskRun review(String id, CodeRun.Review verdict, String feedback) {
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            if (!state.contains(id)) {
                throw new UnknownTaskException(id);
            }
            TaskRun reviewed = state.runOf(id).reviewed(id, verdict, feedback);
            change.put(id, reviewed);
            return reviewed;
        });
    }

    Cancellation cancel(String id) {
        return journalled.change(change -> {
            WorkspaceState state = change.state();
            if (!state.contains(id)) {
                throw new UnknownTaskException(id);
            }
            TaskRun run = state.runOf(id);
            TaskRun cancelled = run.cancel(id, change.now, state.task(id).orElseThrow().maxBudget());
            Optional<Claim> ended = Optional.empty();
            if (run.status() == TaskStatus.IN_PROGRESS) {
                ended = endLease(id, run);
            }
            change.put(id, cancelled);
            change.blockUnrunnable();
            return new Cancellation(cancelled, ended);
        });
    }

    /**
     * The lease of a running task, ended: forgotten at once when this store holds it (a retry may give the task to
     * this JVM again straight away); another holder learns it from the journal at its next renewal.
     */
    private Optional<Claim> endLease(String id, TaskRun run) {
        Optional<Own.Held> ours = own.get(id);
        if (ours.isPresent()) {
            own.remove(id);
            return Optional.of(ours.get().claim);
        }
        for (Found found : LeaseFiles.scan(claimFiles, own)) {
            for (LeaseFiles.Line line : found.lines()) {
                if (line.taskId().equals(id) && Objects.equals(line.workerId(), run.workerId())) {
                    return Optional.of(line.claim());
                }
            }
        }
        return Optional.empty();
    }
}
