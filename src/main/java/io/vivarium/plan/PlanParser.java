package io.vivarium.plan;

import io.vivarium.llm.LlmException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads tasks out of whatever the model answered: a JSON array, an object holding {@code tasks} (or any array of
 * task objects), fenced in Markdown or surrounded by prose. An answer cut off in the middle of its JSON (the model
 * reached {@code max_tokens}) keeps the tasks it completed. Anything else is a {@link PlanException} naming why.
 */
final class PlanParser {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern FENCE = Pattern.compile("```(?:json|JSON)?\\s*\\n?(.*?)```", Pattern.DOTALL);

    /** The tasks read, and whether the answer ended inside its JSON so that only its complete tasks were kept. */
    record Parsed(List<PlannedTask> tasks, boolean cutOff) {
    }

    /** A way of reading the answer: a piece of it, or a cut-off piece closed after its last complete task. */
    private record Candidate(String json, boolean cutOff) {
    }

    private PlanParser() {
    }

    static Parsed parse(String answer) {
        if (answer == null || answer.isBlank()) {
            throw new PlanException(Kind.BAD_ANSWER, "the model's answer was empty");
        }
        boolean sawJson = false;
        boolean sawTaskList = false;
        for (Candidate candidate : candidates(answer)) {
            JsonNode root = read(candidate.json());
            if (root == null) {
                continue;
            }
            sawJson = true;
            JsonNode array = taskArray(root);
            if (array == null) {
                continue;
            }
            sawTaskList = true;
            List<PlannedTask> tasks = tasks(array);
            if (!tasks.isEmpty()) {
                return new Parsed(tasks, candidate.cutOff());
            }
        }
        if (sawTaskList) {
            throw new PlanException(Kind.BAD_ANSWER, "the model proposed no usable tasks");
        }
        if (sawJson) {
            throw new PlanException(Kind.BAD_ANSWER, "the model's JSON holds no list of tasks");
        }
        if (endsInsideJson(answer)) {
            throw new PlanException(Kind.BAD_ANSWER, "the model's answer was cut off before its first task was "
                    + "complete: " + preview(answer));
        }
        throw new PlanException(Kind.BAD_ANSWER, "the model's answer holds no JSON: " + preview(answer));
    }

    /** The whole answer, each fenced block, then the JSON value at the first '[' and at the first '{'. */
    private static List<Candidate> candidates(String answer) {
        List<Candidate> candidates = new ArrayList<>();
        candidates.add(new Candidate(answer.strip(), false));
        Matcher fence = FENCE.matcher(answer);
        while (fence.find()) {
            candidates.add(new Candidate(fence.group(1).strip(), false));
        }
        int array = answer.indexOf('[');
        int object = answer.indexOf('{');
        for (int start : new int[] {Math.min(array, object), Math.max(array, object)}) {
            if (start >= 0) {
                Extent extent = Extent.of(answer, start);
                if (extent.end() > start) {
                    candidates.add(new Candidate(answer.substring(start, extent.end()) + extent.closers(),
                            extent.cutOff()));
                }
            }
        }
        return candidates;
    }

    private static boolean endsInsideJson(String answer) {
        int array = answer.indexOf('[');
        int object = answer.indexOf('{');
        int start = array < 0 ? object : object < 0 ? array : Math.min(array, object);
        return start >= 0 && Extent.of(answer, start).cutOff();
    }

    /**
     * How far the JSON value that opens at {@code start} goes, found by matching brackets outside strings. When the
     * text stops inside the value, {@code end} is just after the last object that completed an element of the
     * outermost array still open (a task: an object in a task's own list of files does not count), and
     * {@code closers} the brackets that close what was open there; {@code end} is -1 when nothing completed or the
     * brackets do not match.
     */
    private record Extent(int end, boolean cutOff, String closers) {

        static Extent of(String text, int start) {
            StringBuilder open = new StringBuilder();
            boolean inString = false;
            boolean escaped = false;
            int cut = -1;
            String closersAtCut = "";
            for (int i = start; i < text.length(); i++) {
                char c = text.charAt(i);
                if (inString) {
                    if (escaped) {
                        escaped = false;
                    } else if (c == '\\') {
                        escaped = true;
                    } else if (c == '"') {
                        inString = false;
                    }
                    continue;
                }
                if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    open.append(c);
                } else if (c == '}' || c == ']') {
                    if (open.isEmpty() || open.charAt(open.length() - 1) != (c == '}' ? '{' : '[')) {
                        return new Extent(-1, false, "");
                    }
                    open.setLength(open.length() - 1);
                    if (open.isEmpty()) {
                        return new Extent(i + 1, false, "");
                    }
                    if (c == '}' && open.indexOf("[") == open.length() - 1) {
                        cut = i + 1;
                        closersAtCut = closers(open);
                    }
                }
            }
            return new Extent(cut, true, closersAtCut);
        }

        private static String closers(CharSequence open) {
            StringBuilder closers = new StringBuilder();
            for (int i = open.length() - 1; i >= 0; i--) {
                closers.append(open.charAt(i) == '{' ? '}' : ']');
            }
            return closers.toString();
        }
    }

    private static JsonNode read(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node != null && (node.isArray() || node.isObject()) ? node : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static List<PlannedTask> tasks(JsonNode array) {
        List<PlannedTask> tasks = new ArrayList<>();
        for (JsonNode node : array) {
            if (!node.isObject()) {
                continue;
            }
            String description = text(node, "description", "task", "title", "summary");
            if (description == null || description.isBlank()) {
                continue;
            }
            tasks.add(new PlannedTask(text(node, "id", "task_id", "name"), description.strip(),
                    text(node, "priority"), strings(node, "depends_on", "dependencies", "dependsOn"),
                    strings(node, "files", "file", "paths")));
        }
        return tasks;
    }

    private static JsonNode taskArray(JsonNode root) {
        if (root.isArray()) {
            return root;
        }
        if (root.path("tasks").isArray()) {
            return root.get("tasks");
        }
        if (root.has("description")) {
            return JSON.createArrayNode().add(root);
        }
        for (JsonNode value : root.values()) {
            if (value.isArray() && !value.isEmpty() && value.get(0).isObject()) {
                return value;
            }
            if (value.isObject()) {
                JsonNode nested = taskArray(value);
                if (nested != null) {
                    return nested;
                }
            }
        }
        return null;
    }

    private static String text(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode value = node.get(name);
            if (value != null && value.isValueNode() && !value.isNull()) {
                return value.asString();
            }
        }
        return null;
    }

    private static List<String> strings(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                continue;
            }
            List<String> out = new ArrayList<>();
            if (value.isArray()) {
                value.forEach(v -> {
                    if (v.isValueNode() && !v.asString().isBlank()) {
                        out.add(v.asString().strip());
                    }
                });
            } else if (value.isValueNode() && !value.asString().isBlank()) {
                for (String part : value.asString().split(",")) {
                    out.add(part.strip());
                }
            }
            return out;
        }
        return List.of();
    }

    private static String preview(String answer) {
        String line = answer.strip().replaceAll("\\s+", " ");
        return "'" + (line.length() > 120 ? line.substring(0, 120) + "…" : line) + "'";
    }
}
