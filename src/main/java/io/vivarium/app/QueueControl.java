package io.vivarium.app;

import io.vivarium.store.QueueStatus;
import io.vivarium.store.TaskStore;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.QueueName;
import io.vivarium.task.Rate;
import io.vivarium.task.Summary;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The user's moves on queues and the pause, shared by the CLI ({@code queue}, {@code queue set}, {@code queue
 * pause|resume}, {@code pause}, {@code resume}) and HTTP ({@code /queues}, {@code /pause}, {@code /resume}). Each
 * change is one {@link TaskStore#changeFlow} write; every input is checked before it, so a bad one changes
 * nothing. Names are checked with {@link QueueName}; errors name the field {@link #FIELD}, {@code concurrency}
 * or {@code rate}.
 */
public final class QueueControl {

    /** The field an invalid or unknown queue name is reported under. */
    public static final String FIELD = "queue";
    /** The word that removes a limit: {@code --concurrency none}, {@code --rate none}, or JSON null. */
    public static final String NONE = "none";

    private final TaskStore store;

    public QueueControl(TaskStore store) {
        this.store = store;
    }

    /**
     * One limit in a {@link #set}: {@link #keep()} it as it is, {@link #remove()} it (no limit), or set it
     * {@link #to} a value.
     */
    public record Change<T>(boolean given, T value) {

        public static <T> Change<T> keep() {
            return new Change<>(false, null);
        }

        public static <T> Change<T> remove() {
            return new Change<>(true, null);
        }

        public static <T> Change<T> to(T value) {
            if (value == null) {
                throw new IllegalArgumentException("use remove() for no limit");
            }
            return new Change<>(true, value);
        }

        T applyTo(T current) {
            return given ? value : current;
        }
    }

    /** {@code N} (1 to {@link QueueLimits#MAX_CONCURRENCY}) or {@code none}; else an error naming {@code concurrency}. */
    public static Change<Integer> concurrency(String text) {
        String given = text == null ? "" : text.strip();
        if (given.toLowerCase(Locale.ROOT).equals(NONE)) {
            return Change.remove();
        }
        int value;
        try {
            value = Integer.parseInt(given);
        } catch (NumberFormatException e) {
            throw new InvalidTaskException("concurrency", "concurrency must be a whole number from 1 to "
                    + QueueLimits.MAX_CONCURRENCY + ", or none to remove the limit (got '" + shown(given) + "')");
        }
        return concurrency(value);
    }

    /** {@code value} checked as a concurrency limit: the same rule as {@link QueueLimits}. */
    public static Change<Integer> concurrency(int value) {
        QueueLimits.NONE.withConcurrency(value);
        return Change.to(value);
    }

    /** {@code N/PERIOD} ({@link Rate#parse}) or {@code none}; else an error naming {@code rate}. */
    public static Change<Rate> rate(String text) {
        if (text != null && text.strip().toLowerCase(Locale.ROOT).equals(NONE)) {
            return Change.remove();
        }
        return Change.to(Rate.parse(text));
    }

    /** Every queue that holds a task or has limits, {@code default} first ({@link TaskStore#queues()}). */
    public List<QueueStatus> list() {
        return store.queues();
    }

    /** {@link #list()} with the workspace's own pause. */
    public QueuesView view() {
        return new QueuesView(store.flowSettings().paused(), list());
    }

    /** One queue as it stands; {@link UnknownQueueException} when it holds no task and has no limits. */
    public QueueStatus show(String name) {
        QueueName.requireValid(FIELD, name);
        return find(name).orElseThrow(() -> new UnknownQueueException(name));
    }

    /**
     * Changes the limits of queue {@code name} (which need not hold a task yet): what is given changes, what is
     * kept stays; its pause is left as it is. Answers the queue as it then stands.
     */
    public QueueStatus set(String name, Change<Integer> concurrency, Change<Rate> rate) {
        return set(name, concurrency, rate, null);
    }

    /** {@link #set(String, Change, Change)} that also pauses ({@code true}) or resumes the queue, in the same write; null keeps its pause. */
    public QueueStatus set(String name, Change<Integer> concurrency, Change<Rate> rate, Boolean paused) {
        QueueName.requireValid(FIELD, name);
        store.changeFlow(flow -> {
            QueueLimits now = flow.of(name);
            return flow.withQueue(name, new QueueLimits(concurrency.applyTo(now.concurrency()),
                    rate.applyTo(now.rate()), paused == null ? now.paused() : paused));
        });
        return status(name);
    }

    /** Nothing of queue {@code name} starts until it is resumed; its running grinds finish. It may hold no task yet. */
    public QueueStatus pauseQueue(String name) {
        QueueName.requireValid(FIELD, name);
        store.changeFlow(flow -> flow.withQueue(name, flow.of(name).withPaused(true)));
        return status(name);
    }

    /**
     * Lets queue {@code name} start tasks again (a workspace pause still holds it). A queue that holds no task and
     * has no settings ({@code default} always exists) is an {@link UnknownQueueException}: most likely a mistyped
     * name.
     */
    public QueueStatus resumeQueue(String name) {
        QueueName.requireValid(FIELD, name);
        boolean known = find(name).isPresent();
        store.changeFlow(flow -> {
            if (!known && !flow.queues().containsKey(name)) {
                throw new UnknownQueueException(name);
            }
            return flow.withQueue(name, flow.of(name).withPaused(false));
        });
        return status(name);
    }

    /** The whole workspace: nothing new starts in any process sharing the store; running grinds finish. */
    public FlowSettings pause() {
        return store.changeFlow(flow -> flow.withPaused(true));
    }

    /** Ends {@link #pause()}; queues paused by themselves stay paused. */
    public FlowSettings resume() {
        return store.changeFlow(flow -> flow.withPaused(false));
    }

    private Optional<QueueStatus> find(String name) {
        return list().stream().filter(q -> q.name().equals(name)).findFirst();
    }

    /** The queue after a change; one whose limits were all removed and that holds no task is shown empty. */
    private QueueStatus status(String name) {
        return find(name).orElseGet(() -> {
            boolean paused = store.flowSettings().paused();
            return new QueueStatus(name, new Summary(0, 0, 0, 0, 0, 0, 0, 0), QueueLimits.NONE, paused);
        });
    }

    private static String shown(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
