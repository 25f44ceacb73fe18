package io.vivarium.api;

import io.vivarium.grind.GrindControl;
import io.vivarium.grind.GrindRequest;
import io.vivarium.grind.GrindRunner;
import io.vivarium.task.GrindResult;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.time.Duration;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

@RestController
class GrindController {

    private final GrindRunner grinds;
    private final ThreadPoolTaskExecutor grindExecutor;
    private final VivariumMetrics metrics;
    private final GrindsInFlight inFlight;

    GrindController(GrindRunner grinds, ThreadPoolTaskExecutor grindExecutor, VivariumMetrics metrics,
                    GrindsInFlight inFlight) {
        this.grinds = grinds;
        this.grindExecutor = grindExecutor;
        this.metrics = metrics;
        this.inFlight = inFlight;
    }

    /**
     * Runs on the grind executor; the request thread is handed back at once (async MVC). The grind lasts only as
     * long as its client stays: see {@link GrindsInFlight}.
     */
    @PostMapping("/grind")
    @ApiResponse(responseCode = "200", description = "The grind's result (a long grind's answer starts with spaces)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = GrindResponse.class)))
    ResponseEntity<ResponseBodyEmitter> grind(@Valid @RequestBody(required = false) GrindBody body) {
        GrindBody given = body == null ? new GrindBody(null, null, null, null, null, null, null) : body;
        GrindRequest request = given.toRequest();
        ResponseBodyEmitter emitter = new ResponseBodyEmitter();
        // A full executor refuses here, before anything is sent: the client gets a 503 problem.
        grindExecutor.execute(() -> run(request, emitter));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(emitter);
    }

    private void run(GrindRequest request, ResponseBodyEmitter emitter) {
        GrindControl control = GrindControl.none();
        GrindsInFlight.Exchange exchange = inFlight.open(emitter, control);
        try {
            metrics.grindStarted("http");
            long start = System.nanoTime();
            GrindResult result = grinds.run(request, control);
            metrics.grindFinished("http", result, Duration.ofNanos(System.nanoTime() - start));
            exchange.answer(GrindResponse.of(result));
        } catch (RuntimeException e) {
            exchange.fail(e);
        }
    }
}
