package io.clusterdns.server.plugin.forward;

import io.clusterdns.server.chain.PluginConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * One {@code forward FROM TO... { options }} line, validated, with CoreDNS's defaults.
 *
 * @param from           queries for names under this zone are forwarded
 * @param to             the upstreams (1..15), in the order written (resolv.conf files expanded)
 * @param except         names under these zones go to the next plugin instead (FROM itself never does)
 * @param forceTcp       always TCP upstream (wins over {@code preferUdp})
 * @param preferUdp      UDP upstream even for TCP clients; a truncated answer is then retried over TCP
 * @param expire         idle upstream connections are closed after this; 0: no reuse
 * @param maxFails       an upstream is down after more consecutive failed health checks than this; 0: never
 * @param policy         the order upstreams are tried in
 * @param healthCheck    the interval between health checks of a failing upstream; 0: no health checks
 * @param healthCheckRecursion the health check query has RD set (no {@code no_rec})
 * @param healthCheckDomain    the name of the health check's NS query
 * @param maxConcurrent  queries in flight above this are REFUSED; 0: no limit
 * @param next           upstream rcodes that pass the query to the next {@code forward} instead of answering
 * @param failfast       when every upstream is down, SERVFAIL at once instead of trying one anyway
 */
public record ForwardConfig(
        Name from,
        List<InetSocketAddress> to,
        List<Name> except,
        boolean forceTcp,
        boolean preferUdp,
        Duration expire,
        int maxFails,
        Policy policy,
        Duration healthCheck,
        boolean healthCheckRecursion,
        Name healthCheckDomain,
        int maxConcurrent,
        List<Integer> next,
        boolean failfast) implements PluginConfig {

    public static final String NAME = "forward";
    /** CoreDNS's limit on upstreams per {@code forward} line. */
    public static final int MAX_UPSTREAMS = 15;
    public static final Duration DEFAULT_EXPIRE = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_FAILS = 2;
    public static final Duration DEFAULT_HEALTH_CHECK = Duration.ofMillis(500);
    public static final Policy DEFAULT_POLICY = Policy.RANDOM;
    /** Port of upstreams written without one. */
    public static final int DNS_PORT = 53;

    /** How long one client query may take over all attempts (CoreDNS's {@code defaultTimeout}). */
    public static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
    /** How long one attempt waits for its answer (CoreDNS 1.12's fixed read timeout). */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    /** How long a health check waits for its answer. */
    public static final Duration HEALTH_CHECK_TIMEOUT = Duration.ofSeconds(1);

    public ForwardConfig {
        Objects.requireNonNull(from, "from");
        to = List.copyOf(to);
        if (to.isEmpty() || to.size() > MAX_UPSTREAMS) {
            throw new IllegalArgumentException("1.." + MAX_UPSTREAMS + " upstreams, got " + to.size());
        }
        except = List.copyOf(except);
        expire = expire == null ? DEFAULT_EXPIRE : expire;
        policy = policy == null ? DEFAULT_POLICY : policy;
        healthCheck = healthCheck == null ? DEFAULT_HEALTH_CHECK : healthCheck;
        healthCheckDomain = healthCheckDomain == null ? Name.root : healthCheckDomain;
        next = List.copyOf(next);
    }

    /** {@code forward FROM TO...} without options: CoreDNS's defaults. */
    public static ForwardConfig of(Name from, List<InetSocketAddress> to) {
        return new ForwardConfig(from, to, List.of(), false, false, DEFAULT_EXPIRE, DEFAULT_MAX_FAILS, DEFAULT_POLICY,
                DEFAULT_HEALTH_CHECK, true, Name.root, 0, List.of(), false);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The order upstreams are tried in, chosen per query. */
    public enum Policy {
        /** A new random order for every query (the default). */
        RANDOM("random"),
        /** Each query starts one upstream further along the list. */
        ROUND_ROBIN("round_robin"),
        /** Always in the order written. */
        SEQUENTIAL("sequential");

        private final String text;

        Policy(String text) {
            this.text = text;
        }

        /** The policy named {@code text} in the Corefile; null when there is none. */
        public static Policy of(String text) {
            for (Policy p : values()) {
                if (p.text.equals(text)) {
                    return p;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
