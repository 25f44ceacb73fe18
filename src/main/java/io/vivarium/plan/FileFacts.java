package io.vivarium.plan;

import java.util.List;

/** What the planner tells the model about one source file: never its content, only its shape. */
public record FileFacts(String path, int lines, boolean hasTests, List<String> classes, List<String> functions) {
}
