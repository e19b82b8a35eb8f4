package io.clusterdns.agent.lb;

import java.util.List;

/** A built table: the backends (sorted) and each slot's owner, an index into them. What the generators share. */
abstract sealed class SlotTable implements LookupTable permits MaglevTable, RendezvousTable {
    private final List<String> backends;
    private final int[] owners;

    SlotTable(List<String> backends, int[] owners) {
        this.backends = backends;
        this.owners = owners;
    }

    @Override
    public final int size() {
        return owners.length;
    }

    @Override
    public final List<String> backends() {
        return backends;
    }

    @Override
    public final int ownerIndex(int slot) {
        return owners[slot];
    }
}
