package io.clusterdns.server;

import io.clusterdns.server.http.HttpConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.testing.Await;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The README's demo: the server started as {@code main} does over {@code k8s/examples}, queried
 * with dnsjava's resolver over UDP and TCP. Values come from the example manifests (web.yaml,
 * control-plane.yaml, external.yaml, mongo.yaml, dual-stack.yaml).
 */
class ExampleManifestsTest {
    static final Path EXAMPLES = Path.of("../k8s/examples");
    static DnsServer server;

    @BeforeAll
    static void start() {
        ServerConfig config = ServerConfig.defaults(EXAMPLES).withListen(ListenAddress.of("127.0.0.1:0")).withHttp(HttpConfig.off());
        server = DnsServerMain.start(config);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<String> ask(String name, int type, boolean tcp) throws Exception {
        SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
        r.setPort(server.port());
        r.setTCP(tcp);
        r.setTimeout(Await.DEADLINE);
        Message m = r.send(Wire.query(7, name, type));
        assertThat(m.getRcode()).as(name).isEqualTo(Rcode.NOERROR);
        return Wire.texts(m, Section.ANSWER);
    }

    @Test
    void answersTheExampleCluster() throws Exception {
        assertThat(ask("web.default.svc.cluster.local.", Type.A, false))
                .containsExactly("web.default.svc.cluster.local. 5 A 10.96.45.100");
        assertThat(ask("kube-dns.kube-system.svc.cluster.local.", Type.A, true))
                .containsExactly("kube-dns.kube-system.svc.cluster.local. 5 A 10.96.0.10");
        assertThat(ask("my-database.default.svc.cluster.local.", Type.A, false))
                .containsExactly("my-database.default.svc.cluster.local. 5 CNAME db.example.com.");
        assertThat(ask("mongo-headless.default.svc.cluster.local.", Type.A, false)).containsExactlyInAnyOrder(
                "mongo-headless.default.svc.cluster.local. 5 A 10.244.1.254",
                "mongo-headless.default.svc.cluster.local. 5 A 10.244.2.127",
                "mongo-headless.default.svc.cluster.local. 5 A 10.244.1.3");
        assertThat(ask("mongo-0.mongo-headless.default.svc.cluster.local.", Type.A, true))
                .containsExactly("mongo-0.mongo-headless.default.svc.cluster.local. 5 A 10.244.1.254");
        assertThat(ask("_http._tcp.web.default.svc.cluster.local.", Type.SRV, false))
                .containsExactly("_http._tcp.web.default.svc.cluster.local. 5 SRV 0 100 80 web.default.svc.cluster.local.");
        assertThat(ask("100.45.96.10.in-addr.arpa.", Type.PTR, false))
                .containsExactly("100.45.96.10.in-addr.arpa. 5 PTR web.default.svc.cluster.local.");
    }
}
