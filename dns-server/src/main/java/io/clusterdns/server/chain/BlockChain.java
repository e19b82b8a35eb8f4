package io.clusterdns.server.chain;

import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * A server block as it runs: its zones and its plugins, chained in the fixed plugin order (not
 * the order written). A query the last plugin passes on gets SERVFAIL, as CoreDNS's "no next
 * plugin found"; a block without plugins answers REFUSED.
 *
 * @param zones   the block's zones, absolute and lower-case ({@code .} for the root)
 * @param plugins its plugins in chain order
 */
public record BlockChain(List<Name> zones, List<Plugin> plugins, Chain head) {

    public BlockChain {
        zones = List.copyOf(zones);
        plugins = List.copyOf(plugins);
    }

    /** The chain of {@code plugins}, already in chain order. */
    public static BlockChain of(List<Name> zones, List<Plugin> plugins) {
        if (plugins.isEmpty()) {
            return new BlockChain(zones, plugins, (request, writer) -> writer.fail(Rcode.REFUSED, null));
        }
        Chain next = (request, writer) -> writer.fail(Rcode.SERVFAIL,
                "plugin/" + plugins.get(plugins.size() - 1).name() + ": no next plugin found");
        for (int i = plugins.size() - 1; i >= 0; i--) {
            Plugin p = plugins.get(i);
            Chain after = next;
            next = (request, writer) -> p.serve(request, writer, after);
        }
        return new BlockChain(zones, plugins, next);
    }

    /** The first plugin of this block named {@code name}, or null. */
    public Plugin plugin(String name) {
        for (Plugin p : plugins) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** The first zone, as CoreDNS names a block in its metrics and logs. */
    public Name firstZone() {
        return zones.get(0);
    }
}
