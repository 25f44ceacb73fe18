package io.vivarium.util;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Why a request got no answer, in a few words. The JDK's HTTP client throws a {@link ConnectException} with no
 * message for a refused connection, so reporting {@code getMessage()} alone ends a line in ": null".
 */
public final class NetworkFailure {

    private NetworkFailure() {
    }

    public static boolean isRefused(Throwable error) {
        return find(error, ConnectException.class) != null && find(error, NoRouteToHostException.class) == null;
    }

    public static boolean isTimeout(Throwable error) {
        return find(error, HttpTimeoutException.class) != null && find(error, HttpConnectTimeoutException.class) == null;
    }

    public static String describe(Throwable error) {
        if (find(error, HttpConnectTimeoutException.class) != null) {
            return "connect timed out";
        }
        if (find(error, HttpTimeoutException.class) != null) {
            return "timed out";
        }
        UnknownHostException unknown = find(error, UnknownHostException.class);
        if (unknown != null) {
            return "unknown host" + (unknown.getMessage() == null ? "" : " " + unknown.getMessage());
        }
        ConnectException connect = find(error, ConnectException.class);
        if (connect != null) {
            String message = connect.getMessage();
            return message == null || message.isBlank() ? "connection refused" : message.toLowerCase(Locale.ROOT);
        }
        SSLException tls = find(error, SSLException.class);
        if (tls != null) {
            return "TLS handshake failed: " + messageOf(tls);
        }
        // The deepest cause that says something: wrappers repeat or blur what went wrong.
        Throwable deepest = error;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                deepest = t;
            }
        }
        return messageOf(deepest);
    }

    private static String messageOf(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        return Causes.find(error, type).orElse(null);
    }
}
