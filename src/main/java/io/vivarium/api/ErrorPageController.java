package io.vivarium.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where the servlet container forwards an error that happened outside Spring MVC's handlers (a filter's exception,
 * a {@code sendError}). Answers a problem body; asked for directly, {@code /error} is just an address that serves
 * nothing (Spring Boot's own controller would answer a 500 with status 999).
 */
@RestController
class ErrorPageController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer number && HttpStatus.resolve(number) != null
                ? HttpStatus.valueOf(number) : null;
        ProblemDetail problem;
        if (status == null) {
            problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no endpoint at " + request.getRequestURI());
            problem.setTitle("Not Found");
        } else {
            // A 5xx's message may quote internals; a 4xx's is the container's own text about the request.
            Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
            String detail = status.is4xxClientError() && message instanceof String text && !text.isBlank()
                    ? text : status.getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
            problem = ProblemDetail.forStatusAndDetail(status, detail);
            problem.setTitle(status.getReasonPhrase());
        }
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
