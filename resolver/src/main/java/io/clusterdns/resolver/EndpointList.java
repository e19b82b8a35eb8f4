package io.clusterdns.resolver;

import java.net.InetAddress;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A service's ready endpoints as the index keeps them, one of two compact forms: a view of the
 * model's own slices when they need no merging ({@link SliceEndpoints}: nothing copied), else
 * columns of the merged endpoints ({@link ReadyEndpoints}). {@link #get} makes the
 * {@link ReadyEndpoint} record on demand; the other methods read one endpoint without making it.
 */
abstract sealed class EndpointList extends AbstractList<ReadyEndpoint> implements RandomAccess
        permits ReadyEndpoints, SliceEndpoints {

    /** Named endpoints up to which a look-up by name scans them (a hash table costs more than it saves). */
    static final int SCAN = 8;

    /** The address of endpoint {@code index} (an IPv4 one is made here). */
    abstract InetAddress address(int index);

    /** True when endpoint {@code index} has {@code address}, without making either. */
    abstract boolean hasAddress(int index, InetAddress address);

    /** The name of endpoint {@code index} (null: known by its dashed IP), without making its record. */
    abstract String name(int index);

    /** The endpoints named {@code name} (a hostname or pod name; not a dashed IP), in order. */
    List<ReadyEndpoint> named(String name) {
        ReadyEndpoint first = null;
        List<ReadyEndpoint> more = null;
        for (int i = 0; i < size(); i++) {
            if (name.equals(name(i))) {
                if (first == null) {
                    first = get(i);
                } else {
                    if (more == null) {
                        more = new java.util.ArrayList<>(4);
                        more.add(first);
                    }
                    more.add(get(i));
                }
            }
        }
        return more != null ? List.copyOf(more) : first != null ? List.of(first) : List.of();
    }
}
