package io.clusterdns.server.plugin.timeouts;

import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.listen.TcpLimits;
import java.time.Duration;
import java.util.Optional;

/**
 * CoreDNS's {@code timeouts}: the read, write and idle timeouts of the block's DNS-over-TCP
 * listeners and how many queries one connection may ask ({@code maxtcpqueries}). Not a link of
 * the chain: it sets the listeners up. Blocks sharing a listener share its TCP settings: a value
 * set by a later block wins, as CoreDNS.
 *
 * @param read       empty when not set
 * @param write      empty when not set
 * @param idle       empty when not set
 * @param maxQueries empty when not set; {@link TcpLimits#UNLIMITED} for no limit
 */
public record TimeoutsConfig(Optional<Duration> read, Optional<Duration> write, Optional<Duration> idle, Optional<Integer> maxQueries)
        implements PluginConfig {
    public static final String NAME = "timeouts";
    /** CoreDNS's bounds for every timeout. */
    public static final Duration MIN = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofHours(24);

    @Override
    public String name() {
        return NAME;
    }

    /** {@code limits} with what this block sets. */
    public TcpLimits applyTo(TcpLimits limits) {
        TcpLimits out = limits;
        out = read.map(out::withReadTimeout).orElse(out);
        out = write.map(out::withWriteTimeout).orElse(out);
        out = idle.map(out::withIdleTimeout).orElse(out);
        return maxQueries.map(out::withMaxQueries).orElse(out);
    }
}
