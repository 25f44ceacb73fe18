package io.vivarium.llm;

import java.util.Map;

/**
 * A tool offered to the model: {@code {"type": "function", "function": {name, description, parameters}}}.
 *
 * @param parameters the arguments' JSON Schema, as plain maps and lists
 */
public record ToolSpec(String name, String description, Map<String, Object> parameters) {

    public ToolSpec {
        parameters = parameters == null ? Map.of("type", "object", "properties", Map.of()) : Map.copyOf(parameters);
    }
}
