package io.vivarium.util;

import java.util.Optional;
import java.util.function.Predicate;

/** Walks an exception's causes: the one place that knows a cause chain may loop back on itself. */
public final class Causes {

    private Causes() {
    }

    /** The innermost cause, or {@code error} itself when it has none. */
    public static Throwable root(Throwable error) {
        Throwable root = error;
        for (Throwable t = next(error); t != null; t = next(t)) {
            root = t;
        }
        return root;
    }

    /** The first of {@code error} and its causes that is a {@code type}. */
    public static <T extends Throwable> Optional<T> find(Throwable error, Class<T> type) {
        return first(error, type::isInstance).map(type::cast);
    }

    /** The first of {@code error} and its causes that matches. */
    public static Optional<Throwable> first(Throwable error, Predicate<Throwable> test) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 100; t = next(t), depth++) {
            if (test.test(t)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static Throwable next(Throwable t) {
        return t.getCause() == t ? null : t.getCause();
    }
}
