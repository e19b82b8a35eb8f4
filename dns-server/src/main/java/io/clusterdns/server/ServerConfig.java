package io.clusterdns.server;

import io.clusterdns.resolver.PodMode;
import io.clusterdns.resolver.ResolverConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;

/**
 * Everything the DNS server is configured with, validated once. Invalid values throw a
 * {@link ConfigException} named after the command-line option. The {@code parse*} helpers turn
 * command-line text into the typed values; nothing deeper reads flags or the environment.
 *
 * @param source          where the cluster state comes from: manifests or a live API server
 * @param listen          address and port of both the UDP and the TCP listeners
 * @param zones           cluster domain(s) and optional reverse zones, absolute and lower-case
 * @param ttl             TTL of every answer, seconds
 * @param podMode         how {@code a-b-c-d.ns.pod.zone} names are answered
 * @param namespaces      namespaces exposed in DNS; empty means all
 * @param endpointPodNames name headless endpoints after their pod instead of their IP
 * @param ignoreEmptyService answer NXDOMAIN for services without ready endpoints
 * @param tcpIdleTimeout  a TCP connection without traffic for this long is closed
 * @param udpSockets      SO_REUSEPORT UDP sockets (one per event loop); 0 means one per CPU
 * @param startupTimeout  how long to wait for the first complete cluster view before listening
 *                        anyway (CoreDNS {@code startup_timeout}); until it arrives in-zone names
 *                        get SERVFAIL
 * @param http            {@code /health}, {@code /ready}, {@code /metrics} and lameduck; null
 *                        means every endpoint on its CoreDNS port of the listen address's host
 */
public record ServerConfig(
        SourceConfig source,
        ListenAddress listen,
        List<Name> zones,
        long ttl,
        PodMode podMode,
        Set<String> namespaces,
        boolean endpointPodNames,
        boolean ignoreEmptyService,
        Duration tcpIdleTimeout,
        int udpSockets,
        Duration startupTimeout,
        HttpConfig http) {

    public static final ListenAddress DEFAULT_LISTEN = ListenAddress.parse("127.0.0.1:1053");
    /** What kubeadm's Corefile serves ({@code kubernetes cluster.local in-addr.arpa ip6.arpa}): PTR works out of the box. */
    public static final List<Name> DEFAULT_ZONES = List.of(Name.fromConstantString(ResolverConfig.DEFAULT_ZONE),
            ResolverConfig.IN_ADDR_ARPA, ResolverConfig.IP6_ARPA);
    public static final long DEFAULT_TTL = ResolverConfig.DEFAULT_TTL;
    public static final long MAX_TTL = ResolverConfig.MAX_TTL;
    public static final PodMode DEFAULT_POD_MODE = PodMode.DISABLED;
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MAX_TCP_IDLE_TIMEOUT = Duration.ofHours(1);
    public static final int DEFAULT_UDP_SOCKETS = 0;
    public static final int MAX_UDP_SOCKETS = 64;
    /** CoreDNS's {@code startup_timeout} default. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration MAX_STARTUP_TIMEOUT = Duration.ofMinutes(10);

    /** A Kubernetes namespace name: an RFC 1123 DNS label. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public ServerConfig {
        if (source == null) {
            throw new ConfigException("--manifests", "required: a YAML file or folder of Kubernetes objects, or a cluster to follow");
        }
        listen = listen == null ? DEFAULT_LISTEN : listen;
        zones = checkZones(zones == null || zones.isEmpty() ? DEFAULT_ZONES : zones);
        if (ttl < 0 || ttl > MAX_TTL) {
            throw new ConfigException("--ttl", "must be 0.." + MAX_TTL + ", got " + ttl);
        }
        podMode = podMode == null ? DEFAULT_POD_MODE : podMode;
        namespaces = namespaces == null ? Set.of() : Set.copyOf(namespaces);
        for (String ns : namespaces) {
            if (!NAMESPACE.matcher(ns).matches()) {
                throw new ConfigException("--namespaces", "\"" + ns + "\" is not a valid namespace name");
            }
        }
        tcpIdleTimeout = tcpIdleTimeout == null ? DEFAULT_TCP_IDLE_TIMEOUT : tcpIdleTimeout;
        if (tcpIdleTimeout.toMillis() < 1 || tcpIdleTimeout.compareTo(MAX_TCP_IDLE_TIMEOUT) > 0) {
            throw new ConfigException("--tcp-idle-timeout", "must be 1ms..1h, got " + tcpIdleTimeout);
        }
        if (udpSockets < 0 || udpSockets > MAX_UDP_SOCKETS) {
            throw new ConfigException("--udp-sockets", "must be 0.." + MAX_UDP_SOCKETS + " (0 = one per CPU), got " + udpSockets);
        }
        startupTimeout = startupTimeout == null ? DEFAULT_STARTUP_TIMEOUT : startupTimeout;
        if (startupTimeout.isNegative() || startupTimeout.compareTo(MAX_STARTUP_TIMEOUT) > 0) {
            throw new ConfigException("--startup-timeout", "must be 0s..10m, got " + startupTimeout);
        }
        http = http == null ? HttpConfig.defaults(listen.address()) : http;
    }

    /** The defaults for serving {@code source}. */
    public static ServerConfig defaults(SourceConfig source) {
        return new ServerConfig(source, DEFAULT_LISTEN, DEFAULT_ZONES, DEFAULT_TTL, DEFAULT_POD_MODE, Set.of(),
                false, false, DEFAULT_TCP_IDLE_TIMEOUT, DEFAULT_UDP_SOCKETS, DEFAULT_STARTUP_TIMEOUT, null);
    }

    /** The defaults for serving manifests. */
    public static ServerConfig defaults(Path manifests) {
        return defaults(new SourceConfig.Manifests(manifests));
    }

    /** Another listen address; the HTTP endpoints stay where they are. */
    public ServerConfig withListen(ListenAddress address) {
        return new ServerConfig(source, address, zones, ttl, podMode, namespaces, endpointPodNames,
                ignoreEmptyService, tcpIdleTimeout, udpSockets, startupTimeout, http);
    }

    public ServerConfig withTcpIdleTimeout(Duration timeout) {
        return new ServerConfig(source, listen, zones, ttl, podMode, namespaces, endpointPodNames,
                ignoreEmptyService, timeout, udpSockets, startupTimeout, http);
    }

    public ServerConfig withStartupTimeout(Duration timeout) {
        return new ServerConfig(source, listen, zones, ttl, podMode, namespaces, endpointPodNames,
                ignoreEmptyService, tcpIdleTimeout, udpSockets, timeout, http);
    }

    public ServerConfig withHttp(HttpConfig value) {
        return new ServerConfig(source, listen, zones, ttl, podMode, namespaces, endpointPodNames,
                ignoreEmptyService, tcpIdleTimeout, udpSockets, startupTimeout, value);
    }

    public ServerConfig withSource(SourceConfig value) {
        return new ServerConfig(value, listen, zones, ttl, podMode, namespaces, endpointPodNames,
                ignoreEmptyService, tcpIdleTimeout, udpSockets, startupTimeout, http);
    }

    /** The zone logic's share of the configuration. */
    public ResolverConfig resolverConfig() {
        return new ResolverConfig(zones, ttl, podMode, namespaces, endpointPodNames, ignoreEmptyService);
    }

    /** UDP sockets to open: {@link #udpSockets}, or one per CPU when that is 0. */
    public int effectiveUdpSockets() {
        return udpSockets == 0 ? Math.min(MAX_UDP_SOCKETS, Runtime.getRuntime().availableProcessors()) : udpSockets;
    }

    /** Parses repeated {@code --zone} values ({@code cluster.local}, {@code 10.in-addr.arpa.}). */
    public static List<Name> parseZones(List<String> texts) {
        List<Name> zones = new ArrayList<>();
        for (String text : texts) {
            try {
                zones.add(ResolverConfig.parseZone(text));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--zone", e.getMessage());
            }
        }
        return zones;
    }

    /** Parses {@code --ttl}: whole seconds. */
    public static long parseTtl(String text) {
        return parseWholeNumber("--ttl", text);
    }

    /** Parses {@code --udp-sockets}. */
    public static int parseUdpSockets(String text) {
        long n = parseWholeNumber("--udp-sockets", text);
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** Parses {@code --pods}: disabled, insecure or verified. */
    public static PodMode parsePodMode(String text) {
        try {
            return PodMode.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--pods", "must be disabled, insecure or verified, got \"" + text + "\"");
        }
    }

    /** Parses repeated, comma-separated {@code --namespaces} values. */
    public static Set<String> parseNamespaces(List<String> texts) {
        Set<String> namespaces = new LinkedHashSet<>();
        for (String text : texts) {
            for (String part : text.split(",", -1)) {
                String ns = part.trim();
                if (ns.isEmpty()) {
                    throw new ConfigException("--namespaces", "empty namespace name in \"" + text + "\"");
                }
                namespaces.add(ns);
            }
        }
        return namespaces;
    }

    /** Parses a duration: {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, or a number of seconds. */
    public static Duration parseDuration(String option, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int unitStart = 0;
        while (unitStart < t.length() && Character.isDigit(t.charAt(unitStart))) {
            unitStart++;
        }
        String digits = t.substring(0, unitStart);
        String unit = t.substring(unitStart);
        if (digits.isEmpty() || digits.length() > 9) {
            throw new ConfigException(option, "expected a duration like 10s, 500ms or 2m, got \"" + text + "\"");
        }
        long n = Long.parseLong(digits);
        return switch (unit) {
            case "", "s" -> Duration.ofSeconds(n);
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new ConfigException(option, "expected a duration like 10s, 500ms or 2m, got \"" + text + "\"");
        };
    }

    private static long parseWholeNumber(String option, String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ConfigException(option, "expected a whole number, got \"" + text + "\"");
        }
        return Long.parseLong(t);
    }

    private static List<Name> checkZones(List<Name> zones) {
        Set<Name> seen = new HashSet<>();
        for (Name zone : zones) {
            if (!zone.isAbsolute()) {
                throw new ConfigException("--zone", "zone " + zone + " must be absolute");
            }
            if (!seen.add(zone)) {
                throw new ConfigException("--zone", zone + " is given twice");
            }
        }
        if (zones.stream().allMatch(ResolverConfig::isReverse)) {
            throw new ConfigException("--zone", "a forward zone such as cluster.local is required besides reverse zones");
        }
        return List.copyOf(zones);
    }
}
