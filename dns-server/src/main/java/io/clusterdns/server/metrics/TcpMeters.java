package io.clusterdns.server.metrics;

import io.clusterdns.server.listen.TcpAdmission;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The TCP limits' series of one listening address: {@code clusterdns_tcp_connections} open now,
 * {@code clusterdns_tcp_connections_closed_total{reason}} closed by a limit ({@code limit}: over a
 * connection cap, closed at once; {@code slow_query}: a query took longer than the read timeout to
 * arrive; {@code slow_reader}: the client did not read its answers within the write timeout).
 * They come and go with the address's listeners.
 */
public final class TcpMeters {
    private static final String OPEN = "clusterdns.tcp.connections";
    private static final String CLOSED = "clusterdns.tcp.connections.closed";
    private static final String CLOSED_HELP = "DNS-over-TCP connections closed by a limit.";

    private TcpMeters() {
    }

    /** Registers the series of {@code tcp}, the TCP side of the listener labelled {@code server}. */
    public static void register(MeterRegistry registry, String server, TcpAdmission tcp) {
        Gauge.builder(OPEN, tcp, TcpAdmission::open).description("Open DNS-over-TCP connections.").tag("server", server)
                .register(registry);
        FunctionCounter.builder(CLOSED, tcp, TcpAdmission::refused).description(CLOSED_HELP).tags("server", server, "reason", "limit")
                .register(registry);
        FunctionCounter.builder(CLOSED, tcp, TcpAdmission::slowQueries).description(CLOSED_HELP)
                .tags("server", server, "reason", "slow_query").register(registry);
        FunctionCounter.builder(CLOSED, tcp, TcpAdmission::slowReaders).description(CLOSED_HELP)
                .tags("server", server, "reason", "slow_reader").register(registry);
    }

    /** Drops the series of the listener labelled {@code server} (it no longer listens). */
    public static void remove(MeterRegistry registry, String server) {
        for (String name : List.of(OPEN, CLOSED)) {
            registry.find(name).tag("server", server).meters().forEach(registry::remove);
        }
    }
}
