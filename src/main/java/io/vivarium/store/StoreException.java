package io.vivarium.store;

/** A store operation that could not be done as asked; the message is meant for the user, in one line. */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
