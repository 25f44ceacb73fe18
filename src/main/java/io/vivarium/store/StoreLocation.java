package io.vivarium.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a store lives: the workspace's files (the default), or a PostgreSQL database named by a URL such as
 * {@code postgresql://HOST:PORT/DB?user=U&password=P}. The workspace directory is still where grinds run and where
 * {@code .env} and the planner's files are, whichever store holds the queue.
 */
public record StoreLocation(Path workspace, URI databaseUrl) {

    public StoreLocation {
        workspace = workspace.toAbsolutePath().normalize();
    }

    public static StoreLocation files(Path workspace) {
        return new StoreLocation(workspace, null);
    }

    /** A workspace plus an optional store URL; a blank URL means the workspace's files. */
    public static StoreLocation of(Path workspace, String storeUrl) {
        if (storeUrl == null || storeUrl.isBlank()) {
            return files(workspace);
        }
        String text = storeUrl.strip();
        if (text.regionMatches(true, 0, "jdbc:", 0, 5)) {
            text = text.substring(5);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new StoreException("store URL is not a URL (" + e.getReason() + "): " + redact(text));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!TaskStores.schemes().contains(scheme)) {
            throw new StoreException("unsupported store URL " + redact(text)
                    + ": use postgresql://HOST:PORT/DB?user=U&password=P, or leave it unset for the workspace files");
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new StoreException("store URL " + redact(text) + " needs a host and a database name, as in "
                    + "postgresql://HOST:PORT/DB?user=U&password=P");
        }
        return new StoreLocation(workspace, uri);
    }

    public boolean isDatabase() {
        return databaseUrl != null;
    }

    /** The scheme of the store's URL, lower case, by which {@link TaskStores} opens it; empty for the files. */
    public Optional<String> scheme() {
        return databaseUrl == null ? Optional.empty()
                : Optional.of(databaseUrl.getScheme().toLowerCase(Locale.ROOT));
    }

    /** For messages and logs: the URL without its password, or the workspace path. */
    public String describe() {
        return isDatabase() ? redact(databaseUrl.toString()) : workspace.toString();
    }

    /** Hides a password given as {@code password=…} or as {@code user:password@}. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("(//[^/:@]+:)[^@/]*@", "$1***@");
    }

    @Override
    public String toString() {
        return describe();
    }
}
