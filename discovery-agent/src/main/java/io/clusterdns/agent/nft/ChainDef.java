package io.clusterdns.agent.nft;

import java.util.List;
import java.util.Objects;

/** A chain and its rules; {@code hook} is null for a regular chain (reached by jump/goto/vmap only). */
public record ChainDef(String name, Hook hook, List<Rule> rules) {
    public ChainDef {
        Objects.requireNonNull(name, "name");
        rules = List.copyOf(rules);
    }

    public boolean isBase() {
        return hook != null;
    }
}
