package io.clusterdns.server.plan;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.listen.TcpLimits;
import io.clusterdns.server.plugin.timeouts.TimeoutsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a running server is: its server blocks (from a Corefile, or the equivalent the
 * command-line flags make: one code path) and the few settings that are not per block.
 *
 * @param blocks         in the order written
 * @param tcpLimits      the TCP listeners' caps and timeouts, before what the blocks' {@code timeouts} set
 * @param udpSockets     SO_REUSEPORT UDP sockets per listening address (one per event loop); 0: one per CPU
 * @param corefile       the Corefile it was read from (the reload plugin reads it again), null for flags
 * @param digest         the Corefile's digest (reload compares it), empty for flags
 */
public record ServerPlan(List<BlockPlan> blocks, TcpLimits tcpLimits, int udpSockets, CorefileSource corefile,
                         String digest) {
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final int MAX_UDP_SOCKETS = 64;

    public ServerPlan {
        blocks = List.copyOf(blocks);
        tcpLimits = tcpLimits == null ? TcpLimits.DEFAULT : tcpLimits;
        digest = digest == null ? "" : digest;
    }

    /** This plan with other TCP limits (tests set small ones). */
    public ServerPlan withTcpLimits(TcpLimits limits) {
        return new ServerPlan(blocks, limits, udpSockets, corefile, digest);
    }

    /**
     * The TCP limits of the listener on {@code address}: the plan's, with what the {@code timeouts}
     * of the blocks served there set (blocks sharing a listener share its settings; a later block
     * wins, as CoreDNS).
     */
    public TcpLimits tcpLimits(ListenAddress address) {
        TcpLimits out = tcpLimits;
        for (BlockPlan b : blocksOn(address)) {
            Optional<TimeoutsConfig> timeouts = b.plugin(TimeoutsConfig.class);
            if (timeouts.isPresent()) {
                out = timeouts.get().applyTo(out);
            }
        }
        return out;
    }

    /** Every address to listen on (UDP and TCP), in order: each block's ports on each of its bind addresses. */
    public List<ListenAddress> listenAddresses() {
        Set<ListenAddress> out = new LinkedHashSet<>();
        for (BlockPlan b : blocks) {
            for (ZoneKey k : b.keys()) {
                for (java.net.InetAddress a : b.bind()) {
                    out.add(new ListenAddress(a, k.port()));
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** True when {@code address}'s port is also listened on at another address ({@code bind}); never for port 0. */
    public boolean sharedPort(ListenAddress address) {
        return address.port() != 0 && listenAddresses().stream()
                .anyMatch(a -> a.port() == address.port() && !a.address().equals(address.address()));
    }

    /** The blocks served on {@code address} (its port on one of their bind addresses). */
    public List<BlockPlan> blocksOn(ListenAddress address) {
        List<BlockPlan> out = new ArrayList<>();
        for (BlockPlan b : blocks) {
            if (b.bind().contains(address.address()) && b.keys().stream().anyMatch(k -> k.port() == address.port())) {
                out.add(b);
            }
        }
        return out;
    }

    /** The first config of {@code type} in any block. */
    public <T extends PluginConfig> Optional<T> plugin(Class<T> type) {
        return blocks.stream().map(b -> b.plugin(type)).flatMap(Optional::stream).findFirst();
    }

    /** Every config of {@code type}, block by block. */
    public <T extends PluginConfig> List<T> plugins(Class<T> type) {
        return blocks.stream().flatMap(b -> b.plugins().stream()).filter(type::isInstance).map(type::cast).toList();
    }

    /** UDP sockets to open per address: {@link #udpSockets}, or one per CPU when that is 0. */
    public int effectiveUdpSockets() {
        return udpSockets == 0 ? Math.min(MAX_UDP_SOCKETS, Runtime.getRuntime().availableProcessors()) : udpSockets;
    }

}
