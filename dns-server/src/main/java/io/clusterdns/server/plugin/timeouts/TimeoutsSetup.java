package io.clusterdns.server.plugin.timeouts;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.listen.TcpLimits;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads {@code timeouts { read D; write D; idle D; maxtcpqueries N }} with CoreDNS's rules: a block
 * with at least one line, each timeout a Go duration or whole seconds in 1s..24h, {@code
 * maxtcpqueries} positive or -1 (unlimited). Older CoreDNS spelled it {@code max_queries}: both
 * are read.
 */
public final class TimeoutsSetup {
    private TimeoutsSetup() {
    }

    public static TimeoutsConfig parse(Directive d) {
        Setup s = new Setup(TimeoutsConfig.NAME);
        s.args(d, 0, 0);
        if (d.children().isEmpty()) {
            throw s.error(d.name(), null, "timeouts block with no timeouts or limits specified");
        }
        Optional<Duration> read = Optional.empty();
        Optional<Duration> write = Optional.empty();
        Optional<Duration> idle = Optional.empty();
        Optional<Integer> maxQueries = Optional.empty();
        for (Directive o : d.children()) {
            String option = o.name().text();
            switch (option) {
                case "read" -> read = Optional.of(timeout(s, o));
                case "write" -> write = Optional.of(timeout(s, o));
                case "idle" -> idle = Optional.of(timeout(s, o));
                case "maxtcpqueries", "max_queries" -> {
                    s.args(o, 1, 1);
                    s.noBlock(o);
                    long n = s.integer(o.args().get(0), option, -1, Integer.MAX_VALUE);
                    if (n == 0) {
                        throw s.error(o.args().get(0), option, "must be a positive integer or -1 (unlimited), got \"0\"");
                    }
                    maxQueries = Optional.of(n < 0 ? TcpLimits.UNLIMITED : (int) n);
                }
                default -> throw s.unknownOption(o);
            }
        }
        return new TimeoutsConfig(read, write, idle, maxQueries);
    }

    private static Duration timeout(Setup s, Directive o) {
        s.args(o, 1, 1);
        s.noBlock(o);
        return s.durationOrSeconds(o.args().get(0), o.name().text(), TimeoutsConfig.MIN, TimeoutsConfig.MAX);
    }
}
