package io.clusterdns.server.fuzz;

import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.server.CorefileServers;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.Scrape;
import io.clusterdns.server.plugin.forward.Dnsmasq;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The server the fuzzer attacks: kubeadm's Corefile (as dns-server/examples/Corefile) on a free
 * port of 127.0.0.1, the kubernetes plugin on {@link ApiValidManifests}, forwarding everything
 * else to a real dnsmasq on 127.0.0.1 that knows {@code probe.fuzz.test}, with the cache. Its log
 * is watched from before it starts.
 */
final class FuzzTarget implements AutoCloseable {
    static final String FORWARDED = "probe.fuzz.test.";
    static final String FORWARDED_IP = "192.0.2.7";

    /** The valid questions asked while fuzzing, with their answers in this cluster. */
    static final List<Prober.Probe> PROBES = List.of(
            new Prober.Probe("web.shop.svc.cluster.local.", Type.A, Rcode.NOERROR, Set.of(ApiValidManifests.WEB_IP)),
            new Prober.Probe("db-ready.shop.svc.cluster.local.", Type.A, Rcode.NOERROR, Set.of(ApiValidManifests.DB_READY_IP)),
            new Prober.Probe("db.shop.svc.cluster.local.", Type.A, Rcode.NOERROR,
                    Set.of(ApiValidManifests.DB_READY_IP, ApiValidManifests.DB_NOT_READY_IP)),
            new Prober.Probe("nope.shop.svc.cluster.local.", Type.A, Rcode.NXDOMAIN, Set.of()),
            new Prober.Probe("80.0.96.10.in-addr.arpa.", Type.PTR, Rcode.NOERROR, Set.of("web.shop.svc.cluster.local.")),
            new Prober.Probe("10-244-1-20.shop.pod.cluster.local.", Type.A, Rcode.NOERROR, Set.of(ApiValidManifests.WEB_POD_IP)),
            new Prober.Probe(FORWARDED, Type.A, Rcode.NOERROR, Set.of(FORWARDED_IP)));

    private final LogWatch log;
    private final Dnsmasq upstream;
    private final DnsServer server;

    private FuzzTarget(LogWatch log, Dnsmasq upstream, DnsServer server) {
        this.log = log;
        this.upstream = upstream;
        this.server = server;
    }

    static FuzzTarget start(Path dir) {
        LogWatch log = new LogWatch();
        Dnsmasq upstream = null;
        try {
            upstream = Dnsmasq.startForkingTcp(dir, "127.0.0.1", FORWARDED_IP + " " + FORWARDED.substring(0, FORWARDED.length() - 1) + "\n",
                    "--user=root");
            Path manifests = ApiValidManifests.write(Files.createTempDirectory(dir, "manifests"));
            DnsServer server = CorefileServers.start(dir, """
                    .:0 {
                        bind 127.0.0.1
                        kubernetes cluster.local in-addr.arpa ip6.arpa {
                           manifests %s
                           pods insecure
                           fallthrough in-addr.arpa ip6.arpa
                           ttl 30
                        }
                        forward . %s {
                           max_concurrent 1000
                        }
                        cache 30 {
                           disable success cluster.local
                           disable denial cluster.local
                        }
                        loadbalance
                    }
                    """.formatted(manifests, upstream.target()));
            return new FuzzTarget(log, upstream, server);
        } catch (IOException e) {
            close(log, upstream);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            close(log, upstream);
            throw e;
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
    }

    /** ERROR lines and exceptions the server logged so far, and the first of them. */
    long logFindings() {
        return log.findings();
    }

    long logLinesSeen() {
        return log.linesSeen();
    }

    List<String> logLines() {
        return log.lines();
    }

    /** Plugin exceptions the query path caught (each answered SERVFAIL): coredns_panics_total. */
    double panics() {
        return new Scrape(server.scrape()).value("coredns_panics_total", Map.of());
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            close(log, upstream);
        }
    }

    private static void close(LogWatch log, Dnsmasq upstream) {
        if (upstream != null) {
            upstream.close();
        }
        log.close();
    }
}
