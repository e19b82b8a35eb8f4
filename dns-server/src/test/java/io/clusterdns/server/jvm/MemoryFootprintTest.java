package io.clusterdns.server.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The surefire JVM runs with no -XX flags (no argLine in the poms), as {@code java -jar} does: the
 * first {@link MemoryFootprint#applyDefaults()} sets the heap free ratios; a flag not at its
 * default (here: set by that first call, as a -XX flag would be) is left alone.
 */
class MemoryFootprintTest {
    private final HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void setsTheFreeRatiosOnceAndNeverOverridesAFlagThatIsNotAtItsDefault() {
        vm.setVMOption("MinHeapFreeRatio", "15");   // as -XX:MinHeapFreeRatio=15 would: no longer the default
        List<String> set = MemoryFootprint.applyDefaults();

        // the maximum's 10 would be below the minimum the flag set, which the JVM refuses: it follows the flag
        assertThat(set).contains("MaxHeapFreeRatio=15").noneMatch(s -> s.startsWith("MinHeapFreeRatio"));
        assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("15");
        assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("15");
        assertThat(vm.getVMOption("MaxHeapFreeRatio").getOrigin()).isEqualTo(VMOption.Origin.MANAGEMENT);
        boolean g1 = ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(gc -> gc.getName().startsWith("G1"));
        assertThat(vm.getVMOption("G1PeriodicGCInterval").getValue()).isEqualTo(g1 ? "60000" : "0");

        assertThat(MemoryFootprint.applyDefaults()).as("second call: nothing left at its default").isEmpty();
    }

    @Test
    void capsTheNioBufferCacheUnlessTheCommandLineSetIt() {
        String property = MemoryFootprint.MAX_CACHED_NIO_BUFFER_PROPERTY;
        String before = System.getProperty(property);
        try {
            System.clearProperty(property);
            MemoryFootprint.enable();
            assertThat(System.getProperty(property)).isEqualTo(Integer.toString(MemoryFootprint.MAX_CACHED_NIO_BUFFER));
            System.setProperty(property, "1000");
            MemoryFootprint.enable();
            assertThat(System.getProperty(property)).isEqualTo("1000");
        } finally {
            // back to what a test JVM has: compaction off (servers other tests start must not collect)
            System.setProperty(MemoryFootprint.DISABLE_PROPERTY, "false");
            MemoryFootprint.enable();
            System.clearProperty(MemoryFootprint.DISABLE_PROPERTY);
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    @Test
    void aCompactionWithinAMinuteOfTheLastWaitsForTheMinuteToEnd() {
        long minute = MemoryFootprint.MIN_COMPACTION_INTERVAL_NANOS;
        long second = 1_000_000_000L;
        long t0 = 5 * minute; // System.nanoTime() has an arbitrary origin
        assertThat(MemoryFootprint.delayMillis(false, 0, t0)).as("the first").isEqualTo(MemoryFootprint.COMPACTION_DELAY_MILLIS);
        assertThat(MemoryFootprint.delayMillis(true, t0, t0 + 20 * second)).as("20 s after the last").isEqualTo(40_000);
        assertThat(MemoryFootprint.delayMillis(true, t0, t0 + minute - 1)).isEqualTo(MemoryFootprint.COMPACTION_DELAY_MILLIS);
        assertThat(MemoryFootprint.delayMillis(true, t0, t0 + 2 * minute)).isEqualTo(MemoryFootprint.COMPACTION_DELAY_MILLIS);
    }

    @Test
    void aCompactionWaitsWhileASourceIsBusyAndNoLongerThanItsBound() throws Exception {
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        // busy for the first three looks (a snapshot being written), then quiet
        MemoryFootprint.awaitQuiet(() -> polls.incrementAndGet() <= 3, 600_000);
        assertThat(polls.get()).as("looked until quiet, then started").isEqualTo(4);
        // a source that never gets quiet: the bound ends the wait (and the compaction then runs)
        polls.set(0);
        MemoryFootprint.awaitQuiet(() -> polls.incrementAndGet() > 0, 3 * MemoryFootprint.BUSY_POLL_MILLIS);
        assertThat(polls.get()).as("returned after its bound").isGreaterThanOrEqualTo(1);
    }

    @Test
    void trimsItselfOnlyWhenTheJvmDoesNot() {
        // the surefire JVM runs without -XX:TrimNativeHeapInterval (the image sets it)
        assertThat(vm.getVMOption("TrimNativeHeapInterval").getValue()).isEqualTo("0");
        assertThat(MemoryFootprint.trimsPeriodically()).isFalse();
    }

    @Test
    void aCompactionCollectsTheHeap() {
        long before = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> Math.max(0, gc.getCollectionCount())).sum();
        MemoryFootprint.compact();
        long after = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> Math.max(0, gc.getCollectionCount())).sum();
        assertThat(after).isGreaterThan(before);
    }
}
