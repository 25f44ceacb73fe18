package io.vivarium.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * With {@code VIVARIUM_API_TOKEN} set, every request but health and the dashboard's static page must carry
 * {@code Authorization: Bearer <token>}.
 * Compared in constant time; the token is never logged or echoed.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class BearerTokenFilter extends OncePerRequestFilter {

    private final byte[] expected;

    BearerTokenFilter(VivariumProperties properties) {
        this.expected = properties.api().hasToken()
                ? ("Bearer " + properties.api().token()).getBytes(StandardCharsets.UTF_8)
                : null;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return expected == null || path.equals("/actuator/health") || path.startsWith("/actuator/health/")
                || DashboardPage.isPublic(path);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(expected, given)) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"vivarium\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                + "\"detail\":\"this server needs 'Authorization: Bearer <VIVARIUM_API_TOKEN>'\","
                + "\"instance\":\"" + request.getRequestURI().replace("\"", "%22").replace("\\", "%5C") + "\"}");
    }
}
