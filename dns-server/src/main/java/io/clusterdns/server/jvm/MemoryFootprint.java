package io.clusterdns.server.jvm;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory defaults the server sets for itself, so that {@code java -jar} with no JVM flags keeps
 * the heap near what the cluster needs instead of growing towards a quarter of the machine and
 * staying there. Two parts:
 *
 * <ul>
 *   <li>{@link #applyDefaults()}, once: manageable HotSpot flags the command line left at
 *       their defaults are set through {@link HotSpotDiagnosticMXBean#setVMOption} (a flag given
 *       with {@code -XX:} is never touched): {@code MinHeapFreeRatio=10} and
 *       {@code MaxHeapFreeRatio=10} (after a full collection the heap keeps 10 % free: it gives
 *       back what is more, instead of keeping up to 70 %), and with G1 (the JVM's choice on machines with 2 or more CPUs and
 *       1792 MiB) {@code G1PeriodicGCInterval=60000} (an idle server gets a concurrent cycle a
 *       minute, which uncommits the unused heap).</li>
 *   <li>{@link #afterFullSnapshot()}, after a complete snapshot was indexed (the first sync, a
 *       manifest reload): the garbage of a sync (list pages, converted objects, the index being
 *       built) is the largest the heap ever holds, and without a full collection neither Serial
 *       nor G1 returns it. {@code System.gc()}, a second later on a thread of its own, repeated
 *       while the heap still shrinks (Serial gives it back in steps), shrinks the heap to the
 *       live data plus the free ratio, then glibc's free lists are handed back to the kernel
 *       ({@code System.trim_native_heap}, the diagnostic command behind {@code jcmd PID
 *       System.trim_native_heap}: the JIT's arenas and class loading leave tens of MB in them),
 *       unless the JVM trims them itself ({@code -XX:TrimNativeHeapInterval}). At most once a
 *       minute: a later request within the minute runs at its end.</li>
 *   <li>{@link #enable()}, in main before any channel I/O: {@code jdk.nio.maxCachedBufferSize}
 *       (unless given) to {@value #MAX_CACHED_NIO_BUFFER}: the JDK copies a heap buffer through a
 *       temporary direct buffer as large as the request and, by default, keeps it cached in that
 *       thread whatever its size, so one large read (a manifest file, the persisted snapshot)
 *       stays resident as long as its thread lives. The property is read once, when the JDK's
 *       buffer cache is first used, so only a start can set it.</li>
 * </ul>
 *
 * The first two happen on the compaction thread after the first complete snapshot (the flags first, so that
 * its collection already shrinks the heap by them), only in the server process ({@link #enable()},
 * called by its main; tests that start servers in their own JVM do not), and
 * {@code -Dclusterdns.memory-defaults=false} turns them off.
 */
public final class MemoryFootprint {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryFootprint.class);
    static final String DISABLE_PROPERTY = "clusterdns.memory-defaults";
    static final long MIN_COMPACTION_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final long COMPACTION_DELAY_MILLIS = 1000;
    /** The longest a compaction waits for a busy source to finish (see {@link #afterFullSnapshot(BooleanSupplier)}). */
    static final long MAX_BUSY_WAIT_MILLIS = 60_000;
    static final long BUSY_POLL_MILLIS = 100;
    /** Enough for Serial's shrink steps (see {@link #compact()}). */
    static final int MAX_COLLECTIONS = 5;
    /**
     * The heap's free ratio once synced, both bounds: after a full collection the heap keeps 10 %
     * of it free, no more and no less. The lower bound sets how often the old generation fills
     * (the same as with the 20 % upper bound this replaced); the upper bound what stays committed
     * beyond the live data (4 to 7 MB less at 50,000 services, see "Footprint at cluster scale"
     * in the README).
     */
    static final int FREE_RATIO = 10;
    /**
     * Manageable flags and the values set when the command line left them at their defaults, in
     * order (Min before Max); a free ratio bound is moved past the other one a flag set (see {@link #value}).
     */
    static final List<String[]> DEFAULTS = List.of(
            new String[] {"MinHeapFreeRatio", Integer.toString(FREE_RATIO)},
            new String[] {"MaxHeapFreeRatio", Integer.toString(FREE_RATIO)},
            new String[] {"G1PeriodicGCInterval", "60000"});

    static final String MAX_CACHED_NIO_BUFFER_PROPERTY = "jdk.nio.maxCachedBufferSize";
    /** The largest temporary direct buffer a thread keeps (see the class comment); larger ones are freed after use. */
    static final int MAX_CACHED_NIO_BUFFER = 256 * 1024;

    private static volatile boolean enabled;
    private static long lastCompaction;
    private static boolean compacted;
    /** A compaction thread waits to start. */
    private static boolean pending;
    /** What the waiting compaction waits for besides its delay (guarded by the class). */
    private static List<BooleanSupplier> busy = new ArrayList<>();
    private static volatile boolean defaultsApplied;

    private MemoryFootprint() {
    }

    /**
     * Turns the parts on for this process (the server's main). Only the NIO buffer cache's
     * limit is set here: the flags are set on the compaction thread, before its collection, so
     * that loading the management classes costs the start nothing.
     */
    public static void enable() {
        enabled = !"false".equals(System.getProperty(DISABLE_PROPERTY));
        if (enabled && System.getProperty(MAX_CACHED_NIO_BUFFER_PROPERTY) == null) {
            System.setProperty(MAX_CACHED_NIO_BUFFER_PROPERTY, Integer.toString(MAX_CACHED_NIO_BUFFER));
        }
    }

    /** Sets the flags (see the class comment) that are still at their defaults; returns what it set. */
    public static List<String> applyDefaults() {
        List<String> set = new ArrayList<>();
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            boolean g1 = ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(gc -> gc.getName().startsWith("G1"));
            for (String[] d : DEFAULTS) {
                if (d[0].startsWith("G1") && !g1) {
                    continue;
                }
                VMOption option = vm.getVMOption(d[0]);
                if (option.getOrigin() == VMOption.Origin.DEFAULT && option.isWriteable()) {
                    String value = value(vm, d);
                    vm.setVMOption(d[0], value);
                    set.add(d[0] + "=" + value);
                }
            }
        } catch (RuntimeException e) {
            // not HotSpot, or a flag this JVM does not have: its own defaults stay
            LOG.debug("JVM memory defaults not set: {}", e.toString());
        }
        if (!set.isEmpty()) {
            LOG.debug("JVM memory defaults set: {}", String.join(" ", set));
        }
        return set;
    }

    /**
     * The value {@code d} sets: its own, except that a free ratio bound never crosses the other
     * one (the JVM refuses a minimum above the maximum): with {@code -XX:MinHeapFreeRatio=15} the
     * maximum becomes 15, with {@code -XX:MaxHeapFreeRatio=5} the minimum 5.
     */
    private static String value(HotSpotDiagnosticMXBean vm, String[] d) {
        return switch (d[0]) {
            case "MinHeapFreeRatio" -> Integer.toString(Math.min(FREE_RATIO, Integer.parseInt(vm.getVMOption("MaxHeapFreeRatio").getValue())));
            case "MaxHeapFreeRatio" -> Integer.toString(Math.max(FREE_RATIO, Integer.parseInt(vm.getVMOption("MinHeapFreeRatio").getValue())));
            default -> d[1];
        };
    }

    /**
     * Called after a complete snapshot was indexed: collects and trims on a thread of its own a
     * second later (off the publisher, and after the first answers rather than among them). At
     * most one compaction a minute: one asked for sooner is deferred to the minute's end rather
     * than dropped (a server started from its persisted snapshot compacts after indexing it, and
     * the API server's first sync, seconds later, leaves the largest garbage of all), and one
     * asked for while another waits to start is that one.
     */
    public static void afterFullSnapshot() {
        afterFullSnapshot(() -> false);
    }

    /**
     * {@link #afterFullSnapshot()}, and the collection waits (at most a minute) while
     * {@code stillBusy} holds: a source writing its persisted snapshot holds garbage the size of
     * the snapshot, and a collection during the write keeps the heap grown by it until some later
     * full collection, which a quiet server may not have for hours (at 50,000 services the first
     * write overlapped the collection and left 93 MB where 43 MB were live; once in four runs no
     * later collection came and the server stayed at 245 MiB instead of 160). A request made while
     * one waits adds what it waits for to that one; the minute between compactions counts from
     * when one really started.
     */
    public static void afterFullSnapshot(BooleanSupplier stillBusy) {
        if (!enabled) {
            return;
        }
        long delay;
        synchronized (MemoryFootprint.class) {
            busy.add(stillBusy);
            if (pending) {
                return;
            }
            long now = System.nanoTime();
            delay = delayMillis(compacted, lastCompaction, now);
            compacted = true;
            pending = true;
            lastCompaction = now + TimeUnit.MILLISECONDS.toNanos(delay);
        }
        Thread t = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(delay);
                awaitQuiet(MemoryFootprint::anyBusy, MAX_BUSY_WAIT_MILLIS);
            } catch (InterruptedException e) {
                synchronized (MemoryFootprint.class) {
                    pending = false;
                    busy = new ArrayList<>();
                }
                return;
            }
            synchronized (MemoryFootprint.class) {
                pending = false;
                busy = new ArrayList<>();
                lastCompaction = System.nanoTime();
            }
            if (!defaultsApplied) {
                defaultsApplied = true;
                applyDefaults();
            }
            compact();
        }, "clusterdns-memory-compaction");
        t.setDaemon(true);
        t.start();
    }

    /** Whether any source the waiting compaction waits for is busy; asked outside this class's lock (a source takes its own). */
    private static boolean anyBusy() {
        List<BooleanSupplier> now;
        synchronized (MemoryFootprint.class) {
            now = List.copyOf(busy);
        }
        return now.stream().anyMatch(BooleanSupplier::getAsBoolean);
    }

    /** Waits until {@code busy} no longer holds or {@code maxMillis} passed. */
    static void awaitQuiet(BooleanSupplier busy, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        while (busy.getAsBoolean() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(BUSY_POLL_MILLIS);
        }
    }

    /**
     * How long a compaction asked for at {@code now} waits: {@link #COMPACTION_DELAY_MILLIS}, or
     * until a minute after the last one started ({@code last}, when there was one), whichever is later.
     */
    static long delayMillis(boolean compactedBefore, long last, long now) {
        long untilInterval = compactedBefore ? TimeUnit.NANOSECONDS.toMillis(last + MIN_COMPACTION_INTERVAL_NANOS - now) : 0;
        return Math.max(COMPACTION_DELAY_MILLIS, untilInterval);
    }

    /**
     * Full collections until the heap stops shrinking (at most {@link #MAX_COLLECTIONS}), then the
     * native heap trimmed. Serial gives back only part of the free heap per collection unless
     * {@code -XX:-ShrinkHeapInSteps} (0 %, then 10, 40, 100 % of the excess on consecutive ones):
     * after a 50,000-service manifest load one collection left the old generation at 611 MB for 117 MB
     * live. G1 and Serial without steps shrink at once, so their second collection ends the loop.
     */
    static int compact() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        int collections = 0;
        long committed = memory.getHeapMemoryUsage().getCommitted();
        while (collections < MAX_COLLECTIONS) {
            System.gc();
            collections++;
            long now = memory.getHeapMemoryUsage().getCommitted();
            if (now >= committed) {
                break;
            }
            committed = now;
        }
        if (!trimsPeriodically()) {
            trimNativeHeap();
        }
        return collections;
    }

    /**
     * True when the JVM trims glibc's heap on its own ({@code -XX:TrimNativeHeapInterval}, as the
     * image runs): the trim here would then only come a few seconds sooner, and reaching the
     * diagnostic command through the platform MBean server registers every platform MBean (about
     * 150 classes of JMX and the Flight Recorder's bean, resident for the life of the process).
     */
    static boolean trimsPeriodically() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return Long.parseLong(vm.getVMOption("TrimNativeHeapInterval").getValue()) > 0;
        } catch (RuntimeException e) {
            // not HotSpot, or a JVM without the flag (before 17.0.9)
            return false;
        }
    }

    /** glibc's free memory back to the kernel; nothing where the JVM lacks the command (not glibc, before 17.0.9). */
    static void trimNativeHeap() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap", new Object[0], new String[0]);
        } catch (Exception e) {
            LOG.debug("native heap not trimmed: {}", e.toString());
        }
    }
}
