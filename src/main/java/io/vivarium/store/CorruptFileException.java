package io.vivarium.store;

import java.nio.file.Path;

/** A workspace file that does not parse. It is reported, never repaired or overwritten. */
public class CorruptFileException extends StoreException {

    private final Path path;

    public CorruptFileException(Path path, String detail) {
        super(path + " is not a valid Vivarium file (" + detail + "); it was left unchanged: fix it or move it aside");
        this.path = path;
    }

    /** For a file that is refused for what it is rather than what it holds; {@code message} is the whole line. */
    protected CorruptFileException(String message, Path path) {
        super(message);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
