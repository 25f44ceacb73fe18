package io.vivarium.support;

import io.vivarium.task.Task;

/** Test builders: {@code aTask("x").dependsOn(...)} reads better than a constructor call. */
public final class Tasks {

    private Tasks() {
    }

    public static Task.Builder aTask(String id) {
        return Task.grind(id);
    }
}
