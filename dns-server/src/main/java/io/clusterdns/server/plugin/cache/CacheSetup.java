package io.clusterdns.server.plugin.cache;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;

/**
 * Reads CoreDNS 1.12's {@code cache} line with its defaults and its own error texts:
 *
 * <pre>
 * cache [TTL] [ZONES...] {
 *     success CAPACITY [TTL [MINTTL]]      default 10000 3600 5
 *     denial CAPACITY [TTL [MINTTL]]       default 10000 1800 5
 *     prefetch AMOUNT [DURATION [PCT%]]    off; DURATION 1m, PCT 10 (10..90)
 *     serve_stale [DURATION [immediate|verify]]   off; DURATION 1h, immediate
 *     servfail DURATION                    5s, at most 5m, 0 turns it off
 *     disable success|denial [ZONES...]    no zones: every name
 *     keepttl
 * }
 * </pre>
 *
 * A first argument that is a whole number is the maximum TTL of both kinds; the zones default to
 * the block's. As in CoreDNS, an unknown option gets the Caddyfile's argument-count error.
 */
public final class CacheSetup {
    /** Go's {@code strconv.Atoi}: an optional sign and digits. */
    private static final Pattern GO_INT = Pattern.compile("[-+]?[0-9]+");
    /** RFC 2181 section 8: a TTL is at most 2^31 - 1 seconds. */
    private static final long MAX_TTL = Integer.MAX_VALUE;
    /** Go's durations end at about 292 years; nobody means more than a century. */
    private static final Duration MAX_DURATION = Duration.ofDays(36_500);

    private CacheSetup() {
    }

    /** @param blockZones the server block's zones: the cache's when the line names none */
    public static CacheConfig parse(Directive d, List<Name> blockZones) {
        Setup s = new Setup(CacheConfig.NAME);
        List<Token> args = d.args();
        long successTtl = CacheConfig.DEFAULT_SUCCESS_TTL;
        long denialTtl = CacheConfig.DEFAULT_DENIAL_TTL;
        if (!args.isEmpty() && GO_INT.matcher(args.get(0).text()).matches()) {
            successTtl = ttl(s, args.get(0), null);
            denialTtl = successTtl;
            args = args.subList(1, args.size());
        }
        List<Name> zones = args.isEmpty() ? blockZones : s.zones(args, null);
        CacheConfig.Kind success = new CacheConfig.Kind(CacheConfig.DEFAULT_CAPACITY, successTtl, CacheConfig.DEFAULT_MIN_TTL);
        CacheConfig.Kind denial = new CacheConfig.Kind(CacheConfig.DEFAULT_CAPACITY, denialTtl, CacheConfig.DEFAULT_MIN_TTL);
        Duration servfail = CacheConfig.DEFAULT_SERVFAIL;
        CacheConfig.Prefetch prefetch = CacheConfig.Prefetch.OFF;
        CacheConfig.ServeStale serveStale = CacheConfig.ServeStale.OFF;
        List<Name> disableSuccess = List.of();
        List<Name> disableDenial = List.of();
        boolean keepTtl = false;
        for (Directive o : d.children()) {
            String option = o.name().text();
            switch (option) {
                case "success" -> success = kind(s, o, success);
                case "denial" -> denial = kind(s, o, denial);
                case "prefetch" -> prefetch = prefetch(s, o);
                case "serve_stale" -> serveStale = serveStale(s, o);
                case "servfail" -> {
                    if (o.args().size() != 1) {
                        throw argErr(s, o);
                    }
                    Token t = o.args().get(0);
                    servfail = duration(s, t, option, "invalid negative ttl for servfail");
                    if (servfail.compareTo(CacheConfig.MAX_SERVFAIL) > 0) {
                        throw s.error(t, option, "caching SERVFAIL responses over 5 minutes is not permitted");
                    }
                }
                case "disable" -> {
                    if (o.args().isEmpty()) {
                        throw argErr(s, o);
                    }
                    List<Token> named = o.args().subList(1, o.args().size());
                    List<Name> disabled = named.isEmpty() ? List.of(Name.root) : disabledZones(s, named, option);
                    // a second disable line of the same kind replaces the first, as in CoreDNS
                    switch (o.args().get(0).text()) {
                        case "success" -> disableSuccess = disabled;
                        case "denial" -> disableDenial = disabled;
                        default -> throw s.error(o.args().get(0), option, "cache type for disable must be \"success\" or \"denial\"");
                    }
                }
                case "keepttl" -> {
                    if (!o.args().isEmpty()) {
                        throw argErr(s, o);
                    }
                    keepTtl = true;
                }
                default -> throw argErr(s, o, o.name());
            }
        }
        return new CacheConfig(zones, success, denial, servfail, prefetch, serveStale, disableSuccess, disableDenial, keepTtl);
    }

    /** {@code success|denial CAPACITY [TTL [MINTTL]]}; words after MINTTL are ignored, as CoreDNS does. */
    private static CacheConfig.Kind kind(Setup s, Directive o, CacheConfig.Kind current) {
        List<Token> a = o.args();
        if (a.isEmpty()) {
            throw argErr(s, o);
        }
        String option = o.name().text();
        long capacity = whole(s, a.get(0), option, "capacity");
        long maxTtl = current.maxTtl();
        long minTtl = current.minTtl();
        if (a.size() > 1) {
            maxTtl = ttl(s, a.get(1), option);
        }
        if (a.size() > 2) {
            minTtl = whole(s, a.get(2), option, "min TTL");
            if (minTtl < 0) {
                throw s.error(a.get(2), option, "cache min TTL can not be negative: " + minTtl);
            }
            if (minTtl > MAX_TTL) {
                throw s.error(a.get(2), option, "min TTL must be at most " + MAX_TTL + ", got \"" + a.get(2).text() + "\"");
            }
        }
        return new CacheConfig.Kind(capacity, maxTtl, minTtl);
    }

    private static CacheConfig.Prefetch prefetch(Setup s, Directive o) {
        List<Token> a = o.args();
        if (a.isEmpty() || a.size() > 3) {
            throw argErr(s, o);
        }
        String option = o.name().text();
        long amount = whole(s, a.get(0), option, "amount");
        if (amount < 0) {
            throw s.error(a.get(0), option, "prefetch amount should be positive: " + amount);
        }
        Duration window = CacheConfig.Prefetch.DEFAULT_WINDOW;
        if (a.size() > 1) {
            window = duration(s, a.get(1), option, "duration must not be negative, got \"" + a.get(1).text() + "\"");
        }
        int percentage = CacheConfig.Prefetch.DEFAULT_PERCENTAGE;
        if (a.size() > 2) {
            Token t = a.get(2);
            String pct = t.text();
            if (pct.isEmpty() || pct.charAt(pct.length() - 1) != '%') {
                String last = pct.isEmpty() ? "" : pct.substring(pct.length() - 1);
                throw s.error(t, option, "last character of percentage should be `%`, but is: '" + last + "'");
            }
            long n = whole(s, new Token(pct.substring(0, pct.length() - 1), t.file(), t.line(), t.quoted()), option, "percentage");
            if (n < 10 || n > 90) {
                throw s.error(t, option, "percentage should fall in range [10, 90]: " + n);
            }
            percentage = (int) n;
        }
        return new CacheConfig.Prefetch((int) Math.min(amount, Integer.MAX_VALUE), window, percentage);
    }

    private static CacheConfig.ServeStale serveStale(Setup s, Directive o) {
        List<Token> a = o.args();
        if (a.size() > 2) {
            throw argErr(s, o);
        }
        String option = o.name().text();
        Duration upTo = CacheConfig.ServeStale.DEFAULT_UP_TO;
        if (!a.isEmpty()) {
            upTo = duration(s, a.get(0), option, "invalid negative duration for serve_stale");
        }
        boolean verify = false;
        if (a.size() > 1) {
            String mode = a.get(1).text().toLowerCase(Locale.ROOT);
            if (!mode.equals("immediate") && !mode.equals("verify")) {
                throw s.error(a.get(1), option, "invalid value for serve_stale refresh mode: " + mode);
            }
            verify = mode.equals("verify");
        }
        return new CacheConfig.ServeStale(upTo, verify);
    }

    private static List<Name> disabledZones(Setup s, List<Token> tokens, String option) {
        List<Name> out = new ArrayList<>();
        for (Token t : tokens) {
            try {
                out.addAll(s.zones(List.of(t), option));
            } catch (ConfigException e) {
                throw s.error(t, option, "invalid disabled zone: " + t.text());
            }
        }
        return out;
    }

    /** A TTL as CoreDNS reads one: a whole number of seconds above zero. */
    private static long ttl(Setup s, Token t, String option) {
        long ttl = whole(s, t, option, "TTL");
        if (ttl <= 0) {
            throw s.error(t, option, "cache TTL can not be zero or negative: " + ttl);
        }
        if (ttl > MAX_TTL) {
            throw s.error(t, option, "TTL must be at most " + MAX_TTL + ", got \"" + t.text() + "\"");
        }
        return ttl;
    }

    /** A whole number as Go's {@code strconv.Atoi} reads it (sign allowed), in 64 bits. */
    private static long whole(Setup s, Token t, String option, String what) {
        String text = t.text();
        if (GO_INT.matcher(text).matches()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw s.error(t, option, what + " is out of range, got \"" + text + "\"");
            }
        }
        throw s.error(t, option, what + " must be a whole number, got \"" + text + "\"");
    }

    /** A Go duration ({@code time.ParseDuration}: a sign is allowed); a negative one gets CoreDNS's text {@code negative}. */
    private static Duration duration(Setup s, Token t, String option, String negative) {
        String text = t.text();
        boolean minus = text.startsWith("-");
        if (minus || text.startsWith("+")) {
            text = text.substring(1);
        }
        Duration d = s.duration(new Token(text, t.file(), t.line(), t.quoted()), option, Duration.ZERO, MAX_DURATION);
        if (minus && !d.isZero()) {
            throw s.error(t, option, negative);
        }
        return d;
    }

    /**
     * The Caddyfile's {@code ArgErr}, which CoreDNS's cache also gives for an unknown option: the
     * word it complains after is the last one read, the last of the line once its arguments were.
     */
    private static ConfigException argErr(Setup s, Directive o) {
        return argErr(s, o, o.args().isEmpty() ? o.name() : o.args().get(o.args().size() - 1));
    }

    private static ConfigException argErr(Setup s, Directive o, Token after) {
        return s.error(after, o.name().text(), "Wrong argument count or unexpected line ending after '" + after.text() + "'");
    }
}
