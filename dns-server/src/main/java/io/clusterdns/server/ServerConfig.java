package io.clusterdns.server;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.resolver.PodMode;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.http.HttpConfig;
import io.clusterdns.server.listen.TcpLimits;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.PluginOrder;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plan.ZoneKey;
import io.clusterdns.server.plugin.errors.ErrorsConfig;
import io.clusterdns.server.plugin.health.HealthConfig;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.kubernetes.SourceConfig;
import io.clusterdns.server.plugin.prometheus.PrometheusConfig;
import io.clusterdns.server.plugin.ready.ReadyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;

/**
 * Everything the DNS server is configured with, validated once: the zone logic's own
 * {@link ResolverConfig} plus what only the server has (source, listeners, timeouts, HTTP). The
 * {@code parse*} helpers turn command-line text into typed values, checked, with errors naming the
 * flag and echoing the text; nothing deeper reads flags or the environment.
 *
 * @param source         where the cluster state comes from: manifests or a live API server
 * @param listen         address and port of both the UDP and the TCP listeners
 * @param resolver       zones, TTL, pod mode, namespaces, ... (CoreDNS {@code kubernetes} options)
 * @param tcpIdleTimeout a TCP connection without traffic for this long is closed
 * @param udpSockets     SO_REUSEPORT UDP sockets (one per event loop); 0 means one per CPU
 * @param startupTimeout how long to wait for the first complete cluster view before listening
 *                       anyway (CoreDNS {@code startup_timeout}); until it arrives in-zone names
 *                       get SERVFAIL
 * @param http           {@code /health}, {@code /ready}, {@code /metrics} and lameduck; null
 *                       means every endpoint on its CoreDNS port of the listen address's host
 */
public record ServerConfig(
        SourceConfig source,
        ListenAddress listen,
        ResolverConfig resolver,
        Duration tcpIdleTimeout,
        int udpSockets,
        Duration startupTimeout,
        HttpConfig http) {

    public static final int DEFAULT_PORT = 1053;
    public static final ListenAddress DEFAULT_LISTEN = new ListenAddress(java.net.InetAddress.getLoopbackAddress(), DEFAULT_PORT);
    /** What kubeadm's Corefile serves ({@code kubernetes cluster.local in-addr.arpa ip6.arpa}): PTR works out of the box. */
    public static final List<Name> DEFAULT_ZONES = List.of(Name.fromConstantString(ResolverConfig.DEFAULT_ZONE),
            ResolverConfig.IN_ADDR_ARPA, ResolverConfig.IP6_ARPA);
    public static final ResolverConfig DEFAULT_RESOLVER = new ResolverConfig(DEFAULT_ZONES, ResolverConfig.DEFAULT_TTL,
            PodMode.DISABLED, Set.of(), false, false);
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MIN_TCP_IDLE_TIMEOUT = Duration.ofMillis(1);
    public static final Duration MAX_TCP_IDLE_TIMEOUT = Duration.ofHours(1);
    public static final int DEFAULT_UDP_SOCKETS = 0;
    public static final int MAX_UDP_SOCKETS = 64;
    /** CoreDNS's {@code startup_timeout} default. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration MAX_STARTUP_TIMEOUT = Duration.ofMinutes(10);

    /** A Kubernetes namespace name: an RFC 1123 DNS label. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?[0-9]{1,18}");

    public ServerConfig {
        Objects.requireNonNull(source, "source");
        listen = listen == null ? DEFAULT_LISTEN : listen;
        resolver = resolver == null ? DEFAULT_RESOLVER : resolver;
        tcpIdleTimeout = tcpIdleTimeout == null ? DEFAULT_TCP_IDLE_TIMEOUT : tcpIdleTimeout;
        Durations.inRange("--tcp-idle-timeout", Durations.format(tcpIdleTimeout), tcpIdleTimeout, MIN_TCP_IDLE_TIMEOUT,
                MAX_TCP_IDLE_TIMEOUT);
        if (udpSockets < 0 || udpSockets > MAX_UDP_SOCKETS) {
            throw new ConfigException("--udp-sockets", "must be 0.." + MAX_UDP_SOCKETS + " (0 = one per CPU), got " + udpSockets);
        }
        startupTimeout = startupTimeout == null ? DEFAULT_STARTUP_TIMEOUT : startupTimeout;
        Durations.inRange("--startup-timeout", Durations.format(startupTimeout), startupTimeout, Duration.ZERO, MAX_STARTUP_TIMEOUT);
        http = http == null ? HttpConfig.defaults(listen.address()) : http;
    }

    /** The defaults for serving {@code source}. */
    public static ServerConfig defaults(SourceConfig source) {
        return new ServerConfig(source, DEFAULT_LISTEN, DEFAULT_RESOLVER, DEFAULT_TCP_IDLE_TIMEOUT, DEFAULT_UDP_SOCKETS,
                DEFAULT_STARTUP_TIMEOUT, null);
    }

    /** The defaults for serving manifests. */
    public static ServerConfig defaults(Path manifests) {
        return defaults(SourceConfig.of(new ClusterSourceSpec.Manifests(List.of(manifests))));
    }

    /** Another listen address; the HTTP endpoints stay where they are. */
    public ServerConfig withListen(ListenAddress address) {
        return new ServerConfig(source, address, resolver, tcpIdleTimeout, udpSockets, startupTimeout, http);
    }

    public ServerConfig withResolver(ResolverConfig value) {
        return new ServerConfig(source, listen, value, tcpIdleTimeout, udpSockets, startupTimeout, http);
    }

    public ServerConfig withTcpIdleTimeout(Duration timeout) {
        return new ServerConfig(source, listen, resolver, timeout, udpSockets, startupTimeout, http);
    }

    public ServerConfig withStartupTimeout(Duration timeout) {
        return new ServerConfig(source, listen, resolver, tcpIdleTimeout, udpSockets, timeout, http);
    }

    public ServerConfig withHttp(HttpConfig value) {
        return new ServerConfig(source, listen, resolver, tcpIdleTimeout, udpSockets, startupTimeout, value);
    }

    public ServerConfig withSource(SourceConfig value) {
        return new ServerConfig(value, listen, resolver, tcpIdleTimeout, udpSockets, startupTimeout, http);
    }

    /**
     * The server these flags describe, as a Corefile would: one block on the listen address serving
     * the zones with {@code kubernetes}, plus {@code errors}, and {@code health}, {@code ready} and
     * {@code prometheus} where their endpoints are on (the counters always count). One code path
     * for both ways of configuring the server.
     */
    public ServerPlan plan() {
        List<PluginConfig> plugins = new ArrayList<>();
        http.health().ifPresent(a -> plugins.add(new HealthConfig(a, http.lameduck())));
        http.ready().ifPresent(a -> plugins.add(new ReadyConfig(a)));
        plugins.add(new PrometheusConfig(http.metrics().orElse(null)));
        plugins.add(new ErrorsConfig(List.of()));
        plugins.add(new KubernetesConfig(resolver, source, Fallthrough.NONE, startupTimeout));
        plugins.sort(java.util.Comparator.comparingInt(c -> PluginOrder.position(c.name())));
        List<ZoneKey> keys = resolver.zones().stream().map(z -> new ZoneKey(z, listen.port())).toList();
        BlockPlan block = new BlockPlan(keys, List.of(listen.address()), plugins, "command line");
        return new ServerPlan(List.of(block), TcpLimits.DEFAULT.withIdleTimeout(tcpIdleTimeout), udpSockets, null, "");
    }

    /** The zones answered, as the resolver has them. */
    public List<Name> zones() {
        return resolver.zones();
    }

    /** UDP sockets to open: {@link #udpSockets}, or one per CPU when that is 0. */
    public int effectiveUdpSockets() {
        return udpSockets == 0 ? Math.min(MAX_UDP_SOCKETS, Runtime.getRuntime().availableProcessors()) : udpSockets;
    }

    /**
     * Parses repeated {@code --zone} values ({@code cluster.local}, {@code 10.in-addr.arpa.}); none
     * gives the default zones. A zone given twice, or reverse zones only, are errors.
     */
    public static List<Name> parseZones(List<String> texts) {
        if (texts.isEmpty()) {
            return DEFAULT_ZONES;
        }
        List<Name> zones = new ArrayList<>();
        Set<Name> seen = new HashSet<>();
        for (String text : texts) {
            Name zone;
            try {
                zone = ResolverConfig.parseZone(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--zone", e.getMessage());
            }
            if (!seen.add(zone)) {
                throw new ConfigException("--zone", zone + " is given twice");
            }
            zones.add(zone);
        }
        if (zones.stream().allMatch(ResolverConfig::isReverse)) {
            throw new ConfigException("--zone", "a forward zone such as cluster.local is required besides reverse zones");
        }
        return zones;
    }

    /** Parses {@code --ttl}: whole seconds, 0..3600. */
    public static long parseTtl(String text) {
        return parseInRange("--ttl", text, ResolverConfig.MAX_TTL, "0.." + ResolverConfig.MAX_TTL);
    }

    /** Parses {@code --udp-sockets}: 0..64. */
    public static int parseUdpSockets(String text) {
        return (int) parseInRange("--udp-sockets", text, MAX_UDP_SOCKETS, "0.." + MAX_UDP_SOCKETS + " (0 = one per CPU)");
    }

    /** Parses {@code --pods}: disabled, insecure or verified. */
    public static PodMode parsePodMode(String text) {
        try {
            return PodMode.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--pods", "must be disabled, insecure or verified, got \"" + text + "\"");
        }
    }

    /** Parses repeated, comma-separated {@code --namespaces} values: namespace names. */
    public static Set<String> parseNamespaces(List<String> texts) {
        Set<String> namespaces = new LinkedHashSet<>();
        for (String text : texts) {
            for (String part : text.split(",", -1)) {
                String ns = part.trim();
                if (ns.isEmpty()) {
                    throw new ConfigException("--namespaces", "empty namespace name in \"" + text + "\"");
                }
                if (!NAMESPACE.matcher(ns).matches()) {
                    throw new ConfigException("--namespaces", "\"" + ns + "\" is not a valid namespace name");
                }
                namespaces.add(ns);
            }
        }
        return namespaces;
    }

    /** A whole number in 0..max; a negative or too large one is told the range, anything else that it is no number. */
    public static long parseInRange(String option, String text, long max, String range) {
        return parseInRange(option, text, 0, max, range);
    }

    /** A whole number in {@code min..max} ({@code range} says so in the error). */
    public static long parseInRange(String option, String text, long min, long max, String range) {
        String t = text == null ? "" : text.trim();
        if (!WHOLE_NUMBER.matcher(t).matches()) {
            throw new ConfigException(option, "expected a whole number, got \"" + text + "\"");
        }
        long n = Long.parseLong(t);
        if (n < min || n > max) {
            throw new ConfigException(option, "must be " + range + ", got \"" + text + "\"");
        }
        return n;
    }
}
