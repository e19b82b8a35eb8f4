package io.clusterdns.server.plugin.bind;

import io.clusterdns.server.chain.MergedLines;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * CoreDNS's {@code bind}: the addresses a server block's ports are bound to instead of every
 * address. Several {@code bind} lines in one block are one config, the union of their addresses
 * (each line's {@code except} applies to its own line only, as CoreDNS). Interface names are
 * already resolved to their addresses when the Corefile is read (start-up and every reload).
 *
 * @param addresses in the order written, each once; never empty
 */
public record BindConfig(List<InetAddress> addresses) implements MergedLines<BindConfig> {
    public static final String NAME = "bind";

    public BindConfig {
        addresses = List.copyOf(new LinkedHashSet<>(addresses));
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("bind needs at least one address");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** This config with another {@code bind} line's addresses after its own. */
    @Override
    public BindConfig and(BindConfig more) {
        List<InetAddress> all = new ArrayList<>(addresses);
        all.addAll(more.addresses);
        return new BindConfig(all);
    }
}
