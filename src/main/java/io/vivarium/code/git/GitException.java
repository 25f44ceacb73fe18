package io.vivarium.code.git;

/** A git command failed, or git is not installed; the message is one line a user can act on. */
public final class GitException extends RuntimeException {

    public GitException(String message) {
        super(message);
    }
}
