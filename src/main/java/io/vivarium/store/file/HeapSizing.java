package io.vivarium.store.file;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the heap of a process that holds a large queue near what it holds. By default G1 keeps up to 70% of its heap
 * free after a full collection and never gives back what young collections grew it to, so `start 8` over 100,000
 * tasks (about 40 MB of state) ran in a heap of 300-600 MB. Lower free ratios make the collection after the load,
 * and each end of a marking cycle, size the heap to the state; young collections still grow it when they need to.
 * Both ratios are manageable flags, set here only when the user left them at their defaults: no flag to type.
 */
final class HeapSizing {

    private static final Logger log = LoggerFactory.getLogger(HeapSizing.class);
    private static final String MIN = "MinHeapFreeRatio";
    private static final String MAX = "MaxHeapFreeRatio";
    private static final String MIN_FREE = "10";
    private static final String MAX_FREE = "30";
    private static volatile boolean done;

    private HeapSizing() {
    }

    /** Once per process, before the collection that follows loading a large queue. */
    static void keepCompact() {
        if (done) {
            return;
        }
        done = true;
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (vm == null || !atDefault(vm, MIN) || !atDefault(vm, MAX)) {
                return;
            }
            // In this order: the minimum may never exceed the maximum, not even between the two calls.
            vm.setVMOption(MIN, MIN_FREE);
            vm.setVMOption(MAX, MAX_FREE);
        } catch (RuntimeException | LinkageError e) {
            // Another VM, or a security manager: the heap keeps its default sizing, which only costs memory.
            log.debug("heap free ratios left at their defaults: {}", e.toString());
        }
    }

    private static boolean atDefault(HotSpotDiagnosticMXBean vm, String flag) {
        return vm.getVMOption(flag).getOrigin() == VMOption.Origin.DEFAULT;
    }
}
