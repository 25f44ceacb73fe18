package io.vivarium.store.postgres;

import io.vivarium.store.StoreLocation;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A store URL taken apart for the driver: the JDBC URL without credentials (other parameters, such as
 * {@code sslmode}, pass through), the user and password from {@code user:password@} or {@code ?user=&password=},
 * and the URL as messages show it, without the password.
 */
record ConnectionSettings(String jdbcUrl, String user, String password, String description) {

    static ConnectionSettings of(StoreLocation location) {
        URI url = location.databaseUrl();
        String user = null;
        String password = null;
        if (url.getRawUserInfo() != null) {
            String[] parts = url.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        List<String> passed = new ArrayList<>();
        if (url.getRawQuery() != null) {
            for (String parameter : url.getRawQuery().split("&")) {
                String[] pair = parameter.split("=", 2);
                String value = pair.length > 1 ? decode(pair[1]) : "";
                if (pair[0].equals("user")) {
                    user = value;
                } else if (pair[0].equals("password")) {
                    password = value;
                } else if (!parameter.isEmpty()) {
                    passed.add(parameter);
                }
            }
        }
        String jdbc = "jdbc:postgresql://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + url.getRawPath() + (passed.isEmpty() ? "" : "?" + String.join("&", passed));
        return new ConnectionSettings(jdbc, user, password, location.describe());
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return description;
    }
}
