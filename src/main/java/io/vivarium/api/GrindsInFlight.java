package io.vivarium.api;

import io.vivarium.grind.GrindControl;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * The {@code POST /grind} grinds now running, each tied to its HTTP exchange, so that a grind ends with the request
 * that asked for it.
 *
 * <p><b>A client that goes away.</b> Tomcat does not notice that the client of an async request vanished until it
 * writes to it. So once a grind has run for {@link #FIRST_BEAT}, its exchange gets one space every {@link #BEAT}
 * (leading whitespace is valid JSON; a grind that ends sooner answers exactly as before), and the first write that
 * fails stops the grind and its process tree. A worker that runs the grind for a claim ({@code start --api-url})
 * closes the connection when its claim ends or it dies, so the grind ends with the claim.
 *
 * <p><b>Shutdown.</b> When the server closes, running grinds get {@code vivarium.shutdown-grace} to finish; then
 * they are stopped and answer {@code stopped: server shutting down}, so the web server's graceful shutdown has no
 * request left to wait for.
 */
@Component
class GrindsInFlight implements ApplicationListener<ContextClosedEvent>, DisposableBean {

    static final Duration FIRST_BEAT = Duration.ofSeconds(1);
    static final Duration BEAT = Duration.ofSeconds(1);
    static final String CLIENT_GONE = "the client went away";
    static final String SHUTTING_DOWN = "server shutting down";

    private static final Logger log = LoggerFactory.getLogger(GrindsInFlight.class);
    private static final byte[] SPACE = {' '};

    private final Duration grace;
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grind-http-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final Set<Exchange> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopAll;

    GrindsInFlight(VivariumProperties properties) {
        this.grace = properties.shutdownGrace();
    }

    /** Ties a grind about to run to the exchange that will carry its answer. */
    Exchange open(ResponseBodyEmitter emitter, GrindControl control) {
        Exchange exchange = new Exchange(emitter, control);
        running.add(exchange);
        exchange.heartbeat = beats.scheduleWithFixedDelay(exchange::beat, FIRST_BEAT.toMillis(), BEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        emitter.onError(e -> exchange.clientGone());
        if (stopAll) {
            control.stop(SHUTTING_DOWN);
        }
        return exchange;
    }

    int count() {
        return running.size();
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (running.isEmpty()) {
            stopAll = true;
            return;
        }
        log.info("{} /grind grind(s) running get {} s to finish", running.size(), grace.toMillis() / 1000.0);
        beats.schedule(this::stopAll, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void stopAll() {
        stopAll = true;
        if (!running.isEmpty()) {
            log.info("stopping {} /grind grind(s): the shutdown grace is over", running.size());
        }
        running.forEach(e -> e.control.stop(SHUTTING_DOWN));
    }

    @Override
    public void destroy() {
        stopAll();
        beats.shutdownNow();
    }

    /** One grind's exchange: heartbeats until the answer, and the answer once. */
    final class Exchange {

        private final ResponseBodyEmitter emitter;
        private final GrindControl control;
        private volatile ScheduledFuture<?> heartbeat;
        private boolean over;

        private Exchange(ResponseBodyEmitter emitter, GrindControl control) {
            this.emitter = emitter;
            this.control = control;
        }

        private synchronized void beat() {
            if (over) {
                return;
            }
            try {
                emitter.send(SPACE, MediaType.APPLICATION_JSON);
            } catch (IOException | IllegalStateException e) {
                clientGone();
            }
        }

        private synchronized void clientGone() {
            if (!over) {
                over = true;
                heartbeat.cancel(false);
                control.stop(CLIENT_GONE);
            }
        }

        /** Sends the answer, unless the client is gone; either way the exchange is over. */
        synchronized void answer(Object body) {
            running.remove(this);
            if (over) {
                return;
            }
            over = true;
            heartbeat.cancel(false);
            try {
                emitter.send(body, MediaType.APPLICATION_JSON);
                emitter.complete();
            } catch (IOException | IllegalStateException e) {
                // The client left as the grind ended: there is no one to tell.
            }
        }

        /** An unforeseen error: Spring MVC turns it into a problem body if nothing was sent yet. */
        synchronized void fail(Throwable error) {
            running.remove(this);
            if (!over) {
                over = true;
                heartbeat.cancel(false);
                emitter.completeWithError(error);
            }
        }
    }
}
