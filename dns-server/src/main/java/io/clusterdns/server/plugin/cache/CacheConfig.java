package io.clusterdns.server.plugin.cache;

import io.clusterdns.server.chain.PluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.xbill.DNS.Name;

/**
 * CoreDNS's {@code cache} of one server block: which names it caches, how many responses of each
 * kind ({@code success}: answers and delegations; {@code denial}: NXDOMAIN, NODATA and cached
 * SERVFAIL) for how long, and the refresh policies (prefetch, serve stale).
 *
 * @param zones          names under these zones are cached (the block's zones unless the line names some)
 * @param success        positive answers
 * @param denial         NXDOMAIN and NODATA (and SERVFAIL/NOTIMP, for {@code servfail})
 * @param servfail       how long SERVFAIL and NOTIMP are kept in the denial cache; zero: not at all
 * @param prefetch       refreshing popular entries before they expire; {@link Prefetch#OFF} by default
 * @param serveStale     answering from expired entries; {@link ServeStale#OFF} by default
 * @param disableSuccess positive answers for names under these zones are never stored
 * @param disableDenial  negative answers for names under these zones are never stored
 * @param keepTtl        hits carry the TTL stored, not the one counted down
 */
public record CacheConfig(
        List<Name> zones,
        Kind success,
        Kind denial,
        Duration servfail,
        Prefetch prefetch,
        ServeStale serveStale,
        List<Name> disableSuccess,
        List<Name> disableDenial,
        boolean keepTtl) implements PluginConfig {
    public static final String NAME = "cache";
    /** Entries of each kind unless {@code success}/{@code denial} say otherwise (CoreDNS {@code defaultCap}). */
    public static final int DEFAULT_CAPACITY = 10_000;
    /** CoreDNS's {@code dnsutil.MaximumDefaultTTL}: the longest a positive answer is kept. */
    public static final long DEFAULT_SUCCESS_TTL = 3600;
    /** Half of it for denials (RFC 2308 suggests 1-3 hours at most). */
    public static final long DEFAULT_DENIAL_TTL = 1800;
    /** CoreDNS's {@code dnsutil.MinimalDefaultTTL}: nothing is kept shorter, so TTL 0 answers live 5 s. */
    public static final long DEFAULT_MIN_TTL = 5;
    public static final Duration DEFAULT_SERVFAIL = Duration.ofSeconds(5);
    /** RFC 2308 section 7.1: a server failure is cached at most 5 minutes. */
    public static final Duration MAX_SERVFAIL = Duration.ofMinutes(5);
    public static final Kind DEFAULT_SUCCESS = new Kind(DEFAULT_CAPACITY, DEFAULT_SUCCESS_TTL, DEFAULT_MIN_TTL);
    public static final Kind DEFAULT_DENIAL = new Kind(DEFAULT_CAPACITY, DEFAULT_DENIAL_TTL, DEFAULT_MIN_TTL);

    /**
     * One kind of cache.
     *
     * @param capacity entries at most, as written; CoreDNS's 256 shards make it 256 × max(4, capacity / 256)
     * @param maxTtl   seconds an entry lives at most, whatever the records say
     * @param minTtl   seconds an entry lives at least
     */
    public record Kind(long capacity, long maxTtl, long minTtl) {
    }

    /**
     * {@code prefetch AMOUNT [DURATION [PERCENTAGE%]]}: an entry asked for {@code amount} times with
     * no gap of {@code window} between two asks is refreshed once at most {@code percentage}% of
     * its TTL is left.
     */
    public record Prefetch(int amount, Duration window, int percentage) {
        public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
        public static final int DEFAULT_PERCENTAGE = 10;
        public static final Prefetch OFF = new Prefetch(0, DEFAULT_WINDOW, DEFAULT_PERCENTAGE);

        public boolean enabled() {
            return amount > 0;
        }
    }

    /**
     * {@code serve_stale [DURATION [immediate|verify]]}: an entry expired less than {@code upTo}
     * ago still answers, with TTL 0; {@code verify} asks the next plugins first and answers stale
     * only when they fail.
     */
    public record ServeStale(Duration upTo, boolean verify) {
        public static final Duration DEFAULT_UP_TO = Duration.ofHours(1);
        public static final ServeStale OFF = new ServeStale(Duration.ZERO, false);

        public boolean enabled() {
            return !upTo.isZero();
        }
    }

    public CacheConfig {
        zones = List.copyOf(zones);
        Objects.requireNonNull(success, "success");
        Objects.requireNonNull(denial, "denial");
        Objects.requireNonNull(servfail, "servfail");
        prefetch = prefetch == null ? Prefetch.OFF : prefetch;
        serveStale = serveStale == null ? ServeStale.OFF : serveStale;
        disableSuccess = List.copyOf(disableSuccess);
        disableDenial = List.copyOf(disableDenial);
    }

    /** CoreDNS's defaults for a block of {@code zones} ({@code cache} alone). */
    public static CacheConfig defaults(List<Name> zones) {
        return new CacheConfig(zones, DEFAULT_SUCCESS, DEFAULT_DENIAL, DEFAULT_SERVFAIL, Prefetch.OFF, ServeStale.OFF, List.of(),
                List.of(), false);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The {@code zones} label of the cache metrics: the zones joined with commas ({@code .} in kubeadm's Corefile). */
    public String zonesLabel() {
        return zones.stream().map(Name::toString).collect(Collectors.joining(","));
    }
}
