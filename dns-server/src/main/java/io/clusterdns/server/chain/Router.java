package io.clusterdns.server.chain;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * Which server block of a listener takes a question: the one with the longest zone holding the
 * name (stub domains: {@code example.com:53} next to {@code .:53}), as CoreDNS. Immutable; a
 * reload builds a new one.
 */
public final class Router {
    /** A block and the zone of it that matched. */
    public record Route(BlockChain block, Name zone) {
    }

    private final Name[] zones;
    private final BlockChain[] blocks;
    private final ServerLookup lookup;
    private final FrontPath front;

    /** Every query takes the chain of its block. */
    public Router(List<BlockChain> chains) {
        this(chains, FrontPath.NONE);
    }

    /** @param front answers what it can before the chains (the cluster zone's fast path) */
    public Router(List<BlockChain> chains, FrontPath front) {
        this.front = front;
        List<Name> z = new ArrayList<>();
        List<BlockChain> b = new ArrayList<>();
        for (BlockChain c : chains) {
            for (Name zone : c.zones()) {
                z.add(zone);
                b.add(c);
            }
        }
        this.zones = z.toArray(Name[]::new);
        this.blocks = b.toArray(BlockChain[]::new);
        this.lookup = new ServerLookup(this, 0);
    }

    /** What answers before the chains; {@link FrontPath#NONE} when every query takes its chain. */
    public FrontPath front() {
        return front;
    }

    /** Lookups through this router, for the requests it routes. */
    public ServerLookup lookup() {
        return lookup;
    }

    /** The block with the longest zone holding {@code qname}; null when none does (REFUSED). */
    public Route route(Name qname) {
        int best = -1;
        for (int i = 0; i < zones.length; i++) {
            if ((best < 0 || zones[i].labels() > zones[best].labels()) && qname.subdomain(zones[i])) {
                best = i;
            }
        }
        return best < 0 ? null : new Route(blocks[best], zones[best]);
    }

    public List<BlockChain> blocks() {
        List<BlockChain> out = new ArrayList<>();
        for (BlockChain b : blocks) {
            if (!out.contains(b)) {
                out.add(b);
            }
        }
        return out;
    }
}
