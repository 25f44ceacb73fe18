package io.vivarium.code;

import io.vivarium.code.agent.AgentOutcome;
import io.vivarium.code.agent.CheckOutcome;
import io.vivarium.code.agent.EditTask;
import io.vivarium.code.git.Commits;
import io.vivarium.code.git.GitEnvironment;
import io.vivarium.code.git.GitException;
import io.vivarium.code.git.Repository;
import io.vivarium.code.git.Worktree;
import io.vivarium.code.git.Worktrees;
import io.vivarium.grind.Exec;
import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindEngine;
import io.vivarium.grind.GrindRequest;
import io.vivarium.grind.GrindRunner;
import io.vivarium.task.Durations;
import io.vivarium.task.CodeRun;
import io.vivarium.task.GrindResult;
import io.vivarium.task.Money;
import io.vivarium.task.Task;
import io.vivarium.task.TaskRun;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Runs grinds, and those of tasks with {@code worktree: true} as code grinds: in a git worktree of their own on
 * branch {@code vivarium/<id>}, the command or the edit agent first, then the check on the final tree, then what
 * changed committed on the branch, all under the task's one dollar cap. The worktree is removed however the grind
 * ends; its branch stays. Every other grind goes to the {@link GrindEngine} as before.
 */
public final class CodeGrinds implements GrindRunner {

    private final GrindEngine engine;
    private final CodeSettings settings;
    private final Function<String, Optional<TaskRun>> runs;
    private final Optional<Repository> repository;

    /**
     * @param runs the store's run entries by task id (a dependency's commit, the last attempt's check and feedback)
     */
    public CodeGrinds(GrindEngine engine, CodeSettings settings, Function<String, Optional<TaskRun>> runs) {
        this.engine = engine;
        this.settings = settings;
        this.runs = runs;
        Optional<Repository> found;
        try {
            found = Repository.find(engine.workspace());
        } catch (GitException e) {
            found = Optional.empty();
        }
        this.repository = found;
        // Worktrees left by a worker that was killed (its owner process is gone) go at start.
        try {
            found.ifPresent(r -> new Worktrees(r).pruneStale());
        } catch (RuntimeException e) {
            // The lock or git failing here must not stop start or serve: the next start tries again.
            org.slf4j.LoggerFactory.getLogger(CodeGrinds.class).warn("cannot remove leftover worktrees: {}",
                    e.getMessage());
        }
    }

    @Override
    public GrindResult run(GrindRequest request, GrindControl control) {
        Task task = request.task();
        if (!CodeTask.isCode(task)) {
            return engine.run(request, control);
        }
        if (repository.isEmpty()) {
            return GrindResult.finalFailure(0, Repository.find(engine.workspace()).isPresent()
                    ? "internal error: repository appeared after start"
                    : "the workspace " + engine.workspace() + " is not a git repository (or git is missing): "
                    + "worktree tasks need one", null, null);
        }
        Repository repo = repository.get();
        Worktrees worktrees = new Worktrees(repo);
        if (worktrees.hasStale()) {
            // A worker elsewhere was killed since this one started (a long-running serve sees this): its leftovers go.
            worktrees.pruneStale();
        }
        Worktree tree;
        try {
            tree = open(repo, worktrees, task);
        } catch (Bases.NoBase e) {
            return GrindResult.finalFailure(0, e.getMessage(), null, null);
        } catch (GitException | java.io.UncheckedIOException e) {
            return GrindResult.failure(0, e.getMessage(), null, null);
        }
        try {
            return new CodeGrind(engine, settings, request, control, tree, previous(task.id())).run();
        } finally {
            worktrees.remove(tree);
        }
    }

    /** The worktree at the task's base: its code dependencies' commits (merged when several), else HEAD now. */
    private Worktree open(Repository repo, Worktrees worktrees, Task task) {
        Bases bases = new Bases(repo, runs);
        List<String> commits = bases.dependencyCommits(task);
        String first = commits.isEmpty() ? bases.head() : commits.get(0);
        Worktree tree = worktrees.create(task.id(), first);
        if (commits.size() > 1) {
            try {
                String merged = Bases.merge(tree, commits.subList(1, commits.size()), task.id());
                tree = new Worktree(tree.path(), tree.branch(), merged);
            } catch (RuntimeException e) {
                worktrees.remove(tree);
                throw e;
            }
        }
        return tree;
    }

    private Optional<CodeRun> previous(String id) {
        return runs.apply(id).map(TaskRun::code);
    }

    /** One code grind, from its work to its result. */
    private record CodeGrind(GrindEngine engine, CodeSettings settings, GrindRequest request, GrindControl control,
                             Worktree tree, Optional<CodeRun> previous) {

        GrindResult run() {
            Task task = request.task();
            CodeTask code = CodeTask.of(task);
            double rate = engine.settings().dollarsPerSecond() * request.intensity().rateMultiplier();
            GrindBudget budget = new GrindBudget(request.maxBudget(), rate,
                    request.prompt() != null ? settings.prices() : null);
            String checkCommand = CheckCommand.resolve(code.check(), settings.defaultCheck(), tree.path()).orElse(null);
            WorktreeCheck check = new WorktreeCheck(engine, tree.path(), checkCommand, budget, control);

            // The task's timeout holds as for a command grind: at the deadline the grind is stopped, which kills
            // its command or check and ends the agent's wait for the model; the agent sees it before its next turn.
            String timedOut = request.timeout() == null ? null : "timed out after " + Durations.format(request.timeout());
            AtomicBoolean over = new AtomicBoolean();
            if (timedOut != null) {
                CompletableFuture.runAsync(() -> {
                    if (!over.get()) {
                        control.stop(timedOut);
                    }
                }, CompletableFuture.delayedExecutor(request.timeout().toNanos(), TimeUnit.NANOSECONDS));
            }
            try {
                GrindResult result = run(task, code, budget, checkCommand, check, timedOut);
                // The deadline may pass during the check: the grind timed out, whatever the check then said.
                return !result.succeeded() && timedOut != null && timedOut.equals(control.stopReason())
                        ? GrindResult.failure(result.budgetUsed(), timedOut, result.exitCode(), result.output())
                        : result;
            } finally {
                over.set(true);
            }
        }

        private GrindResult run(Task task, CodeTask code, GrindBudget budget, String checkCommand,
                WorktreeCheck check, String timedOut) {
            Work work = request.command() != null ? runCommand(budget)
                    : request.prompt() != null ? runAgent(task, code, budget, check)
                    : new Work(true, null, "nothing to do", null, 0, 0, 0);
            if (control.isStopped() && timedOut != null && timedOut.equals(control.stopReason())) {
                return GrindResult.failure(budget.spent(), timedOut, work.exitCode(), work.output());
            }
            if (control.isStopped()) {
                return GrindResult.failure(budget.spent(), "stopped: " + control.stopReason(), work.exitCode(),
                        work.output());
            }
            // Whatever changed is committed, a failed or budget-stopped grind's partial work too, for inspection.
            Optional<String> commit;
            try {
                commit = Commits.commitAll(tree, Commits.message(task.id(), task.description()));
            } catch (GitException e) {
                return GrindResult.failure(budget.spent(), e.getMessage(), work.exitCode(), work.output());
            }
            CheckOutcome checked = work.ok() && commit.isPresent() && !budget.exhausted() ? check.run() : null;
            Commits.Stat stat = commit.map(c -> Commits.stat(tree.git(), tree.base(), c)).orElse(null);
            CodeRun.Review review = null;
            String error;
            boolean retryable = true;
            if (budget.exhausted() || work.budgetExhausted() || check.ranOutOfBudget()) {
                error = String.format(Locale.ROOT, "budget exhausted at the $%s cap%s",
                        io.vivarium.task.Budget.format(request.maxBudget()),
                        commit.isPresent() ? "; partial work committed on " + tree.branch() : "");
                retryable = false;
            } else if (!work.ok()) {
                error = work.error();
            } else if (commit.isEmpty()) {
                error = "no change";
            } else if (checked != null && !checked.passed()) {
                error = "check failed: " + checked.command()
                        + (checked.exitCode() == null ? " (stopped)" : " exited " + checked.exitCode());
            } else {
                error = null;
                review = CodeRun.Review.PENDING;
            }
            CodeRun run = new CodeRun(tree.branch(), tree.base(), commit.orElse(null),
                    stat == null ? null : new CodeRun.Changes(stat.files(), stat.insertions(), stat.deletions()),
                    checked == null ? (checkCommand == null ? asRun(CheckOutcome.none()) : null) : asRun(checked),
                    work.turns() > 0 ? work.turns() : null, review,
                    commit.map(c -> Commits.patch(tree.git(), tree.base(), c)).orElse(null), null);
            double used = Money.round(Math.min(request.maxBudget(), Math.max(request.minBudget(), budget.spent())));
            String pushNote = error == null ? push(commit) : "";
            GrindResult result = error == null
                    ? GrindResult.success(used, resultText(work, stat, checked) + pushNote, work.exitCode(),
                    work.output())
                    : retryable ? GrindResult.failure(used, error, work.exitCode(), work.output())
                    : GrindResult.finalFailure(used, error, work.exitCode(), work.output());
            return result.withTokens(work.tokensIn(), work.tokensOut()).withCode(run);
        }

        private Work runCommand(GrindBudget budget) {
            Exec exec;
            try {
                exec = engine.exec(tree.path(), request.command(), budget.timeLeft(), control, request.label(),
                        GitEnvironment::scrub);
            } catch (GrindEngine.CannotStart e) {
                return new Work(false, null, e.getMessage(), null, 0, 0, 0);
            }
            budget.chargeSeconds(exec.seconds());
            if (!exec.exited()) {
                return new Work(false, null, "budget exhausted", exec.output(), 0, 0, 0, true);
            }
            String took = String.format(Locale.ROOT, "%.2fs", exec.seconds());
            if (exec.exitCode() != 0) {
                String last = exec.lastLine();
                return new Work(false, exec.exitCode(), "exit code " + exec.exitCode()
                        + (last.isEmpty() ? "" : ": " + last), exec.output(), 0, 0, 0);
            }
            return new Work(true, 0, "exit code 0 after " + took, exec.output(), 0, 0, 0);
        }

        private Work runAgent(Task task, CodeTask code, GrindBudget budget, WorktreeCheck check) {
            if (settings.agent() == null) {
                return new Work(false, null, "no LLM configured for edit grinds: set TOGETHER_API_KEY", null, 0, 0, 0);
            }
            String previousCheck = previous.map(CodeRun::check)
                    .filter(c -> !c.passed()).map(CodeRun.Check::output).orElse(null);
            String feedback = previous.map(CodeRun::feedback).orElse(null);
            EditTask edit = new EditTask(task.id(), task.description(), request.prompt(), code.files(),
                    code.maxTurns(), settings.repositoryMap().apply(tree.path()), previousCheck, feedback);
            AgentOutcome outcome = settings.agent().run(tree.path(), edit, budget, check, control);
            boolean ok = outcome.ending() == AgentOutcome.Ending.FINISHED
                    || outcome.ending() == AgentOutcome.Ending.MAX_TURNS;
            String text = outcome.summary() != null ? outcome.summary() : outcome.detail();
            return new Work(ok, null, ok ? text : (outcome.detail() == null ? outcome.ending().name() : outcome.detail()),
                    null, outcome.turns(), outcome.tokensIn(), outcome.tokensOut(),
                    outcome.ending() == AgentOutcome.Ending.BUDGET_EXHAUSTED);
        }

        private String push(Optional<String> commit) {
            if (commit.isEmpty() || settings.pushRemote() == null) {
                return "";
            }
            var pushed = tree.git().call("push", "-q", "--force", settings.pushRemote(),
                    commit.get() + ":refs/heads/" + tree.branch());
            return pushed.ok() ? "; pushed " + tree.branch() + " to " + settings.pushRemote()
                    : "; push to " + settings.pushRemote() + " failed: " + pushed.firstErrorLine();
        }

        private static String resultText(Work work, Commits.Stat stat, CheckOutcome checked) {
            String change = String.format(Locale.ROOT, "%d file(s) changed, +%d -%d", stat.files(), stat.insertions(),
                    stat.deletions());
            String checkText = checked == null || checked.command() == null ? "no check"
                    : "check passed (" + checked.command() + ")";
            return (work.result() == null ? "" : work.result() + "; ") + change + "; " + checkText
                    + "; review pending";
        }

        private static CodeRun.Check asRun(CheckOutcome c) {
            return new CodeRun.Check(c.command(), c.exitCode(), c.passed(), c.seconds(), c.output());
        }
    }

    /** What the grind's work did before the commit and check: {@code result} is its text, or the error. */
    private record Work(boolean ok, Integer exitCode, String result, String output, int turns, long tokensIn,
                        long tokensOut, boolean budgetExhausted) {

        Work(boolean ok, Integer exitCode, String result, String output, int turns, long tokensIn, long tokensOut) {
            this(ok, exitCode, result, output, turns, tokensIn, tokensOut, false);
        }

        String error() {
            return result;
        }
    }
}
