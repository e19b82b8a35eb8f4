package io.clusterdns.server.plugin.prometheus;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.WrappingWriter;
import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.server.metrics.ZoneMeters;
import io.clusterdns.server.wire.Transport;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * The {@code prometheus} plugin's chain link: counts every query of its block and its response in
 * CoreDNS's {@code coredns_dns_*} series ({@link DnsMetrics}). The {@code plugin} label is what
 * CoreDNS 1.14 puts there: the plugin after this one in the chain for responses the chain wrote
 * ({@code errors} in kubeadm's Corefile), empty for rcodes the server wrote.
 */
public final class PrometheusPlugin implements Plugin {
    private final DnsMetrics metrics;
    private final String writerLabel;
    private final ConcurrentHashMap<ZoneKey, ZoneMeters> zones = new ConcurrentHashMap<>();
    private volatile Last last;

    private record ZoneKey(String server, Name zone) {
    }

    /**
     * The series the last query was counted in, by its listener's label and its zone as objects:
     * a block serves one listener and mostly one zone, so a query finds its series without a key
     * made and hashed. A race only costs a look-up.
     */
    private record Last(String server, Name zone, ZoneMeters meters) {
    }

    /** @param nextPlugin the name of the plugin after this one in its block's chain, empty when none */
    public PrometheusPlugin(DnsMetrics metrics, String nextPlugin) {
        this.metrics = metrics;
        this.writerLabel = nextPlugin;
    }

    @Override
    public String name() {
        return PrometheusConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        next.serve(request, new Counting(writer, request));
    }

    private ZoneMeters meters(Request request) {
        String server = request.listener().label();
        Name zone = request.zone();
        Last last = this.last;
        if (last != null && last.server == server && last.zone == zone) {
            return last.meters;
        }
        ZoneMeters meters = meters(server, zone);
        this.last = new Last(server, zone, meters);
        return meters;
    }

    /**
     * The series of {@code zone} (the block's zone that matched the question) on {@code server}
     * (the listener's label): for counting a query of this block that was answered without going
     * through the chain (the cluster zone's fast path) exactly as this plugin counts one the chain
     * answered, with {@link #writerLabel()} as its {@code plugin} label. Keep the result.
     */
    public ZoneMeters meters(String server, Name zone) {
        return zones.computeIfAbsent(new ZoneKey(server, zone), k -> metrics.zone(k.server(), k.zone().toString()));
    }

    /** The {@code plugin} label of responses the chain wrote: the plugin after this one. */
    public String writerLabel() {
        return writerLabel;
    }

    private final class Counting extends WrappingWriter {
        private final Request request;

        Counting(ResponseWriter next, Request request) {
            super(next);
            this.request = request;
        }

        @Override
        public int write(Message response) {
            int rcode = response.getRcode();
            int bytes = next.write(response);
            record(rcode, writerLabel, bytes);
            return bytes;
        }

        @Override
        public int fail(int rcode, String error) {
            int bytes = next.fail(rcode, error);
            record(rcode, "", bytes);
            return bytes;
        }

        /** CoreDNS counts a query nobody answered (acl's drop) as NOERROR with a 0-byte response and no plugin. */
        @Override
        public int drop() {
            int bytes = next.drop();
            record(Rcode.NOERROR, "", bytes);
            return bytes;
        }

        private void record(int rcode, String plugin, int bytes) {
            meters(request).record(request.transport() == Transport.TCP, request.ipv6Client(), request.qtype(), request.dnssecOk(),
                    request.size(), rcode, plugin, bytes, System.nanoTime() - request.received());
        }
    }
}
