package io.vivarium.worker;

import io.vivarium.store.Lease;
import io.vivarium.store.TaskStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Renews every running claim; a claim found lost stops its grind at once, before anyone else starts one. */
final class HeartbeatRenewal implements Chore {

    private final TaskStore store;
    private final Duration interval;
    private final Map<String, RunningGrind> running;
    private final PoolListener listener;

    HeartbeatRenewal(TaskStore store, Duration interval, Map<String, RunningGrind> running, PoolListener listener) {
        this.store = store;
        this.interval = interval;
        this.running = running;
        this.listener = listener;
    }

    @Override
    public void start(ScheduledExecutorService scheduler) {
        long beat = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::renew, beat, beat, TimeUnit.MILLISECONDS);
    }

    private void renew() {
        try {
            List<Lease> leases = running.values().stream().map(RunningGrind::lease).toList();
            if (leases.isEmpty()) {
                return;
            }
            for (Lease lost : store.renew(leases)) {
                RunningGrind r = running.get(lost.taskId());
                if (r != null && r.lease().equals(lost)) {
                    r.control().stop("claim lost (taken over, cancelled or removed)");
                }
            }
        } catch (RuntimeException e) {
            listener.failed(e);
        }
    }
}
