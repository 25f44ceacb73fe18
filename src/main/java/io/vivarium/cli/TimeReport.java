package io.vivarium.cli;

import io.vivarium.store.Snapshot;
import io.vivarium.store.TaskStore;
import io.vivarium.task.Occurrences;
import java.io.PrintWriter;
import java.time.Instant;

/** What waits for its time, for {@code status}, {@code start} and {@code worker run}: how many, and which is next. */
record TimeReport(int waiting, Occurrences.Due next, Instant now) {

    static TimeReport of(TaskStore store, Instant now) {
        // Only a queue with pending tasks is read whole.
        if (store.summary().pending() == 0 || !store.mayWaitForTime()) {
            return new TimeReport(0, null, now);
        }
        Snapshot snapshot = store.snapshot();
        return new TimeReport(Occurrences.waitingForTime(snapshot.tasks(), snapshot.runs()::get, now),
                Occurrences.nextDue(snapshot.tasks(), snapshot.runs()::get, now).orElse(null), now);
    }

    /** {@code Scheduled: 3 tasks wait for their time; next: nightly starts at 03:00 (in 5h 10m)}; nothing if none. */
    void print(PrintWriter out) {
        if (next == null) {
            return;
        }
        out.println("Scheduled: " + waiting + (waiting == 1 ? " task waits" : " tasks wait") + " for its time; next: "
                + next.describe(now));
    }
}
