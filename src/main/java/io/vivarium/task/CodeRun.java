package io.vivarium.task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a code grind (a grind in a git worktree) did, as its run entry shows it: the branch and base it ran on, the
 * commit it made (null: nothing changed), what the commit changed, its check, the agent's turns, where its review
 * stands, and the patch (kept with the run so review works from any machine sharing the store).
 *
 * <p>These are top-level fields of the run entry. They travel in {@link TaskRun#extra()} so the entry's own shape
 * (and every writer of it) stays as it is: {@link #FIELDS} are the names, read and written only here.
 */
public record CodeRun(String branch, String base, String commit, Changes changes, Check check, Integer turns,
                      Review review, String patch, String feedback) {

    public static final List<String> FIELDS = List.of("branch", "base", "commit", "changes", "check", "turns",
            "review", "patch", "review_feedback");

    public record Changes(int files, int insertions, int deletions) {
    }

    /** The check's run: {@code command} null when the task had none (then it passed). */
    public record Check(String command, Integer exitCode, boolean passed, double seconds, String output) {
    }

    public enum Review {
        PENDING, ACCEPTED, REJECTED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Review parse(Object value) {
            return value == null ? null : Review.valueOf(value.toString().toUpperCase(java.util.Locale.ROOT));
        }
    }

    public CodeRun withPatch(String patch) {
        return new CodeRun(branch, base, commit, changes, check, turns, review, patch, feedback);
    }

    public CodeRun withReview(Review review, String feedback) {
        return new CodeRun(branch, base, commit, changes, check, turns, review, patch, feedback);
    }

    /** The fields as the run entry holds them (null ones left out, but {@code commit}: null says nothing changed). */
    Map<String, Object> toFields() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("branch", branch);
        out.put("base", base);
        out.put("commit", commit);
        if (changes != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("files", changes.files());
            c.put("insertions", changes.insertions());
            c.put("deletions", changes.deletions());
            out.put("changes", c);
        }
        if (check != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("command", check.command());
            c.put("exit_code", check.exitCode());
            c.put("passed", check.passed());
            c.put("seconds", Math.round(check.seconds() * 1000) / 1000.0);
            c.put("output", check.output());
            out.put("check", c);
        }
        putIfSet(out, "turns", turns);
        putIfSet(out, "review", review == null ? null : review.wireName());
        putIfSet(out, "patch", patch);
        putIfSet(out, "review_feedback", feedback);
        return out;
    }

    /** The code fields of a run entry, or null when it has none (not a code grind, or not run yet). */
    static CodeRun from(Map<String, Object> fields) {
        if (fields == null || !(fields.get("branch") instanceof String branch)) {
            return null;
        }
        Changes changes = null;
        if (fields.get("changes") instanceof Map<?, ?> c) {
            changes = new Changes(intOf(c.get("files")), intOf(c.get("insertions")), intOf(c.get("deletions")));
        }
        Check check = null;
        if (fields.get("check") instanceof Map<?, ?> c) {
            Object code = c.get("exit_code");
            check = new Check(str(c.get("command")), code == null ? null : intOf(code),
                    Boolean.TRUE.equals(c.get("passed")),
                    c.get("seconds") instanceof Number n ? n.doubleValue() : 0, str(c.get("output")));
        }
        Object turns = fields.get("turns");
        return new CodeRun(branch, str(fields.get("base")), str(fields.get("commit")), changes, check,
                turns == null ? null : intOf(turns), Review.parse(fields.get("review")), str(fields.get("patch")),
                str(fields.get("review_feedback")));
    }

    private static void putIfSet(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    private static int intOf(Object value) {
        return value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString());
    }

    private static String str(Object value) {
        return value == null ? null : value.toString();
    }
}
