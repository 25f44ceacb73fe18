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
 * task objects), fenced in Markdown or surrounded by prose. Anything else is a {@link PlanException} naming why.
 */
final class PlanParser {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern FENCE = Pattern.compile("```(?:json|JSON)?\\s*\\n?(.*?)```", Pattern.DOTALL);

    private PlanParser() {
    }

    static List<PlannedTask> parse(String answer) {
        if (answer == null || answer.isBlank()) {
            throw new PlanException(Kind.BAD_ANSWER, "the model's answer was empty");
        }
        JsonNode root = findJson(answer);
        if (root == null) {
            throw new PlanException(Kind.BAD_ANSWER, "the model's answer holds no JSON: " + preview(answer));
        }
        JsonNode array = taskArray(root);
        if (array == null) {
            throw new PlanException(Kind.BAD_ANSWER, "the model's JSON holds no list of tasks");
        }
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
        if (tasks.isEmpty()) {
            throw new PlanException(Kind.BAD_ANSWER, "the model proposed no usable tasks");
        }
        return tasks;
    }

    private static JsonNode findJson(String answer) {
        List<String> candidates = new ArrayList<>();
        candidates.add(answer.strip());
        Matcher fence = FENCE.matcher(answer);
        while (fence.find()) {
            candidates.add(fence.group(1).strip());
        }
        int object = answer.indexOf('{');
        int array = answer.indexOf('[');
        if (object >= 0) {
            candidates.add(answer.substring(object, answer.lastIndexOf('}') + 1));
        }
        if (array >= 0 && answer.lastIndexOf(']') > array) {
            candidates.add(answer.substring(array, answer.lastIndexOf(']') + 1));
        }
        for (String candidate : candidates) {
            try {
                JsonNode node = JSON.readTree(candidate);
                if (node != null && (node.isArray() || node.isObject())) {
                    return node;
                }
            } catch (RuntimeException notThisOne) {
                // try the next way of reading the answer
            }
        }
        return null;
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
