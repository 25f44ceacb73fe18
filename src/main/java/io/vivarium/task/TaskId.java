package io.vivarium.task;

import java.util.regex.Pattern;

/** The one rule for task ids: they name files under {@code task_locks/}, so they can never hold a path separator or start with a dot. */
public final class TaskId {

    public static final int MAX_LENGTH = 128;
    /** The rule as a regex, also for Bean Validation annotations (which need a constant). */
    public static final String REGEX = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";
    private static final Pattern VALID = Pattern.compile(REGEX);

    private TaskId() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    public static String requireValid(String field, String id) {
        if (id == null || id.isBlank()) {
            throw new InvalidTaskException(field, field + " must not be empty");
        }
        if (!isValid(id)) {
            throw new InvalidTaskException(field, "invalid task id '" + printable(id) + "': use 1-" + MAX_LENGTH
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }

    private static String printable(String id) {
        String shown = id.length() > 40 ? id.substring(0, 40) + "…" : id;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
