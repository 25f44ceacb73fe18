package io.vivarium.api;

import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindRunner;
import io.vivarium.task.GrindResult;
import jakarta.validation.Valid;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class GrindController {

    private final GrindRunner grinds;
    private final ThreadPoolTaskExecutor grindExecutor;
    private final VivariumMetrics metrics;

    GrindController(GrindRunner grinds, ThreadPoolTaskExecutor grindExecutor, VivariumMetrics metrics) {
        this.grinds = grinds;
        this.grindExecutor = grindExecutor;
        this.metrics = metrics;
    }

    /** Runs on the grind executor; the request thread is handed back at once (async MVC). */
    @PostMapping("/grind")
    CompletableFuture<GrindResponse> grind(@Valid @RequestBody(required = false) GrindBody body) {
        GrindBody request = body == null ? new GrindBody(null, null, null, null, null, null, null) : body;
        var grindRequest = request.toRequest();
        return CompletableFuture.supplyAsync(() -> {
            metrics.grindStarted("http");
            long start = System.nanoTime();
            GrindResult result = grinds.run(grindRequest, GrindControl.none());
            metrics.grindFinished("http", result, Duration.ofNanos(System.nanoTime() - start));
            return GrindResponse.of(result);
        }, grindExecutor);
    }
}
