package io.vivarium.api;

import io.vivarium.code.review.Reviews;
import io.vivarium.store.TaskEntry;
import io.vivarium.store.TaskStore;
import io.vivarium.task.CodeRun;
import io.vivarium.task.InvalidTaskException;
import io.vivarium.task.TaskRun;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The review verbs over HTTP: the changes waiting, a change's patch, accept and reject. */
@RestController
class ReviewController {

    static final String DIFF = "text/x-diff";

    private final TaskStore store;
    private final Reviews reviews;

    ReviewController(TaskStore store, VivariumProperties properties) {
        this.store = store;
        this.reviews = new Reviews(store, properties.workspace());
    }

    /** One change waiting for review, with what the dashboard shows beside its diff. */
    record Waiting(String id, String description, String branch, String base, String commit, CodeRun.Changes changes,
                   CodeRun.Check check, Integer turns, double spent, String result) {

        static Waiting of(TaskEntry e) {
            TaskRun run = e.run();
            CodeRun code = run.code();
            return new Waiting(e.task().id(), e.task().description(), code.branch(), code.base(), code.commit(),
                    code.changes(), code.check(), code.turns(), run.spentOrZero(), run.result());
        }
    }

    record RejectBody(Boolean retry, String feedback) {
    }

    record Accepted(String id, String branch, String commit, String into, String review) {
    }

    record Rejected(String id, String review, boolean retried, String status) {
    }

    @GetMapping("/reviews")
    List<Waiting> waiting() {
        return reviews.waiting().stream().map(Waiting::of).toList();
    }

    @GetMapping(value = "/tasks/{id}/diff", produces = DIFF)
    String diff(@PathVariable String id) {
        return reviews.patch(id);
    }

    @PostMapping("/tasks/{id}/accept")
    Accepted accept(@PathVariable String id) {
        Reviews.Accepted a = reviews.accept(id);
        return new Accepted(a.id(), a.branch(), a.commit(), a.into(), "accepted");
    }

    @PostMapping(value = "/tasks/{id}/reject", consumes = {MediaType.APPLICATION_JSON_VALUE, MediaType.ALL_VALUE})
    Rejected reject(@PathVariable String id, @RequestBody(required = false) RejectBody body) {
        boolean retry = body != null && Boolean.TRUE.equals(body.retry());
        String feedback = body == null ? null : body.feedback();
        if (feedback != null && feedback.length() > 10_000) {
            throw new InvalidTaskException("feedback", "feedback is longer than 10000 characters");
        }
        TaskRun run = reviews.reject(id, retry, feedback);
        return new Rejected(id, "rejected", retry, run.status().wireName());
    }
}
