package io.vivarium.plan;

import java.util.List;

/** One task as the model proposed it, before any rule is applied. */
record PlannedTask(String id, String description, String priority, List<String> dependsOn, List<String> files) {
}
