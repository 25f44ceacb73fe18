package io.vivarium.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The dashboard's page and its static files ({@code static/index.html}, {@code static/dashboard/}). They hold no
 * data and no secret, so they are served without the API token: the page asks for the token and sends it on every
 * call it makes. They are served with a Content-Security-Policy that allows only this origin's own scripts, styles
 * and connections, so that even a string that slipped past the page's text-only rendering could not run.
 */
@Component
class DashboardPage extends OncePerRequestFilter {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    /**
     * The page and its assets; everything else is the API. Matched on the raw request URI by an allow-list that
     * admits no dot segment, encoding or path parameter, so {@code /dashboard/../tasks} is not public.
     */
    private static final Pattern PUBLIC = Pattern.compile("/|/index\\.html|/dashboard/[A-Za-z0-9_-]+\\.[a-z]{2,4}");

    static boolean isPublic(String rawPath) {
        return rawPath != null && PUBLIC.matcher(rawPath).matches();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isPublic(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        // Revalidated on every load, so a new jar's page never runs with an old script.
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        chain.doFilter(request, response);
    }
}
