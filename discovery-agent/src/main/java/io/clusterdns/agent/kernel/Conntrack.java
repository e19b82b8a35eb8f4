package io.clusterdns.agent.kernel;

/** Deletes conntrack entries: the {@code conntrack} binary, or a fake in unit tests. */
public interface Conntrack {

    /** Deletes the matching entries; returns how many, or -1 when the call failed (logged by the caller). */
    int delete(ConntrackFilter filter);

    /**
     * Deletes the entries of every filter (one sync's cleanup); returns the count per filter, in
     * order, -1 where it failed. A backend that can, lists the table once and deletes in one go.
     */
    default int[] deleteAll(java.util.List<ConntrackFilter> filters) {
        int[] out = new int[filters.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = delete(filters.get(i));
        }
        return out;
    }
}
