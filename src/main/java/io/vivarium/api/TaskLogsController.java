package io.vivarium.api;

import io.vivarium.grind.TaskLogs;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskStore;
import io.vivarium.store.UnknownTaskException;
import io.vivarium.task.TaskStatus;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code GET /tasks/{id}/logs}: a grind's output as plain text, as {@code vivarium logs} prints it. With
 * {@code follow=true} the answer streams what the grind writes until it ends, as {@code logs -f} does.
 */
@RestController
class TaskLogsController {

    private static final int MAX_BYTES = 4 * 1024 * 1024;
    private static final MediaType TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);

    private final TaskStore store;
    private final TaskLogs logs;

    TaskLogsController(TaskStore store, TaskLogs logs) {
        this.store = store;
        this.logs = logs;
    }

    @GetMapping("/tasks/{id}/logs")
    ResponseEntity<StreamingResponseBody> logs(@PathVariable String id,
                                               @RequestParam(defaultValue = "false") boolean follow,
                                               HttpServletResponse response) {
        TaskEntry entry = store.find(id).orElseThrow(() -> new UnknownTaskException(id));
        if (!follow) {
            byte[] body = logs.exists(id) ? logs.read(id, MAX_BYTES)
                    : entry.run().output() == null ? new byte[0] : entry.run().output().getBytes(StandardCharsets.UTF_8);
            return ResponseEntity.ok().contentType(TEXT).body(out -> out.write(body));
        }
        // Not cached by anything between: a proxy that buffers would hold the lines back.
        return ResponseEntity.ok().contentType(TEXT).header("Cache-Control", "no-store")
                .header("X-Accel-Buffering", "no").body(out -> {
                    // Straight to the servlet's stream, flushed chunk by chunk: the headers go at once and each
                    // line as it comes (the stream handed to this body is flushed only at its end).
                    response.flushBuffer();
                    follow(id, entry, response.getOutputStream());
                });
    }

    private void follow(String id, TaskEntry entry, OutputStream out) throws IOException {
        if (entry.status() != TaskStatus.IN_PROGRESS && entry.status() != TaskStatus.PENDING && !logs.exists(id)
                && entry.run().output() != null) {
            out.write(entry.run().output().getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        try {
            // A client that went away fails a write, which ends the stream.
            logs.followUntilEnd(id, entry.status(),
                    () -> store.find(id).map(TaskEntry::status).orElse(TaskStatus.CANCELLED), chunk -> {
                        out.write(chunk);
                        out.flush();
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
