package io.vivarium.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A state-changing request carries a JSON body or no body at all (curl's {@code -X POST}). Browsers send form
 * posts and {@code text/plain} bodies to any site without asking it first; refusing them here, and not only where a
 * controller happens to read a body, keeps every endpoint out of their reach, {@code cancel} and {@code retry}
 * included.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 3)
class JsonBodyFilter extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !FilterSupport.changesState(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
        if (contentType == null ? !hasBody : isJson(contentType)) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
        FilterSupport.problem(request, response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type",
                contentType == null
                        ? "a request body needs 'Content-Type: application/json'"
                        : "Content-Type '" + contentType + "' is not supported: send JSON (application/json), or no "
                                + "body and no Content-Type",
                contentType == null ? Map.of() : Map.of("content_type", contentType));
    }

    static boolean isJson(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return type.getType().equals("application")
                    && (type.getSubtype().equals("json") || "json".equals(type.getSubtypeSuffix()));
        } catch (InvalidMediaTypeException notAMediaType) {
            return false;
        }
    }
}
