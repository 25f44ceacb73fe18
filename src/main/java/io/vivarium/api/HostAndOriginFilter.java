package io.vivarium.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps web pages out. Without any token, a page can make the user's browser call this server in two ways: by
 * pointing its own name at 127.0.0.1 (DNS rebinding: the browser then believes the server is the page's own origin,
 * and the request carries the page's name as its {@code Host}), and by a cross-site "simple" request (a form post,
 * a no-cors fetch) that browsers send without asking the server first.
 * <ul>
 * <li>Without a token, only requests addressed to a loopback name or address (localhost, *.localhost, 127.0.0.0/8,
 *     [::1]) or to a host listed in {@code vivarium.allowed-hosts} are answered. With a token, any {@code Host} is:
 *     the token is what keeps strangers out then.</li>
 * <li>A state-changing request whose {@code Origin} is neither the server's own origin (as its {@code Host} names
 *     it) nor a listed host, or that the browser marks {@code Sec-Fetch-Site: cross-site} or {@code same-site}, is
 *     refused, token or not. curl and the CLI send neither header.</li>
 * </ul>
 * Names are never resolved: a rebound name resolves to 127.0.0.1, which is the whole attack.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class HostAndOriginFilter extends OncePerRequestFilter {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]*:[0-9a-f:.]*");

    private final boolean tokenSet;
    private final Set<String> allowedHosts = new HashSet<>();

    HostAndOriginFilter(VivariumProperties properties) {
        this.tokenSet = properties.api().hasToken();
        for (String entry : properties.allowedHosts()) {
            if (entry.isBlank()) {
                continue;
            }
            Authority allowed = Authority.parse(entry, -1);
            if (allowed == null) {
                throw new IllegalArgumentException("vivarium.allowed-hosts: '" + entry.strip()
                        + "' is not a host name or address");
            }
            allowedHosts.add(allowed.host());
        }
    }

    /** A host and port, lower case, an IPv6 address without its brackets. */
    record Authority(String host, int port) {

        /** {@code value} as a {@code Host} header spells it; null when it is not one. */
        static Authority parse(String value, int defaultPort) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            String host = v;
            String port = null;
            if (v.startsWith("[")) {
                int close = v.indexOf(']');
                if (close < 0 || close + 1 < v.length() && v.charAt(close + 1) != ':') {
                    return null;
                }
                host = v.substring(1, close);
                port = close + 1 < v.length() ? v.substring(close + 2) : null;
            } else if (v.indexOf(':') >= 0) {
                host = v.substring(0, v.indexOf(':'));
                port = v.substring(v.indexOf(':') + 1);
            }
            if (host.isEmpty() || port != null && !port.matches("\\d{1,5}")) {
                return null;
            }
            int number = port == null ? defaultPort : Integer.parseInt(port);
            return number > 65535 ? null : new Authority(host, number);
        }

        boolean isLoopback() {
            if (host.equals("localhost") || host.endsWith(".localhost")) {
                return true;
            }
            Matcher v4 = IPV4.matcher(host);
            if (v4.matches()) {
                for (int i = 1; i <= 4; i++) {
                    if (Integer.parseInt(v4.group(i)) > 255) {
                        return false;
                    }
                }
                return v4.group(1).equals("127");
            }
            if (IPV6.matcher(host).matches()) {
                try {
                    // A literal with a colon is parsed, never looked up.
                    return InetAddress.getByName(host).isLoopbackAddress();
                } catch (UnknownHostException notAnAddress) {
                    return false;
                }
            }
            return false;
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return FilterSupport.isHealth(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String hostHeader = request.getHeader(HttpHeaders.HOST);
        // HTTP/1.0 may omit Host; the server then names itself by the address the request came in on.
        Authority host = hostHeader == null
                ? Authority.parse("[" + request.getLocalAddr() + "]:" + request.getLocalPort(), -1)
                : Authority.parse(hostHeader, defaultPort(request.getScheme()));
        if (!tokenSet && (host == null || !host.isLoopback() && !allowedHosts.contains(host.host()))) {
            FilterSupport.problem(request, response, HttpServletResponse.SC_FORBIDDEN, "Host not allowed",
                    "Host '" + (hostHeader == null ? "(none)" : hostHeader) + "' is not a loopback name or address, nor listed in vivarium.allowed-hosts. "
                            + "Without an API token this server answers only requests addressed to localhost, "
                            + "127.0.0.1 or [::1], so that a web page whose name is made to point here (DNS rebinding) "
                            + "cannot reach it. To use this name, add it to VIVARIUM_ALLOWED_HOSTS (comma-separated; "
                            + "the property vivarium.allowed-hosts), or set VIVARIUM_API_TOKEN.",
                    Map.of("host", String.valueOf(hostHeader)));
            return;
        }
        if (FilterSupport.changesState(request)) {
            String refusal = crossOrigin(request, host);
            if (refusal != null) {
                FilterSupport.problem(request, response, HttpServletResponse.SC_FORBIDDEN, "Cross-origin request refused",
                        refusal + ". A web page must not change the queue or run grinds through its visitor's browser. "
                                + "Send the request from the server's own origin, or with no Origin header (curl, "
                                + "the CLI), or add the origin's host to VIVARIUM_ALLOWED_HOSTS.",
                        crossOriginHeaders(request));
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** Why a state-changing request comes from another origin, or null when it does not. */
    private String crossOrigin(HttpServletRequest request, Authority host) {
        String method = request.getMethod();
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null) {
            Origin from = Origin.parse(origin);
            if (from != null && allowedHosts.contains(from.authority().host())) {
                return null; // the user trusts it by name
            }
            Origin own = host == null ? null : new Origin(request.getScheme().toLowerCase(Locale.ROOT), host);
            if (from == null || !from.equals(own)) {
                return "refusing a " + method + " from another origin: Origin '" + origin + "' is not this server's own "
                        + "origin" + (own == null ? "" : " (" + own + ")") + " nor a host listed in vivarium.allowed-hosts";
            }
        }
        String site = request.getHeader("Sec-Fetch-Site");
        if ("cross-site".equalsIgnoreCase(site) || "same-site".equalsIgnoreCase(site)) {
            return "refusing a " + method + " that the browser sent from another site (Sec-Fetch-Site: " + site + ")";
        }
        return null;
    }

    private static Map<String, String> crossOriginHeaders(HttpServletRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        String site = request.getHeader("Sec-Fetch-Site");
        if (origin != null && site != null) {
            return Map.of("origin", origin, "sec_fetch_site", site);
        }
        return origin != null ? Map.of("origin", origin) : Map.of("sec_fetch_site", String.valueOf(site));
    }

    /** A serialized origin ({@code scheme://host[:port]}, RFC 6454); {@code null} and anything odd parse to null. */
    record Origin(String scheme, Authority authority) {

        static Origin parse(String value) {
            try {
                URI uri = new URI(value.strip());
                if (uri.getScheme() == null || uri.getRawAuthority() == null || !uri.getRawPath().isEmpty()
                        || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
                    return null;
                }
                String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
                Authority authority = Authority.parse(uri.getRawAuthority(), defaultPort(scheme));
                return authority == null ? null : new Origin(scheme, authority);
            } catch (URISyntaxException notAnOrigin) {
                return null;
            }
        }

        @Override
        public String toString() {
            String host = authority.host().indexOf(':') >= 0 ? "[" + authority.host() + "]" : authority.host();
            return scheme + "://" + host + ":" + authority.port();
        }
    }

    private static int defaultPort(String scheme) {
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }
}
