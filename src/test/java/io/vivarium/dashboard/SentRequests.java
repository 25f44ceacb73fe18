package io.vivarium.dashboard;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records the headers of every request the server receives, so a test can show what the page sends: calls a
 * cross-site guard lets through (same origin, {@code Sec-Fetch-Site: same-origin}, a JSON body), and the token
 * on every call and on the stream.
 */
@TestConfiguration(proxyBeanMethods = false)
class SentRequests {

    record Sent(String method, String path, String origin, String fetchSite, String contentType, boolean bearer) {
    }

    static final List<Sent> SENT = new CopyOnWriteArrayList<>();

    @Bean
    OncePerRequestFilter recordRequests() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                SENT.add(new Sent(request.getMethod(), request.getRequestURI(), request.getHeader("Origin"),
                        request.getHeader("Sec-Fetch-Site"), request.getContentType(),
                        request.getHeader("Authorization") != null));
                chain.doFilter(request, response);
            }
        };
    }
}
