package io.vivarium.cli;

/** A command line that parses but asks for something impossible; reported in one line with exit code 2. */
class UserInputException extends RuntimeException {

    UserInputException(String message) {
        super(message);
    }
}
