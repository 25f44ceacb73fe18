package io.vivarium.config;

/** A settings source that exists but cannot be used, such as an unreadable {@code .env}; one line, naming the file. */
public final class SettingsException extends RuntimeException {

    public SettingsException(String message) {
        super(message);
    }
}
