package io.clusterdns.server.plugin.hosts;

import io.clusterdns.server.chain.Zones;
import io.clusterdns.k8s.model.IpAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The entries of one source of hosts data (the file, or the Corefile's inline lines), parsed as
 * CoreDNS parses {@code /etc/hosts}: {@code ADDRESS NAME [NAME...]} per line, {@code #} to the
 * end of the line a comment, names lower-cased and made absolute, names outside the plugin's
 * zones left out. An IPv6 zone ({@code fe80::1%eth0}) is dropped; an IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}) is IPv4, as Go's {@code To4} makes it. A name whose first label is
 * {@code *} is a wildcard for one label below its parent (not the parent itself) and makes no PTR.
 * Immutable.
 *
 * @param v4        exact names to their IPv4 addresses, in the order written, each once
 * @param v6        exact names to their IPv6 addresses
 * @param wildcard4 the parent of a wildcard ({@code example.com.} for {@code *.example.com}) to its IPv4 addresses
 * @param wildcard6 likewise for IPv6
 * @param names     addresses to the names written for them (the PTR records); empty with {@code no_reverse}
 */
record HostsTable(
        Map<Name, List<InetAddress>> v4,
        Map<Name, List<InetAddress>> v6,
        Map<Name, List<InetAddress>> wildcard4,
        Map<Name, List<InetAddress>> wildcard6,
        Map<InetAddress, List<Name>> names) {
    static final HostsTable EMPTY = new HostsTable(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    HostsTable {
        v4 = Map.copyOf(v4);
        v6 = Map.copyOf(v6);
        wildcard4 = Map.copyOf(wildcard4);
        wildcard6 = Map.copyOf(wildcard6);
        names = Map.copyOf(names);
    }

    /** The addresses of {@code qname} of one family: its own entries, else those of a wildcard one label up. */
    List<InetAddress> addresses(Name qname, boolean ipv6) {
        List<InetAddress> exact = (ipv6 ? v6 : v4).get(qname);
        if (exact != null) {
            return exact;
        }
        // a single-label name has no wildcard above it (CoreDNS: no "*." pattern for "com.")
        if (qname.labels() > 2) {
            List<InetAddress> wild = (ipv6 ? wildcard6 : wildcard4).get(new Name(qname, 1));
            if (wild != null) {
                return wild;
            }
        }
        return List.of();
    }

    /** The names written for {@code address}, in the order written. */
    List<Name> names(InetAddress address) {
        return names.getOrDefault(address, List.of());
    }

    /** CoreDNS's count of entries ({@code coredns_hosts_entries}): every address of every name, plus every reverse name. */
    int size() {
        int n = 0;
        for (Map<Name, List<InetAddress>> m : List.of(v4, v6, wildcard4, wildcard6)) {
            for (List<InetAddress> l : m.values()) {
                n += l.size();
            }
        }
        for (List<Name> l : names.values()) {
            n += l.size();
        }
        return n;
    }

    /** Collects the lines of one source; a malformed line is skipped with a warning naming where it was written. */
    static final class Builder {
        private final List<Name> zones;
        private final boolean reverse;
        private final Consumer<String> warnings;
        private final Map<Name, LinkedHashSet<InetAddress>> v4 = new HashMap<>();
        private final Map<Name, LinkedHashSet<InetAddress>> v6 = new HashMap<>();
        private final Map<Name, LinkedHashSet<InetAddress>> wildcard4 = new HashMap<>();
        private final Map<Name, LinkedHashSet<InetAddress>> wildcard6 = new HashMap<>();
        private final Map<InetAddress, LinkedHashSet<Name>> names = new HashMap<>();

        /**
         * @param zones    names outside these zones are left out
         * @param reverse  whether the entries make PTR records
         * @param warnings where the warning about a malformed line goes (the log)
         */
        Builder(List<Name> zones, boolean reverse, Consumer<String> warnings) {
            this.zones = List.copyOf(zones);
            this.reverse = reverse;
            this.warnings = warnings;
        }

        /** One line of hosts data; {@code where} ({@code FILE:LINE}) is asked for only to warn. */
        Builder add(String line, Supplier<String> where) {
            int hash = line.indexOf('#');
            String[] fields = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (fields.length == 1 && fields[0].isEmpty()) {
                return this; // blank, or only a comment
            }
            if (fields.length < 2) {
                warnings.accept("plugin/hosts: " + where.get() + ": skipped: expected an address and at least one name, got \"" + line.trim() + "\"");
                return this;
            }
            String literal = fields[0];
            int zone = literal.indexOf('%');
            InetAddress address = IpAddresses.tryParse(zone >= 0 ? literal.substring(0, zone) : literal);
            if (address == null) {
                warnings.accept("plugin/hosts: " + where.get() + ": skipped: \"" + literal + "\" is not an IP address");
                return this;
            }
            boolean ipv4 = address instanceof Inet4Address;
            for (int i = 1; i < fields.length; i++) {
                Name name;
                try {
                    name = Name.fromString(fields[i].toLowerCase(Locale.ROOT), Name.root);
                } catch (TextParseException e) {
                    warnings.accept("plugin/hosts: " + where.get() + ": skipped name " + e.getMessage());
                    continue;
                }
                if (!Zones.holds(zones, name)) {
                    continue;
                }
                if (name.isWild()) {
                    (ipv4 ? wildcard4 : wildcard6).computeIfAbsent(new Name(name, 1), k -> new LinkedHashSet<>()).add(address);
                    continue;
                }
                (ipv4 ? v4 : v6).computeIfAbsent(name, k -> new LinkedHashSet<>()).add(address);
                if (reverse) {
                    names.computeIfAbsent(address, k -> new LinkedHashSet<>()).add(name);
                }
            }
            return this;
        }

        HostsTable build() {
            return new HostsTable(lists(v4), lists(v6), lists(wildcard4), lists(wildcard6), lists(names));
        }

        private static <K, V> Map<K, List<V>> lists(Map<K, LinkedHashSet<V>> m) {
            Map<K, List<V>> out = new HashMap<>();
            m.forEach((k, v) -> out.put(k, List.copyOf(v)));
            return out;
        }
    }
}
