package io.vivarium.store;

import java.util.List;

/** One page of a {@link TaskQuery}, and how many tasks match in all. */
public record TaskPage(List<TaskEntry> items, long total) {

    public TaskPage {
        items = List.copyOf(items);
    }
}
