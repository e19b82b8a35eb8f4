package io.clusterdns.server.plugin.forward;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TextParseException;

/**
 * Reads {@code forward FROM TO... { options }} as CoreDNS 1.12 does:
 *
 * <pre>
 * FROM                       the zone forwarded ({@code .} for everything)
 * TO                         IP, IP:port, [IPv6]:port, dns://IP[:port], or a resolv.conf file (its nameserver lines); 1..15
 * except NAMES...            names under these are not forwarded
 * force_tcp                  always TCP upstream
 * prefer_udp                 UDP upstream even for TCP clients (a truncated answer is retried over TCP)
 * expire DURATION            idle upstream connections are closed after this (10s)
 * max_fails N                consecutive failed health checks before an upstream is down (2; 0: never down)
 * policy random|round_robin|sequential
 * health_check DURATION [no_rec] [domain NAME]   (0.5s, RD set, domain .)
 * max_concurrent N           queries in flight above this are REFUSED (0: no limit)
 * next RCODE...              these upstream rcodes pass the query on to the next forward
 * failfast_all_unhealthy_upstreams
 * </pre>
 *
 * {@code tls://} upstreams and the {@code tls}/{@code tls_servername} options are refused: clusterdns
 * has no DNS over TLS.
 */
public final class ForwardSetup {
    private static final Duration MAX_DURATION = Duration.ofDays(1);

    private ForwardSetup() {
    }

    /** @param base where relative resolv.conf paths are resolved: the Corefile's folder (null: the working folder) */
    public static ForwardConfig parse(Directive d, Path base) {
        Setup s = new Setup(ForwardConfig.NAME);
        s.args(d, 2, Integer.MAX_VALUE);
        Name from = s.zones(List.of(d.args().get(0)), null).get(0);
        List<InetSocketAddress> to = new ArrayList<>();
        for (Token t : d.args().subList(1, d.args().size())) {
            to.addAll(upstreams(s, t, base));
        }
        if (to.isEmpty()) {
            throw s.error(d.args().get(1), null, "no nameservers found");
        }
        if (to.size() > ForwardConfig.MAX_UPSTREAMS) {
            throw s.error(d.name(), null, "more than " + ForwardConfig.MAX_UPSTREAMS + " TOs configured: " + to.size());
        }
        List<Name> except = new ArrayList<>();
        boolean forceTcp = false;
        boolean preferUdp = false;
        Duration expire = ForwardConfig.DEFAULT_EXPIRE;
        int maxFails = ForwardConfig.DEFAULT_MAX_FAILS;
        ForwardConfig.Policy policy = ForwardConfig.DEFAULT_POLICY;
        Duration healthCheck = ForwardConfig.DEFAULT_HEALTH_CHECK;
        boolean recursion = true;
        Name domain = Name.root;
        int maxConcurrent = 0;
        List<Integer> next = new ArrayList<>();
        boolean failfast = false;
        for (Directive o : d.children()) {
            String option = o.name().text();
            switch (option) {
                case "except" -> {
                    s.args(o, 1, Integer.MAX_VALUE);
                    except.addAll(s.zones(o.args(), option));
                }
                case "force_tcp" -> {
                    s.args(o, 0, 0);
                    forceTcp = true;
                }
                case "prefer_udp" -> {
                    s.args(o, 0, 0);
                    preferUdp = true;
                }
                case "failfast_all_unhealthy_upstreams" -> {
                    s.args(o, 0, 0);
                    failfast = true;
                }
                case "expire" -> {
                    s.args(o, 1, 1);
                    expire = s.duration(o.args().get(0), option, Duration.ZERO, MAX_DURATION);
                }
                case "max_fails" -> {
                    s.args(o, 1, 1);
                    maxFails = (int) s.integer(o.args().get(0), option, 0, Integer.MAX_VALUE);
                }
                case "policy" -> {
                    s.args(o, 1, 1);
                    policy = ForwardConfig.Policy.of(o.args().get(0).text());
                    if (policy == null) {
                        throw s.error(o.args().get(0), option, "unknown policy '" + o.args().get(0).text() + "'");
                    }
                }
                case "health_check" -> {
                    s.args(o, 1, 4);
                    healthCheck = s.duration(o.args().get(0), option, Duration.ZERO, MAX_DURATION);
                    recursion = true;
                    domain = Name.root;
                    List<Token> rest = o.args().subList(1, o.args().size());
                    for (int i = 0; i < rest.size(); i++) {
                        Token t = rest.get(i);
                        switch (t.text()) {
                            case "no_rec" -> recursion = false;
                            case "domain" -> {
                                if (i + 1 >= rest.size()) {
                                    throw s.error(t, option, "domain needs a name");
                                }
                                domain = domain(s, rest.get(++i));
                            }
                            default -> throw s.error(t, option, "unknown option " + t.text());
                        }
                    }
                }
                case "max_concurrent" -> {
                    s.args(o, 1, 1);
                    maxConcurrent = (int) s.integer(o.args().get(0), option, 0, Integer.MAX_VALUE);
                }
                case "next" -> {
                    s.args(o, 1, Integer.MAX_VALUE);
                    for (Token t : o.args()) {
                        next.add(rcode(s, t));
                    }
                }
                case "tls", "tls_servername" -> throw s.error(o.name(), option,
                        "not supported: clusterdns has no DNS over TLS (tls:// upstreams)");
                default -> throw s.unknownOption(o);
            }
        }
        return new ForwardConfig(from, to, except, forceTcp, preferUdp, expire, maxFails, policy, healthCheck, recursion, domain,
                maxConcurrent, next, failfast);
    }

    /** One TO: an address, or the nameservers of a resolv.conf file. */
    private static List<InetSocketAddress> upstreams(Setup s, Token t, Path base) {
        String text = t.text();
        String lower = text.toLowerCase(Locale.ROOT);
        int scheme = lower.indexOf("://");
        String host = text;
        if (scheme > 0) {
            String transport = lower.substring(0, scheme);
            switch (transport) {
                case "dns" -> host = text.substring(scheme + 3);
                case "tls" -> throw s.error(t, null, "'tls' is not supported as a destination protocol in forward: " + text
                        + " (clusterdns has no DNS over TLS)");
                case "https", "grpc", "unix", "quic" -> throw s.error(t, null,
                        "'" + transport + "' is not supported as a destination protocol in forward: " + text);
                default -> {
                    // CoreDNS reads an unknown scheme as part of a host name: not an address, maybe a file
                }
            }
        }
        if (host.isEmpty()) {
            throw s.error(t, null, "invalid address: \"" + text + "\"");
        }
        InetSocketAddress address = address(s, t, host);
        if (address != null) {
            return List.of(address);
        }
        List<InetSocketAddress> fromFile = resolvConf(s, t, host, base);
        if (fromFile == null) {
            throw s.error(t, null, "not an IP address or file: \"" + host + "\"");
        }
        return fromFile;
    }

    /** {@code IP}, {@code IP:port}, {@code [IPv6]:port} or a bare IPv6 address; null when it is none of these. */
    private static InetSocketAddress address(Setup s, Token t, String host) {
        String ip = host;
        String port = null;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                return null;
            }
            ip = host.substring(1, close);
            String rest = host.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            ip = host.substring(0, host.indexOf(':'));
            port = host.substring(host.indexOf(':') + 1);
        }
        InetAddress a = IpAddresses.tryParse(stripZone(ip));
        if (a == null) {
            return null;
        }
        int p = ForwardConfig.DNS_PORT;
        if (port != null) {
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw s.error(t, null, "invalid port in \"" + t.text() + "\": must be 1..65535");
            }
            p = Integer.parseInt(port);
        }
        return new InetSocketAddress(a, p);
    }

    /** The nameservers of a resolv.conf-format file (port 53); null when {@code path} is not a readable file. */
    private static List<InetSocketAddress> resolvConf(Setup s, Token t, String path, Path base) {
        Path file = base == null ? Path.of(path) : base.resolve(path);
        List<String> lines;
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 2 || !f[0].equals("nameserver")) {
                continue;
            }
            InetAddress a = IpAddresses.tryParse(stripZone(f[1]));
            if (a == null) {
                throw s.error(t, null, path + ":" + (i + 1) + ": nameserver \"" + f[1] + "\" is not an IP address");
            }
            out.add(new InetSocketAddress(a, ForwardConfig.DNS_PORT));
        }
        return out;
    }

    /** An IPv6 zone ({@code fe80::1%eth0}) is dropped, as CoreDNS does. */
    private static String stripZone(String ip) {
        int percent = ip.indexOf('%');
        return percent < 0 ? ip : ip.substring(0, percent);
    }

    private static Name domain(Setup s, Token t) {
        try {
            Name n = Name.fromString(t.text().toLowerCase(Locale.ROOT), Name.root);
            if (t.text().isEmpty() || t.text().contains("..")) {
                throw new TextParseException("empty label");
            }
            return n;
        } catch (TextParseException e) {
            throw s.error(t, "health_check", "invalid domain name " + t.text());
        }
    }

    /** An rcode by its name, case-insensitively ({@code NXDOMAIN}, {@code servfail}); numbers are not names. */
    private static int rcode(Setup s, Token t) {
        String upper = t.text().toUpperCase(Locale.ROOT);
        int v = upper.isEmpty() || Character.isDigit(upper.charAt(0)) || upper.startsWith("RESERVED") ? -1 : Rcode.value(upper);
        if (v < 0) {
            throw s.error(t, "next", t.text() + " is not a valid rcode");
        }
        return v;
    }
}
