package io.vivarium.cli;

import io.vivarium.spend.SpendLimit;
import io.vivarium.task.InvalidTaskException;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --spend-limit DOLLARS}: this process's own ceiling, beside the one kept in the workspace. */
final class SpendLimitOption {

    static final String FLAG = "--spend-limit";

    @Option(names = FLAG, paramLabel = "DOLLARS", defaultValue = "${VIVARIUM_SPEND_LIMIT:-}",
            description = "Claim a task only while what the workspace has spent and reserved leaves room for its "
                    + "max budget under this many dollars. A limit kept in the workspace ('vivarium limit set') "
                    + "applies too; the smaller wins (default: $VIVARIUM_SPEND_LIMIT, else none).")
    String dollars;

    Optional<SpendLimit> limit() {
        try {
            return SpendLimit.parseOptional(FLAG + " (or VIVARIUM_SPEND_LIMIT)", dollars);
        } catch (InvalidTaskException e) {
            throw new UserInputException(e.getMessage());
        }
    }
}
