package io.vivarium.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * With {@code VIVARIUM_API_TOKEN} set, every request but health must carry {@code Authorization: Bearer <token>}.
 * The scheme is matched in any case (RFC 9110 §11.1); the token is compared in constant time, and never logged or
 * echoed.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class BearerTokenFilter extends OncePerRequestFilter {

    private static final String SCHEME = "Bearer";

    private final byte[] expected;

    BearerTokenFilter(VivariumProperties properties) {
        this.expected = properties.api().hasToken()
                ? properties.api().token().getBytes(StandardCharsets.UTF_8)
                : null;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return expected == null || FilterSupport.isHealth(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] given = credentials(request.getHeader(HttpHeaders.AUTHORIZATION)).getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(expected, given)) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"vivarium\"");
        FilterSupport.problem(request, response, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized",
                "this server needs 'Authorization: Bearer <VIVARIUM_API_TOKEN>'", Map.of());
    }

    /** What follows a Bearer scheme and its spaces, or "" for any other header (never equal to a set token). */
    private static String credentials(String header) {
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || header.length() == SCHEME.length() || header.charAt(SCHEME.length()) != ' ') {
            return "";
        }
        return header.substring(SCHEME.length()).stripLeading();
    }
}
