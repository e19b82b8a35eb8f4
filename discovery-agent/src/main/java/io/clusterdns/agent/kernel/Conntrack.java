package io.clusterdns.agent.kernel;

/** Deletes conntrack entries: the {@code conntrack} binary, or a fake in unit tests. */
public interface Conntrack {

    /** Deletes the matching entries; returns how many, or -1 when the call failed (logged by the caller). */
    int delete(ConntrackFilter filter);
}
