package io.vivarium.store.file;

import io.vivarium.store.CorruptFileException;
import java.nio.file.Path;

/**
 * A workspace entry that is refused for what it is: a link, a named pipe or other special file, or a file too large
 * to be read. Like a corrupt file it is reported with its path (a 500 naming it over HTTP, exit 2 on the command
 * line) and never changed.
 */
public final class UnusableFileException extends CorruptFileException {

    UnusableFileException(Path path, String what) {
        super(path + " is " + what + "; it was left unchanged: replace it or move it aside", path);
    }
}
