package io.vivarium.api;

import io.vivarium.app.UnknownQueueException;
import io.vivarium.util.Causes;
import io.vivarium.llm.LlmException;
import io.vivarium.store.CorruptFileException;
import io.vivarium.store.DuplicateTaskException;
import io.vivarium.store.StoreException;
import io.vivarium.store.UnknownTaskException;
import io.vivarium.task.IllegalTransitionException;
import io.vivarium.task.InvalidTaskException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error as an RFC 9457 problem body. A client's mistake is a 4xx that names the field
 * ({@code "field"}, and {@code "errors"} when there are several); only the server's own trouble is a 5xx, and a
 * stack trace is never sent.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private static final Pattern PARAMETER_NAME = Pattern.compile("Parameter \\[([A-Za-z0-9_.-]{1,64})\\]");

    @ExceptionHandler(InvalidTaskException.class)
    ProblemDetail invalid(InvalidTaskException e) {
        return fieldProblem(HttpStatus.BAD_REQUEST, e.field(), e.getMessage());
    }

    @ExceptionHandler(UnknownTaskException.class)
    ProblemDetail unknown(UnknownTaskException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Unknown task");
        problem.setProperty("task_id", e.taskId());
        return problem;
    }

    /** A queue named where one must exist ({@code POST /queues/{name}/resume}): 404, naming the field and the queue. */
    @ExceptionHandler(UnknownQueueException.class)
    ProblemDetail unknownQueue(UnknownQueueException e) {
        ProblemDetail problem = fieldProblem(HttpStatus.NOT_FOUND, e.field(), e.getMessage());
        problem.setTitle("Unknown queue");
        problem.setProperty("queue", e.queue());
        return problem;
    }

    @ExceptionHandler(DuplicateTaskException.class)
    ProblemDetail duplicate(DuplicateTaskException e) {
        ProblemDetail problem = fieldProblem(HttpStatus.CONFLICT, "id", e.getMessage());
        problem.setTitle("Duplicate task");
        return problem;
    }

    @ExceptionHandler(IllegalTransitionException.class)
    ProblemDetail transition(IllegalTransitionException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Not possible in the task's state");
        problem.setProperty("task_id", e.taskId());
        if (e.from() != null) {
            problem.setProperty("task_status", e.from().wireName());
        }
        return problem;
    }

    @ExceptionHandler(CorruptFileException.class)
    ProblemDetail corrupt(CorruptFileException e) {
        log.error(e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, e.getMessage());
        problem.setTitle("Corrupt workspace file");
        problem.setProperty("path", e.path().toString());
        return problem;
    }

    @ExceptionHandler(StoreException.class)
    ProblemDetail store(StoreException e) {
        log.error("store failure: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("Workspace unavailable");
        return problem;
    }

    @ExceptionHandler({TaskRejectedException.class, RejectedExecutionException.class})
    ResponseEntity<ProblemDetail> busy(RuntimeException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "too many grinds running or waiting; try again shortly");
        problem.setTitle("Busy");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
    }

    /**
     * Every event-stream slot is taken. The connection is closed with the answer, so a flood of refused streams
     * holds no connections that {@code /status} and the dashboard need.
     */
    @ExceptionHandler(TooManyStreamsException.class)
    ResponseEntity<ProblemDetail> tooManyStreams(TooManyStreamsException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("Too many event streams");
        problem.setProperty("limit", e.limit());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "10")
                .header(HttpHeaders.CONNECTION, "close").contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @ExceptionHandler(LlmException.class)
    ProblemDetail llm(LlmException e) {
        HttpStatus status = switch (e.kind()) {
            case NOT_CONFIGURED -> HttpStatus.SERVICE_UNAVAILABLE;
            case TIMEOUT -> HttpStatus.GATEWAY_TIMEOUT;
            case UPSTREAM, BAD_ANSWER -> HttpStatus.BAD_GATEWAY;
        };
        log.warn("planning failed ({}): {}", e.kind(), e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        problem.setTitle(switch (e.kind()) {
            case NOT_CONFIGURED -> "LLM not configured";
            case TIMEOUT -> "LLM timed out";
            case UPSTREAM -> "LLM endpoint failed";
            case BAD_ANSWER -> "Unusable LLM answer";
        });
        return problem;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail badParameter(MethodArgumentTypeMismatchException e) {
        Throwable root = JsonProblems.rootCause(e);
        String message = root instanceof InvalidTaskException ? root.getMessage()
                : e.getName() + " has an invalid value";
        return fieldProblem(HttpStatus.BAD_REQUEST, e.getName(), message);
    }

    /**
     * A query Tomcat could not decode ({@code ?q=%ff}: bytes that are not UTF-8). It names the parameter only in its
     * message, so the name is read from there; the value is not quoted back, it is not text.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ProblemDetail undecodableParameter(InvalidParameterException e) {
        Matcher named = PARAMETER_NAME.matcher(String.valueOf(e.getMessage()));
        String field = named.find() ? named.group(1) : "query";
        return fieldProblem(HttpStatus.BAD_REQUEST, field, field + " is not valid percent-encoded UTF-8");
    }

    /** Anything unforeseen: logged here with its stack trace, answered without one. */
    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("unexpected failure", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "internal error (" + e.getClass().getSimpleName() + "); the server log has the details");
        problem.setTitle("Internal error");
        return problem;
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (FieldError error : e.getBindingResult().getFieldErrors()) {
            errors.add(Map.of("field", snakeCase(error.getField()),
                    "message", snakeCase(error.getField()) + " " + error.getDefaultMessage()));
        }
        Map<String, String> first = errors.isEmpty() ? Map.of("field", "body", "message", "invalid body") : errors.get(0);
        ProblemDetail problem = fieldProblem(HttpStatus.BAD_REQUEST, first.get("field"),
                errors.stream().map(m -> m.get("message")).reduce((a, b) -> a + "; " + b).orElse("invalid body"));
        problem.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = unreadable(e);
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }

    private ProblemDetail unreadable(HttpMessageNotReadableException e) {
        if (findCause(e, RequestSizeLimitFilter.TooLarge.class) != null) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                    "the request body is larger than " + RequestSizeLimitFilter.LIMIT + " bytes");
            problem.setTitle("Content Too Large");
            return problem;
        }
        Throwable root = JsonProblems.rootCause(e);
        if (root instanceof InvalidTaskException invalid) {
            return fieldProblem(HttpStatus.BAD_REQUEST, invalid.field(), invalid.getMessage());
        }
        JacksonException jackson = findCause(e, JacksonException.class);
        if (jackson instanceof UnrecognizedPropertyException unrecognized) {
            String field = unrecognized.getPropertyName();
            return fieldProblem(HttpStatus.BAD_REQUEST, field, "unknown field '" + field + "'");
        }
        if (jackson instanceof StreamReadException && jackson.getPath().isEmpty()) {
            var location = jackson.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            return fieldProblem(HttpStatus.BAD_REQUEST, "body", "malformed JSON" + where);
        }
        if (jackson != null && !jackson.getPath().isEmpty()) {
            InvalidTaskException invalid = JsonProblems.toInvalidTask(jackson);
            return fieldProblem(HttpStatus.BAD_REQUEST, invalid.field(), invalid.getMessage());
        }
        return fieldProblem(HttpStatus.BAD_REQUEST, "body", "the request body is missing or is not valid JSON");
    }

    private static ProblemDetail fieldProblem(HttpStatus status, String field, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status == HttpStatus.BAD_REQUEST ? "Invalid request" : status.getReasonPhrase());
        problem.setProperty("field", field);
        return problem;
    }

    private static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }

    private static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        return Causes.find(e, type).orElse(null);
    }
}
