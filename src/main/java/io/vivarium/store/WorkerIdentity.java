package io.vivarium.store;

import io.vivarium.os.ProcessTree;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Who claims: a worker id like the original's {@code worker_a1b2c3d4}, plus the process and host it runs in. */
public record WorkerIdentity(String workerId, long pid, String host) {

    public static WorkerIdentity create() {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return new WorkerIdentity("worker_" + HexFormat.of().formatHex(random), ProcessHandle.current().pid(),
                ProcessTree.hostName());
    }
}
