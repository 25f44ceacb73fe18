package io.vivarium.store.file;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The journal's first line: the checkpoint it continues ({@code base}, the last record the files hold) and the
 * identities of the two files that checkpoint wrote. Files that no longer match were changed by someone else (an
 * editor, an older tool), and every process reloads them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"journal", "base", "queue", "log"})
record JournalHeader(int journal, long base, String queue, String log) {

    static final int FORMAT = 1;

    static JournalHeader over(long base, String queueIdentity, String logIdentity) {
        return new JournalHeader(FORMAT, base, queueIdentity, logIdentity);
    }
}
