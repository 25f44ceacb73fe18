package io.vivarium.task;

import java.util.regex.Pattern;

/**
 * The one rule for queue names, and which queue a task without one belongs to. Names travel in URLs
 * ({@code PUT /queues/{name}}) and metric tags, so they keep to the characters of a task id.
 */
public final class QueueName {

    /** Where a task goes when it names no queue and is not an LLM call. */
    public static final String DEFAULT = "default";
    /**
     * Where a prompt grind (an answer or an edit) goes when it names no queue: LLM providers limit requests a
     * minute, so {@code queue set llm --rate 60/min} is the one line a user needs.
     */
    public static final String LLM = "llm";
    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private QueueName() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** {@code name} if it is a valid queue name, else {@link InvalidTaskException} naming {@code field}. */
    public static String requireValid(String field, String name) {
        if (!isValid(name)) {
            String shown = name == null ? "" : name.length() > 40 ? name.substring(0, 40) + "…" : name;
            throw new InvalidTaskException(field, "invalid queue name '" + shown.replaceAll("\\p{Cntrl}", "?")
                    + "': use 1-" + MAX_LENGTH + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /** The queue of a task that names none: {@link #LLM} for a prompt grind, else {@link #DEFAULT}. */
    public static String defaultFor(Task.GrindKind kind) {
        return kind == Task.GrindKind.PROMPT ? LLM : DEFAULT;
    }
}
