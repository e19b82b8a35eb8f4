package io.clusterdns.server.corefile;

import java.util.List;

/**
 * A server block as written: its keys ({@code .:53}, {@code example.com:53},
 * {@code dns://cluster.local}) and its plugin lines, in the order written (the chain's order is
 * the plugin order, not this one).
 */
public record ServerBlock(List<Token> keys, List<Directive> directives) {
    public ServerBlock {
        keys = List.copyOf(keys);
        directives = List.copyOf(directives);
    }

    /** Where the block starts (its first key). */
    public String where() {
        return keys.get(0).where();
    }
}
