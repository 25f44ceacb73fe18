package io.vivarium.api;

import io.vivarium.store.TaskStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /events}: server-sent events for the dashboard. One thread waits for the store to change and sends
 * every client the same {@link Overview}, built and serialized once: a {@code changed} event when the state
 * changed, a {@code refresh} event every few seconds otherwise (heartbeat ages move without a state change, and
 * the write finds clients that went away). A store that cannot be read sends a {@code problem} event.
 */
@Component
class LiveUpdates implements SmartLifecycle {

    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(2);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);

    private final TaskStore store;
    private final Overviews overviews;
    private final JsonMapper json;
    private final Set<SseEmitter> clients = ConcurrentHashMap.newKeySet();
    /** One permit per stream the server may hold; taken before a stream opens, returned when it leaves the set. */
    private final Semaphore slots;
    private final int maxStreams;
    private final Counter refused;
    private final Object clientsArrived = new Object();
    private volatile Thread thread;
    private volatile boolean accepting;

    LiveUpdates(TaskStore store, Overviews overviews, JsonMapper json, VivariumProperties properties,
                MeterRegistry meters) {
        this.store = store;
        this.overviews = overviews;
        this.json = json;
        this.maxStreams = properties.maxEventStreams();
        this.slots = new Semaphore(maxStreams);
        Gauge.builder("vivarium.event.streams", clients, Set::size).baseUnit("streams")
                .description("Open GET /events streams").register(meters);
        this.refused = Counter.builder("vivarium.event.streams.refused")
                .description("GET /events requests refused because the streams were all taken").register(meters);
    }

    SseEmitter subscribe() {
        if (!accepting) {
            throw shuttingDown();
        }
        if (!slots.tryAcquire()) {
            refused.increment();
            throw new TooManyStreamsException(maxStreams);
        }
        // No timeout: the stream lives as long as the page; a failed write removes a client that went away.
        SseEmitter emitter = new SseEmitter(0L);
        clients.add(emitter);
        emitter.onCompletion(() -> leave(emitter));
        emitter.onTimeout(() -> leave(emitter));
        emitter.onError(e -> leave(emitter));
        send(emitter, event("changed"));
        if (!accepting) {
            // stop() ran meanwhile: an open stream would hold up the graceful shutdown until its timeout.
            leave(emitter);
            emitter.complete();
        }
        synchronized (clientsArrived) {
            clientsArrived.notifyAll();
        }
        return emitter;
    }

    private void run() {
        Long seen = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                awaitClients();
                // The first wait after a start or a failure returns at once: any version differs from none.
                long version = seen == null ? store.version() : store.awaitChange(seen, REFRESH_INTERVAL);
                boolean changed = seen == null || version != seen;
                seen = version;
                broadcast(event(changed ? "changed" : "refresh"));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A corrupt or missing workspace file: every client hears about it, and the watch goes on.
                seen = null;
                broadcast(event(e));
                try {
                    Thread.sleep(RETRY_AFTER_FAILURE.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void awaitClients() throws InterruptedException {
        synchronized (clientsArrived) {
            while (clients.isEmpty()) {
                clientsArrived.wait();
            }
        }
    }

    /** Built once and written to every client as is, so a change is read and serialized once however many watch. */
    private Set<DataWithMediaType> event(String name) {
        try {
            return SseEmitter.event().name(name).data(json.writeValueAsString(overviews.current())).build();
        } catch (RuntimeException e) {
            return event(e);
        }
    }

    private Set<DataWithMediaType> event(RuntimeException e) {
        return SseEmitter.event().name("problem").data(json.writeValueAsString(Map.of(
                "title", "Workspace unavailable", "status", HttpStatus.SERVICE_UNAVAILABLE.value(),
                "detail", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()))).build();
    }

    private void broadcast(Set<DataWithMediaType> event) {
        for (SseEmitter client : clients) {
            send(client, event);
        }
    }

    private void send(SseEmitter client, Set<DataWithMediaType> event) {
        try {
            client.send(event);
        } catch (IOException | IllegalStateException gone) {
            // The container completes the request itself after a failed write (see ResponseBodyEmitter#send).
            leave(client);
        }
    }

    /** The one place a stream leaves: its slot is returned exactly once, whichever callback comes first. */
    private void leave(SseEmitter client) {
        if (clients.remove(client)) {
            slots.release();
        }
    }

    private static ResponseStatusException shuttingDown() {
        return new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "the server is shutting down");
    }

    @Override
    public void start() {
        accepting = true;
        Thread watcher = new Thread(this::run, "vivarium-live");
        watcher.setDaemon(true);
        thread = watcher;
        watcher.start();
    }

    /**
     * Ends every stream, and refuses new ones, before the web server drains its requests: an open page would
     * otherwise hold up a graceful shutdown (it reconnects at once) until the shutdown's timeout.
     */
    @Override
    public void stop() {
        accepting = false;
        Thread watcher = thread;
        thread = null;
        if (watcher != null) {
            watcher.interrupt();
        }
        for (SseEmitter client : clients) {
            leave(client);
            client.complete();
        }
        log.debug("live stream stopped");
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }
}
