package io.vivarium.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/** What the servlet filters share: which requests they judge, and how they answer before Spring MVC is reached. */
final class FilterSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private FilterSupport() {
    }

    /** Health stays answerable to anyone (probes, load balancers): it tells nothing and changes nothing. */
    static boolean isHealth(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    /** POST, PUT, PATCH, DELETE and anything unknown: every method that is not safe in RFC 9110's sense. */
    static boolean changesState(HttpServletRequest request) {
        return !SAFE_METHODS.contains(request.getMethod());
    }

    /**
     * An RFC 9457 problem body; {@code extra} holds members beyond the standard ones. Written by Jackson because
     * details quote headers a client chose.
     */
    static void problem(HttpServletRequest request, HttpServletResponse response, int status, String title,
                        String detail, Map<String, String> extra) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", request.getRequestURI());
        body.putAll(extra);
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(body));
    }
}
