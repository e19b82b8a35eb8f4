package io.clusterdns.server.plugin.rewrite;

import io.clusterdns.server.chain.MergedLines;
import java.util.ArrayList;
import java.util.List;

/**
 * CoreDNS's {@code rewrite [continue|stop] FIELD ...} lines of one block: one plugin whose rules
 * are tried in the order written.
 */
public record RewriteConfig(List<Rule> rules) implements MergedLines<RewriteConfig> {
    public static final String NAME = "rewrite";

    public RewriteConfig {
        rules = List.copyOf(rules);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** This config with another block line's rules after its own (several {@code rewrite} lines). */
    @Override
    public RewriteConfig and(RewriteConfig more) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(more.rules);
        return new RewriteConfig(all);
    }
}
