package io.clusterdns.server.plugin.rrl;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * Reads {@code rrl [ZONES...] { options }} as CoreDNS's external rrl plugin does (same options,
 * defaults and ranges; the per-type allowances default to {@code responses-per-second}):
 *
 * <pre>
 * window SECONDS                 15 (fractions allowed, more than 0)
 * ipv4-prefix-length LENGTH      24 (1..32)
 * ipv6-prefix-length LENGTH      56 (1..128)
 * responses-per-second N         0 = no limit (fractions allowed)
 * nodata-per-second N            responses-per-second
 * nxdomains-per-second N         responses-per-second
 * referrals-per-second N         responses-per-second
 * errors-per-second N            responses-per-second
 * slip-ratio N                   0 (0..10)
 * requests-per-second N          0 = no limit
 * max-table-size N               100000 (1..10000000)
 * report-only
 * </pre>
 */
public final class RrlSetup {
    /** Beyond this many accounts the table would hold more than a few hundred megabytes. */
    static final int MAX_TABLE_SIZE = 10_000_000;
    /** A rate above this is no limit at all; it also keeps the interval at least 1 ns. */
    private static final double MAX_RATE = 1_000_000_000;
    private static final double MAX_WINDOW_SECONDS = 3600;

    private RrlSetup() {
    }

    /** @param blockZones the server block's zones: the line's when it names none */
    public static RrlConfig parse(Directive d, List<Name> blockZones) {
        Setup s = new Setup(RrlConfig.NAME);
        List<Name> zones = d.args().isEmpty() ? blockZones : s.zones(d.args(), null);
        long window = RrlConfig.DEFAULT_WINDOW;
        int ipv4 = RrlConfig.DEFAULT_IPV4_PREFIX;
        int ipv6 = RrlConfig.DEFAULT_IPV6_PREFIX;
        long responses = 0;
        Long nodata = null;
        Long nxdomains = null;
        Long referrals = null;
        Long errors = null;
        long requests = 0;
        int slip = 0;
        int maxTable = RrlConfig.DEFAULT_MAX_TABLE_SIZE;
        boolean reportOnly = false;
        for (Directive o : d.children()) {
            String option = o.name().text();
            switch (option) {
                case "window" -> {
                    s.args(o, 1, 1);
                    double seconds = decimal(s, o.args().get(0), option, MAX_WINDOW_SECONDS);
                    if (seconds == 0) {
                        throw s.error(o.args().get(0), option, "must be greater than zero");
                    }
                    window = Math.max(1, Math.round(seconds * RrlConfig.SECOND));
                }
                case "ipv4-prefix-length" -> {
                    s.args(o, 1, 1);
                    ipv4 = (int) s.integer(o.args().get(0), option, 1, 32);
                }
                case "ipv6-prefix-length" -> {
                    s.args(o, 1, 1);
                    ipv6 = (int) s.integer(o.args().get(0), option, 1, 128);
                }
                case "responses-per-second" -> responses = rate(s, o);
                case "nodata-per-second" -> nodata = rate(s, o);
                case "nxdomains-per-second" -> nxdomains = rate(s, o);
                case "referrals-per-second" -> referrals = rate(s, o);
                case "errors-per-second" -> errors = rate(s, o);
                case "requests-per-second" -> requests = rate(s, o);
                case "slip-ratio" -> {
                    s.args(o, 1, 1);
                    slip = (int) s.integer(o.args().get(0), option, 0, 10);
                }
                case "max-table-size" -> {
                    s.args(o, 1, 1);
                    maxTable = (int) s.integer(o.args().get(0), option, 1, MAX_TABLE_SIZE);
                }
                case "report-only" -> {
                    s.args(o, 0, 0);
                    reportOnly = true;
                }
                default -> throw s.unknownOption(o);
            }
        }
        return new RrlConfig(zones, window, ipv4, ipv6, responses, orElse(nodata, responses), orElse(nxdomains, responses),
                orElse(referrals, responses), orElse(errors, responses), requests, slip, maxTable, reportOnly);
    }

    private static long orElse(Long set, long responses) {
        return set == null ? responses : set;
    }

    /** A per-second allowance as the interval between two allowed responses. */
    private static long rate(Setup s, Directive o) {
        s.args(o, 1, 1);
        return RrlConfig.interval(decimal(s, o.args().get(0), o.name().text(), MAX_RATE));
    }

    /** A number such as {@code 10}, {@code 0.5} or {@code 2.25} in {@code 0..max}. */
    private static double decimal(Setup s, Token t, String option, double max) {
        String text = t.text();
        if (!text.matches("[0-9]{1,10}(\\.[0-9]{1,9})?")) {
            String why = text.startsWith("-") ? "cannot be negative" : "expected a number such as 10 or 0.5";
            throw s.error(t, option, why + ", got \"" + text + "\"");
        }
        double v = Double.parseDouble(text);
        if (v > max) {
            throw s.error(t, option, "must be at most " + (long) max + ", got \"" + text + "\"");
        }
        return v;
    }
}
