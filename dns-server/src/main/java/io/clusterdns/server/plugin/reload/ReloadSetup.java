package io.clusterdns.server.plugin.reload;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import java.time.Duration;

/** Reads {@code reload [INTERVAL] [JITTER]} with CoreDNS's limits (interval at least 2s, jitter 0 or at least 1s, at most half the interval). */
public final class ReloadSetup {
    private ReloadSetup() {
    }

    public static ReloadConfig parse(Directive d) {
        Setup s = new Setup(ReloadConfig.NAME);
        s.args(d, 0, 2);
        s.noBlock(d);
        Duration interval = d.args().isEmpty() ? ReloadConfig.DEFAULT_INTERVAL
                : s.duration(d.args().get(0), "interval", ReloadConfig.MIN_INTERVAL, Duration.ofDays(1));
        Duration jitter = d.args().size() < 2 ? ReloadConfig.DEFAULT_JITTER
                : s.duration(d.args().get(1), "jitter", Duration.ZERO, Duration.ofDays(1));
        if (!jitter.isZero() && jitter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw s.error(d.args().get(1), "jitter", "must be 0 or at least 1s, got \"" + d.args().get(1).text() + "\"");
        }
        Duration half = interval.dividedBy(2);
        return new ReloadConfig(interval, jitter.compareTo(half) > 0 ? half : jitter);
    }
}
