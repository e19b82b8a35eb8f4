package io.clusterdns.server.plugin.reload;

import io.clusterdns.server.chain.PluginConfig;
import java.time.Duration;

/**
 * CoreDNS's {@code reload [INTERVAL] [JITTER]}: every INTERVAL (± JITTER/2, picked once) the
 * Corefile is read again; when its digest changed it is applied, and a broken one is logged with
 * its line while the running configuration keeps serving.
 */
public record ReloadConfig(Duration interval, Duration jitter) implements PluginConfig {
    public static final String NAME = "reload";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_JITTER = Duration.ofSeconds(15);
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(2);

    @Override
    public String name() {
        return NAME;
    }

    /** The period to use: the interval moved by a random part of the jitter, in [-jitter/2, +jitter/2). */
    public Duration period(double random) {
        long j = jitter.toNanos();
        return interval.plusNanos((long) ((random - 0.5) * j));
    }
}
