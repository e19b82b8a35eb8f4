package io.clusterdns.agent.nft;

import java.util.ArrayList;
import java.util.List;

/**
 * One atomic transaction in both forms: the {@code nft -f} script and the same commands as
 * {@link NftOp}s, in the same order. Either applies all of it or nothing.
 */
public record NftTransaction(String script, List<NftOp> ops) {
    public static final NftTransaction EMPTY = new NftTransaction("", List.of());

    public NftTransaction {
        ops = List.copyOf(ops);
    }

    public boolean isEmpty() {
        return ops.isEmpty() && script.isEmpty();
    }

    /** This transaction followed by {@code next}, still one transaction. */
    public NftTransaction then(NftTransaction next) {
        if (isEmpty()) {
            return next;
        }
        List<NftOp> all = new ArrayList<>(ops);
        all.addAll(next.ops);
        return new NftTransaction(script + next.script, all);
    }
}
