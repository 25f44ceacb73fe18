package io.vivarium.worker;

import io.vivarium.os.ProcessTree;
import io.vivarium.store.Claim;
import java.util.Optional;

/**
 * Ends the grind of a claim that was taken away from its owner, when that grind runs on this host. A grind on
 * another machine cannot be reached from here: its own worker sees the lost claim at its next heartbeat and ends it.
 */
public final class LocalGrinds {

    private static final String HOST = ProcessTree.hostName();

    private LocalGrinds() {
    }

    /** True when a live grind of this claim was found on this host and ended. */
    public static boolean end(Claim claim) {
        if (claim == null || claim.grindPid() == null || !HOST.equals(claim.host())) {
            return false;
        }
        return ProcessTree.killIfSame(claim.grindPid(), claim.grindStartedAt());
    }

    public static boolean end(Optional<Claim> claim) {
        return claim.map(LocalGrinds::end).orElse(false);
    }
}
