package io.vivarium.api;

import io.vivarium.util.Causes;
import io.vivarium.task.InvalidTaskException;
import tools.jackson.core.JacksonException;

/** A Jackson failure on a request body, as the model's own error naming the field. */
final class JsonProblems {

    private JsonProblems() {
    }

    static Throwable rootCause(Throwable e) {
        return Causes.root(e);
    }

    static InvalidTaskException toInvalidTask(JacksonException e) {
        Throwable root = rootCause(e);
        if (root instanceof InvalidTaskException invalid) {
            return invalid;
        }
        String field = fieldPath(e);
        String why = root instanceof IllegalArgumentException && root.getMessage() != null
                ? ": " + root.getMessage() : "";
        return new InvalidTaskException(field, field + " has the wrong type or an invalid value" + why);
    }

    static String fieldPath(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }
}
