package io.clusterdns.server.plugin.hosts;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * What the plugin answers from at one moment: the file as last read and the Corefile's inline
 * entries, the file's first (CoreDNS's order). One immutable snapshot, replaced whole when the
 * file changes, so a query never sees half a reload.
 */
record HostsData(HostsTable file, HostsTable inline) {

    /** The addresses of {@code qname} of one family, each once. */
    List<InetAddress> addresses(Name qname, boolean ipv6) {
        return union(file.addresses(qname, ipv6), inline.addresses(qname, ipv6));
    }

    /** The names of {@code address} (PTR targets), each once. */
    List<Name> names(InetAddress address) {
        return union(file.names(address), inline.names(address));
    }

    /** True when {@code qname} has an address of either family: another type asked for is NODATA, not a miss. */
    boolean exists(Name qname) {
        return !addresses(qname, false).isEmpty() || !addresses(qname, true).isEmpty();
    }

    /** {@code coredns_hosts_entries}: the file's and the inline entries together. */
    int size() {
        return file.size() + inline.size();
    }

    private static <T> List<T> union(List<T> a, List<T> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        // the same entry in the file and inline is one record (RFC 2181 section 5: an RRset has no duplicates)
        List<T> out = new ArrayList<>(a);
        for (T t : b) {
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }
}
