package io.clusterdns.agent.nft;

import java.util.ArrayList;
import java.util.List;

/**
 * One atomic transaction: commands as {@link NftOp}s, and the same commands as the {@code nft -f}
 * script. Either applies all of it or nothing. The script is rendered from the commands only when
 * asked for (the {@code cli} backend, a netlink fallback, tests): the netlink backend never needs
 * it, and at 10,000 services it is 11 MB of text.
 */
public final class NftTransaction {
    public static final NftTransaction EMPTY = new NftTransaction(List.of());

    private final List<NftOp> ops;
    /** Null until rendered from {@link #ops}, unless given. */
    private String script;

    /** The commands; the script is rendered from them when needed. */
    public NftTransaction(List<NftOp> ops) {
        this.ops = List.copyOf(ops);
    }

    /** A script given as text (with no commands: a text-only script such as the cleanup). */
    public NftTransaction(String script, List<NftOp> ops) {
        this.ops = List.copyOf(ops);
        this.script = script;
    }

    public List<NftOp> ops() {
        return ops;
    }

    /** The {@code nft -f} script of these commands, in the same order. */
    public synchronized String script() {
        if (script == null) {
            StringBuilder sb = new StringBuilder(ops.size() * 64);
            for (NftOp op : ops) {
                NftScripts.render(op, sb);
            }
            script = sb.toString();
        }
        return script;
    }

    public boolean isEmpty() {
        return ops.isEmpty() && (script == null || script.isEmpty());
    }

    /** This transaction followed by {@code next}, still one transaction. */
    public NftTransaction then(NftTransaction next) {
        if (isEmpty()) {
            return next;
        }
        List<NftOp> all = new ArrayList<>(ops.size() + next.ops.size());
        all.addAll(ops);
        all.addAll(next.ops);
        if (script == null && next.script == null) {
            return new NftTransaction(all);
        }
        return new NftTransaction(script() + next.script(), all);
    }

    @Override
    public String toString() {
        return "NftTransaction[" + ops.size() + " commands]";
    }
}
