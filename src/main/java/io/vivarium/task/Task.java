package io.vivarium.task;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One task definition as it stands in {@code queue.json}. Missing fields take the documented defaults and every
 * rule is checked here, so a task that exists is valid wherever it came from (CLI, HTTP, planner, a hand edit).
 * Fields this version does not know are kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "type", "description", "command", "prompt", "min_budget", "max_budget", "intensity",
        "depends_on", "priority", "max_attempts", "created_at", "run_at", "every", "cron", "tz", "timeout_seconds",
        "worktree", "check", "files", "max_turns", "key", "queue"})
public record Task(
        String id,
        TaskType type,
        String description,
        String command,
        String prompt,
        Double minBudget,
        Double maxBudget,
        Intensity intensity,
        List<String> dependsOn,
        Priority priority,
        Integer maxAttempts,
        Instant createdAt,
        Instant runAt,
        String every,
        String cron,
        String tz,
        Long timeoutSeconds,
        // Code grinds (SPEC "Code grinds"): run in a git worktree; the check proves the change; the files the
        // agent is shown first; its turn limit (null: DEFAULT_MAX_TURNS, kept null so plain tasks stay unchanged).
        // A wrapper, never null once built: a primitive would make a body without the field unreadable to a mapper
        // that refuses nulls for primitives (Jackson 3's default, which the API's mapper keeps).
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean worktree,
        String check,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> files,
        Integer maxTurns,
        String key,
        // The queue whose limits it runs under (SPEC "Queues and flow control"); null: by its kind, see queueName().
        String queue,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    public static final double DEFAULT_MIN_BUDGET = 0.05;
    public static final double DEFAULT_MAX_BUDGET = 0.10;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final int MAX_ATTEMPTS_LIMIT = 100;
    public static final int MAX_TEXT_LENGTH = 100_000;
    /** A grind's time limit is at most a week: longer is a typo, and a lease-holding grind that long is a hazard. */
    public static final long MAX_TIMEOUT_SECONDS = 7 * 86_400L;
    public static final int DEFAULT_MAX_TURNS = 12;
    public static final int MAX_TURNS_LIMIT = 100;
    public static final int MAX_FILES = 100;
    public static final int MAX_KEY_LENGTH = 256;

    public Task {
        TaskId.requireValid("id", id);
        type = type == null ? TaskType.GRIND : type;
        minBudget = minBudget == null ? DEFAULT_MIN_BUDGET : minBudget;
        maxBudget = maxBudget == null ? Math.max(DEFAULT_MAX_BUDGET, minBudget) : maxBudget;
        Budget.check(minBudget, maxBudget);
        intensity = intensity == null ? Intensity.MEDIUM : intensity;
        priority = priority == null ? Priority.MEDIUM : priority;
        maxAttempts = maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new InvalidTaskException("max_attempts",
                    "max_attempts must be between 1 and " + MAX_ATTEMPTS_LIMIT + " (got " + maxAttempts + ")");
        }
        checkLength("description", description);
        checkLength("command", command);
        checkLength("prompt", prompt);
        if (command != null && command.isBlank()) {
            command = null;
        }
        if (prompt != null && prompt.isBlank()) {
            prompt = null;
        }
        dependsOn = checkDependencies(id, dependsOn);
        every = every == null || every.isBlank() ? null : Durations.compact(Durations.parse("every", every));
        cron = cron == null || cron.isBlank() ? null : cron.strip();
        tz = tz == null || tz.isBlank() ? null : TimeInput.zone("tz", tz).getId();
        if (every != null && cron != null) {
            throw new InvalidTaskException("cron", "a task recurs either every DURATION or on a cron expression, "
                    + "not both");
        }
        if (cron != null) {
            // The zone is fixed when the task is made, so every host reads the expression the same way.
            tz = tz == null ? ZoneId.systemDefault().getId() : tz;
            CronSchedule.parse(cron, ZoneId.of(tz));
        }
        if (timeoutSeconds != null && (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS)) {
            throw new InvalidTaskException("timeout_seconds", "timeout_seconds must be between 1 and "
                    + MAX_TIMEOUT_SECONDS + " (got " + timeoutSeconds + ")");
        }
        worktree = Boolean.TRUE.equals(worktree);
        checkLength("check", check);
        if (check != null && check.isBlank()) {
            check = null;
        }
        files = CodeFields.checkFiles(files);
        if (maxTurns != null && (maxTurns < 1 || maxTurns > MAX_TURNS_LIMIT)) {
            throw new InvalidTaskException("max_turns",
                    "max_turns must be between 1 and " + MAX_TURNS_LIMIT + " (got " + maxTurns + ")");
        }
        key = checkKey(key);
        queue = queue == null || queue.isBlank() ? null : QueueName.requireValid("queue", queue.strip());
        extra = extra == null || extra.isEmpty() ? Map.of() : new LinkedHashMap<>(extra);
    }

    public static Builder grind(String id) {
        return new Builder(id);
    }

    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.description = description;
        b.command = command;
        b.prompt = prompt;
        b.minBudget = minBudget;
        b.maxBudget = maxBudget;
        b.intensity = intensity;
        b.dependsOn = dependsOn;
        b.priority = priority;
        b.maxAttempts = maxAttempts;
        b.createdAt = createdAt;
        b.runAt = runAt;
        b.every = every;
        b.cron = cron;
        b.tz = tz;
        b.timeoutSeconds = timeoutSeconds;
        b.worktree = worktree;
        b.check = check;
        b.files = files;
        b.maxTurns = maxTurns;
        b.key = key;
        b.queue = queue;
        b.extra = extra;
        return b;
    }

    /** The edit agent's turn limit: {@code max_turns}, else {@link #DEFAULT_MAX_TURNS}. */
    public int maxTurnsOrDefault() {
        return maxTurns == null ? DEFAULT_MAX_TURNS : maxTurns;
    }

    /** What kind of work the grind does; the first that is set wins. */
    public GrindKind kind() {
        if (command != null) {
            return GrindKind.COMMAND;
        }
        return prompt != null ? GrindKind.PROMPT : GrindKind.EMPTY;
    }

    /**
     * The queue it runs in: {@code queue}, else by its kind ({@link QueueName#defaultFor}): prompt grinds in
     * {@code llm}, the rest in {@code default}. A default is not written into the task, so that tasks made before
     * queues existed read the same.
     */
    public String queueName() {
        return queue != null ? queue : QueueName.defaultFor(kind());
    }

    /** Whether it comes back after each run ({@code every} or {@code cron}). */
    public boolean recurring() {
        return every != null || cron != null;
    }

    /** The zone its times are read and shown in: {@code tz}, else this machine's. */
    public ZoneId zone() {
        return tz == null ? ZoneId.systemDefault() : ZoneId.of(tz);
    }

    /** Its grind's wall-clock limit, if it has one. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeoutSeconds).map(Duration::ofSeconds);
    }

    /**
     * When it may first start, as added at {@code now}: its {@code run_at}, else for a cron task the expression's
     * first occurrence, and for an {@code every} task now: its grid of occurrences starts there, so runs do not
     * drift by how long each took or waited for a worker.
     */
    public Task withFirstRun(Instant now) {
        if (runAt != null || !recurring()) {
            return this;
        }
        Instant first = every != null ? now : Recurrence.of(this).flatMap(r -> r.next(null, now)).orElse(null);
        return toBuilder().runAt(first).build();
    }

    /** A dedup key: while a task with it is pending or running, an add with the same key adds nothing. */
    private static String checkKey(String key) {
        if (key == null) {
            return null;
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH || key.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidTaskException("key", "key must be 1 to " + MAX_KEY_LENGTH
                    + " characters, not blank, without control characters");
        }
        return key;
    }

    private static void checkLength(String field, String value) {
        if (value != null && value.length() > MAX_TEXT_LENGTH) {
            throw new InvalidTaskException(field, field + " is longer than " + MAX_TEXT_LENGTH + " characters");
        }
    }

    private static List<String> checkDependencies(String id, List<String> dependsOn) {
        if (dependsOn == null || dependsOn.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String dep : dependsOn) {
            TaskId.requireValid("depends_on", dep);
            if (dep.equals(id)) {
                throw new InvalidTaskException("depends_on", "task '" + id + "' cannot depend on itself");
            }
            unique.add(dep);
        }
        return List.copyOf(unique);
    }

    public enum GrindKind { COMMAND, PROMPT, EMPTY }

    /** Builds tasks from code without a 13-argument constructor call; validation still happens in {@link Task}. */
    public static final class Builder {
        private final String id;
        private String description;
        private String command;
        private String prompt;
        private Double minBudget;
        private Double maxBudget;
        private Intensity intensity;
        private List<String> dependsOn = new ArrayList<>();
        private Priority priority;
        private Integer maxAttempts;
        private Instant createdAt;
        private Instant runAt;
        private String every;
        private String cron;
        private String tz;
        private Long timeoutSeconds;
        private boolean worktree;
        private String check;
        private List<String> files = List.of();
        private Integer maxTurns;
        private String key;
        private String queue;
        private Map<String, Object> extra = Map.of();

        private Builder(String id) {
            this.id = id;
        }

        public Builder description(String v) { this.description = v; return this; }
        public Builder command(String v) { this.command = v; return this; }
        public Builder prompt(String v) { this.prompt = v; return this; }
        public Builder minBudget(Double v) { this.minBudget = v; return this; }
        public Builder maxBudget(Double v) { this.maxBudget = v; return this; }
        public Builder intensity(Intensity v) { this.intensity = v; return this; }
        public Builder dependsOn(List<String> v) { this.dependsOn = v == null ? List.of() : v; return this; }
        public Builder priority(Priority v) { this.priority = v; return this; }
        public Builder maxAttempts(Integer v) { this.maxAttempts = v; return this; }
        public Builder createdAt(Instant v) { this.createdAt = v; return this; }
        public Builder runAt(Instant v) { this.runAt = v; return this; }
        public Builder every(String v) { this.every = v; return this; }
        public Builder cron(String v) { this.cron = v; return this; }
        public Builder tz(String v) { this.tz = v; return this; }
        public Builder timeoutSeconds(Long v) { this.timeoutSeconds = v; return this; }
        public Builder worktree(boolean v) { this.worktree = v; return this; }
        public Builder check(String v) { this.check = v; return this; }
        public Builder files(List<String> v) { this.files = v == null ? List.of() : v; return this; }
        public Builder maxTurns(Integer v) { this.maxTurns = v; return this; }

        public Builder key(String v) { this.key = v; return this; }
        public Builder queue(String v) { this.queue = v; return this; }

        public Task build() {
            return new Task(id, TaskType.GRIND, description, command, prompt, minBudget, maxBudget, intensity,
                    dependsOn, priority, maxAttempts, createdAt, runAt, every, cron, tz, timeoutSeconds, worktree, check,
                    files, maxTurns, key, queue, extra);
        }
    }
}
