package io.clusterdns.server.plugin.rrl;

import io.clusterdns.server.chain.PluginConfig;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * The {@code rrl} plugin's line, with CoreDNS's external rrl plugin's options and defaults. Rates
 * are per second and per client prefix; 0 turns that limit off. Kept as the interval between two
 * allowed responses, in nanoseconds, as the accounting uses it.
 *
 * @param zones              names limited: the line's zones, else the block's
 * @param windowNanos        how far an account may go into debt: a client over its rate stays limited this long after slowing down
 * @param ipv4PrefixLength   bits of an IPv4 client address that make its account (24: a /24 shares one)
 * @param ipv6PrefixLength   same for IPv6 (56)
 * @param responses          interval between positive answers of one name and type
 * @param nodata             interval between NODATA answers of one name
 * @param nxdomains          interval between NXDOMAIN answers of one zone (the SOA's owner)
 * @param referrals          interval between referrals to one zone
 * @param errors             interval between error answers (SERVFAIL, REFUSED, FORMERR...) of any name
 * @param requests           interval between requests of one client prefix, whatever they ask
 * @param slipRatio          every Nth dropped response goes out truncated (TC=1, no records) instead; 0 never
 * @param maxTableSize       accounts kept at most; the least recently used goes first
 * @param reportOnly         count what would be limited, drop nothing
 */
public record RrlConfig(
        List<Name> zones,
        long windowNanos,
        int ipv4PrefixLength,
        int ipv6PrefixLength,
        long responses,
        long nodata,
        long nxdomains,
        long referrals,
        long errors,
        long requests,
        int slipRatio,
        int maxTableSize,
        boolean reportOnly) implements PluginConfig {
    public static final String NAME = "rrl";
    public static final long SECOND = 1_000_000_000L;
    public static final long DEFAULT_WINDOW = 15 * SECOND;
    public static final int DEFAULT_IPV4_PREFIX = 24;
    public static final int DEFAULT_IPV6_PREFIX = 56;
    public static final int DEFAULT_MAX_TABLE_SIZE = 100_000;

    public RrlConfig {
        zones = List.copyOf(zones);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The interval of a per-second allowance; 0 (no limit) for 0. */
    public static long interval(double perSecond) {
        return perSecond == 0 ? 0 : Math.max(1, Math.round(SECOND / perSecond));
    }
}
