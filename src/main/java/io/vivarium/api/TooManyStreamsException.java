package io.vivarium.api;

/** Every {@code GET /events} slot is taken: the request is refused rather than held open. */
final class TooManyStreamsException extends RuntimeException {

    private final int limit;

    TooManyStreamsException(int limit) {
        super("this server already holds its " + limit + " event streams; try again later or close another "
                + "dashboard (the limit is vivarium.max-event-streams)");
        this.limit = limit;
    }

    int limit() {
        return limit;
    }
}
