package io.clusterdns.server.fast;

import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.FrontPath;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.listen.ReplySink;
import io.clusterdns.server.metrics.ZoneMeters;
import io.clusterdns.server.plugin.prometheus.PrometheusPlugin;
import io.clusterdns.server.wire.Transport;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The cluster zone's fast path, in front of a listener's chains: a query recognised byte for byte
 * ({@link FastQuery}) for a name of a block that answers it unchanged from the {@code kubernetes}
 * plugin ({@link FastBlock}) is answered from bytes encoded once per snapshot, with its ID, RD, CD
 * and question (its case) copied in; no dnsjava message is parsed or built. Every other query,
 * and every answer the chain would make in some other way, takes the chain. Counted in the
 * block's {@code prometheus} series as the chain counts it, and in
 * {@code clusterdns_fastpath_{hits,misses,reencodes}_total} by how the answer was found (and
 * {@code clusterdns_fastpath_evictions_total}: answers evicted to keep new ones within the budget).
 *
 * <p>Per query, nothing is allocated: the query is read into this thread's {@link FastQuery},
 * which is also the key the answer is looked up with (in the block's {@link AnswerTable}) and the response handed to the sink (the UDP
 * socket patches the kept bytes in its pooled send buffer).
 */
public final class FastPath implements FrontPath {
    /** Set to {@code false} to send every query through the chain (benchmarks compare the two). */
    public static final String ENABLED_PROPERTY = "clusterdns.fastPath";

    /** Zones of the router's blocks in its order, wire form, lower-case. */
    private final byte[][] zones;
    private final Name[] zoneNames;
    /** The fast path of the block of each zone; null where the block takes the chain. */
    private final FastBlock[] blocks;
    /** Per zone: the series its fast-path answers are counted in; filled on first use (the listener's label is known then). */
    private final Counted[] counted;

    private FastPath(byte[][] zones, Name[] zoneNames, FastBlock[] blocks) {
        this.zones = zones;
        this.zoneNames = zoneNames;
        this.blocks = blocks;
        this.counted = new Counted[zones.length];
    }

    /** The fast path of the blocks {@code chains} of one listener, in router order; {@link FrontPath#NONE} when none has one. */
    public static FrontPath of(List<BlockChain> chains) {
        return of(chains, AnswerCache.DEFAULT_BUDGET);
    }

    /** As {@link #of(List)}, unless the system property {@value #ENABLED_PROPERTY} is {@code false}. */
    public static FrontPath unlessDisabled(List<BlockChain> chains) {
        return Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true")) ? of(chains) : FrontPath.NONE;
    }

    /**
     * One block's chain as the server runs it: a {@code cache} in a block the fast path can serve
     * leaves the {@code kubernetes} plugin's own answers alone (they are the fast path's, with the
     * plugin's TTL); forwarded and other answers go through it as in CoreDNS. The block's plugins
     * unchanged otherwise.
     */
    public static List<Plugin> cacheLeavingClusterAnswers(List<Plugin> plugins) {
        return FastBlock.cacheLeavingClusterAnswers(plugins);
    }

    static FrontPath of(List<BlockChain> chains, long budget) {
        List<byte[]> z = new ArrayList<>();
        List<Name> names = new ArrayList<>();
        List<FastBlock> b = new ArrayList<>();
        boolean any = false;
        for (BlockChain c : chains) {
            FastBlock fast = FastBlock.of(c, budget);
            any |= fast != null;
            for (Name zone : c.zones()) {
                z.add(zone.toWireCanonical());
                names.add(zone);
                b.add(fast);
            }
        }
        return any ? new FastPath(z.toArray(byte[][]::new), names.toArray(Name[]::new), b.toArray(FastBlock[]::new)) : FrontPath.NONE;
    }

    @Override
    public boolean serve(byte[] wire, Transport transport, InetSocketAddress client, Listener listener, ReplySink sink, long received) {
        FastQuery query = FastQuery.current();
        if (!query.read(wire, transport)) {
            return false;
        }
        int route = route(query.nameBytes(), query.nameLength());
        FastBlock block = route < 0 ? null : blocks[route];
        if (block == null || !block.answer(query, wire)) {
            return false;
        }
        // read before sending: the query object is this thread's, and is only known unused until then
        int qtype = query.qtype();
        boolean dnssecOk = query.edns() == AnswerKey.EDNS_DO;
        int rcode = query.rcode();
        int length = query.template().length;
        FastBlock.Found found = query.found;
        int evicted = query.evicted;
        sink.send(query);
        PrometheusPlugin prometheus = block.prometheus();
        if (prometheus != null) {
            ZoneMeters meters = meters(route, listener.label(), prometheus);
            meters.record(transport == Transport.TCP, client.getAddress() instanceof Inet6Address, qtype, dnssecOk, wire.length, rcode,
                    prometheus.writerLabel(), length, System.nanoTime() - received);
            meters.countFastPath(found == FastBlock.Found.HELD ? ZoneMeters.FAST_PATH_HIT
                    : found == FastBlock.Found.MADE ? ZoneMeters.FAST_PATH_MISS : ZoneMeters.FAST_PATH_REENCODE);
            if (evicted > 0) {
                meters.countFastPathEvictions(evicted);
            }
        }
        return true;
    }

    /** The series of the zone at {@code route} on {@code server}, kept per route: no map look-up per query. */
    private ZoneMeters meters(int route, String server, PrometheusPlugin prometheus) {
        Counted c = counted[route];
        if (c == null || !c.server().equals(server)) {
            c = new Counted(server, prometheus.meters(server, zoneNames[route]));
            counted[route] = c; // a race makes the same meters twice: the plugin hands out one set per (server, zone)
        }
        return c.meters();
    }

    /** The meters of one route for one listener label (a router serves one listening address: one label). */
    private record Counted(String server, ZoneMeters meters) {
    }

    /** The zone the router picks for {@code name}: the longest holding it, the first of equals (as {@code Router#route}). */
    private int route(byte[] name, int length) {
        int best = -1;
        for (int i = 0; i < zones.length; i++) {
            if ((best < 0 || zones[i].length > zones[best].length) && endsWith(name, length, zones[i])) {
                best = i;
            }
        }
        return best;
    }

    /** True when the name {@code name[0, length)} is {@code zone} or below it (both wire form, lower-case). */
    static boolean endsWith(byte[] name, int length, byte[] zone) {
        int at = length - zone.length;
        if (at < 0 || !java.util.Arrays.equals(name, at, length, zone, 0, zone.length)) {
            return false;
        }
        int label = 0;
        while (label < at) {
            label += (name[label] & 0xFF) + 1;
        }
        return label == at;
    }

    /** The answers of the block of {@code zone}, with their counters (tests, benchmarks); null when it has no fast path. */
    AnswerCache cache(Name zone) {
        for (int i = 0; i < zoneNames.length; i++) {
            if (zoneNames[i].equals(zone)) {
                return blocks[i] == null ? null : blocks[i].cache();
            }
        }
        return null;
    }

    /** Answers held for the block of {@code zone} (tests, benchmarks); -1 when it has no fast path. */
    public int answersHeld(Name zone) {
        for (int i = 0; i < zoneNames.length; i++) {
            if (zoneNames[i].equals(zone)) {
                return blocks[i] == null ? -1 : blocks[i].cache().size();
            }
        }
        return -1;
    }
}
