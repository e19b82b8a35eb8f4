package io.clusterdns.server.plugin.bind;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code bind ADDRESS|IFACE... [{ except ADDRESS|IFACE... }]}. An interface stands for the
 * addresses it has now (IPv4 and IPv6, without IPv6 link-local ones, which need a scope to be
 * bound), as CoreDNS resolves it at start-up and at each reload.
 */
public final class BindSetup {
    /** The addresses of the host's interface {@code name}; null when there is no such interface. */
    public static final Function<String, List<InetAddress>> HOST_INTERFACES = BindSetup::hostInterface;

    private BindSetup() {
    }

    public static BindConfig parse(Directive d) {
        return parse(d, HOST_INTERFACES);
    }

    /** @param interfaces the addresses of an interface by name, null for none (tests give their own) */
    public static BindConfig parse(Directive d, Function<String, List<InetAddress>> interfaces) {
        Setup s = new Setup(BindConfig.NAME);
        s.args(d, 1, Integer.MAX_VALUE);
        Set<InetAddress> bound = new LinkedHashSet<>();
        for (Token t : d.args()) {
            bound.addAll(addresses(s, t, null, interfaces));
        }
        for (Directive o : d.children()) {
            if (!o.name().text().equals("except")) {
                throw s.unknownOption(o);
            }
            s.args(o, 1, Integer.MAX_VALUE);
            for (Token t : o.args()) {
                bound.removeAll(addresses(s, t, "except", interfaces));
            }
        }
        if (bound.isEmpty()) {
            throw s.error(d.name(), null, "no address left to bind after except");
        }
        return new BindConfig(new ArrayList<>(bound));
    }

    private static List<InetAddress> addresses(Setup s, Token t, String option, Function<String, List<InetAddress>> interfaces) {
        InetAddress ip = IpAddresses.tryParse(t.text());
        if (ip != null) {
            return List.of(ip);
        }
        List<InetAddress> found = interfaces.apply(t.text());
        if (found == null) {
            throw s.error(t, option, "not a valid IP address or interface name: \"" + t.text() + "\"");
        }
        if (found.isEmpty() && option == null) {
            throw s.error(t, option, "interface " + t.text() + " has no address to bind");
        }
        return found;
    }

    private static List<InetAddress> hostInterface(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            if (nic == null) {
                return null;
            }
            List<InetAddress> out = new ArrayList<>();
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet6Address v6) {
                    if (v6.isLinkLocalAddress()) {
                        continue;
                    }
                    // drop the scope: a global address binds without one
                    a = InetAddress.getByAddress(v6.getAddress());
                }
                out.add(a);
            }
            return out;
        } catch (SocketException | java.net.UnknownHostException e) {
            return null;
        }
    }
}
