package io.vivarium.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** After a large queue is loaded the heap keeps little free room, unless the user chose the ratios. */
class HeapSizingTest {

    @Test
    void theFreeRatiosAreLoweredOnlyWhereTheUserLeftThemAtTheirDefaults() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        VMOption min = vm.getVMOption("MinHeapFreeRatio");
        VMOption max = vm.getVMOption("MaxHeapFreeRatio");
        boolean defaults = min.getOrigin() == VMOption.Origin.DEFAULT && max.getOrigin() == VMOption.Origin.DEFAULT;

        HeapSizing.keepCompact();

        if (defaults) {
            assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("10");
            assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("30");
        } else {
            assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(min.getValue());
            assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(max.getValue());
        }
    }
}
