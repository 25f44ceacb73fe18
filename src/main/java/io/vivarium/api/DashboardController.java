package io.vivarium.api;

import io.vivarium.story.ClaimView;

import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** What the dashboard reads besides the tasks: the overview, the claims, and the live stream of both. */
@RestController
class DashboardController {

    private final Overviews overviews;
    private final LiveUpdates live;

    DashboardController(Overviews overviews, LiveUpdates live) {
        this.overviews = overviews;
        this.live = live;
    }

    @GetMapping("/overview")
    Overview overview() {
        return overviews.current();
    }

    /** Every claim, live or stale, with its heartbeat's age. */
    @GetMapping("/claims")
    List<ClaimView> claims() {
        return overviews.claims();
    }

    /** Server-sent events: {@code changed}, {@code refresh} and {@code problem}, each carrying JSON. */
    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events() {
        return live.subscribe();
    }
}
