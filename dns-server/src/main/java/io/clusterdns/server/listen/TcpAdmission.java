package io.clusterdns.server.listen;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The open TCP connections of one listening address, counted across its event loops, and the
 * decision to take a new one: under {@link TcpLimits#maxConnections} in all and
 * {@link TcpLimits#maxPerClient} from its address. Memory is bounded by the connections open:
 * an address's count goes when its last connection closes. A reload may change the limits: new
 * connections get the new ones, open ones keep theirs.
 */
public final class TcpAdmission {
    private volatile TcpLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final LongAdder slow = new LongAdder();
    private final LongAdder slowReaders = new LongAdder();

    public TcpAdmission(TcpLimits limits) {
        this.limits = limits;
    }

    public TcpLimits limits() {
        return limits;
    }

    /** Limits for connections taken from now on (a reload); the caps apply to those already open too. */
    public void update(TcpLimits next) {
        limits = next;
    }

    /** True when a connection from {@code client} may stay open; then {@link #release} must follow when it closes. */
    public boolean admit(InetAddress client) {
        TcpLimits limits = this.limits;
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            refused.increment();
            return false;
        }
        boolean[] admitted = {true};
        perClient.compute(client, (c, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            if (count.get() >= limits.maxPerClient()) {
                admitted[0] = false;
            } else {
                count.incrementAndGet();
            }
            return count.get() == 0 ? null : count;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
            refused.increment();
        }
        return admitted[0];
    }

    /** A connection {@link #admit} took has closed. */
    public void release(InetAddress client) {
        perClient.computeIfPresent(client, (c, n) -> n.decrementAndGet() == 0 ? null : n);
        open.decrementAndGet();
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }

    /** Connections closed at once because a cap was reached, since start. */
    public long refused() {
        return refused.sum();
    }

    /** A connection was closed because a query took longer than the read timeout to arrive. */
    void slowQuery() {
        slow.increment();
    }

    /** Connections closed for a query that took longer than the read timeout to arrive, since start. */
    public long slowQueries() {
        return slow.sum();
    }

    /** A connection was closed because its client did not read its answers within the write timeout. */
    void slowReader() {
        slowReaders.increment();
    }

    /** Connections closed because their client did not read answers within the write timeout, since start. */
    public long slowReaders() {
        return slowReaders.sum();
    }
}
