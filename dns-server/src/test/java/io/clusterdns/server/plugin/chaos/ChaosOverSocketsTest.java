package io.clusterdns.server.plugin.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.Privileged;
import io.clusterdns.server.CorefileServers;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.chain.Outcomes;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code chaos} in a server started from a Corefile, and the same server without it, where a
 * CH-class query is REFUSED (CoreDNS opens class CH only to blocks with chaos or forward).
 */
class ChaosOverSocketsTest {
    @TempDir
    static Path dir;
    static DnsServer chaos;
    static DnsServer plain;

    @BeforeAll
    static void start() {
        chaos = CorefileServers.withCluster(dir, "chaos CoreDNS-001 info@coredns.io");
        plain = CorefileServers.withCluster(dir, "");
    }

    @AfterAll
    static void stop() {
        CorefileServers.close(chaos, plain);
    }

    static String ask(DnsServer server, String name, int type, int dclass) {
        Message q = new Message(6);
        q.addRecord(Record.newRecord(Name.fromConstantString(name), type, dclass), Section.QUESTION);
        try (UdpClient udp = new UdpClient(server.port())) {
            return Outcomes.of(udp.exchange(q));
        }
    }

    static Stream<Arguments> table() {
        String host = ChaosPlugin.hostname();
        return Stream.of(
                Arguments.of("version.bind.", Type.TXT, DClass.CH, "NOERROR | version.bind. 0 TXT CoreDNS-001", "REFUSED"),
                Arguments.of("version.server.", Type.TXT, DClass.CH, "NOERROR | version.server. 0 TXT CoreDNS-001", "REFUSED"),
                Arguments.of("authors.bind.", Type.TXT, DClass.CH, "NOERROR | authors.bind. 0 TXT info@coredns.io", "REFUSED"),
                Arguments.of("hostname.bind.", Type.TXT, DClass.CH, "NOERROR | hostname.bind. 0 TXT " + host, "REFUSED"),
                Arguments.of("id.server.", Type.TXT, DClass.CH, "NOERROR | id.server. 0 TXT " + host, "REFUSED"),
                // not chaos's: on down the chain, where nothing answers it (CoreDNS: SERVFAIL, no next plugin)
                Arguments.of("version.bind.", Type.A, DClass.CH, "SERVFAIL", "REFUSED"),
                Arguments.of("version.bind.", Type.TXT, DClass.IN, "SERVFAIL", "SERVFAIL"),
                Arguments.of("web.shop.svc.cluster.local.", Type.A, DClass.IN,
                        "NOERROR aa | web.shop.svc.cluster.local. 5 A " + ApiValidManifests.WEB_IP,
                        "NOERROR aa | web.shop.svc.cluster.local. 5 A " + ApiValidManifests.WEB_IP));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("table")
    void withAndWithoutChaos(String name, int type, int dclass, String withChaos, String without) {
        assertThat(ask(chaos, name, type, dclass)).isEqualTo(withChaos);
        assertThat(ask(plain, name, type, dclass)).isEqualTo(without);
    }

    @Test
    void digAsksForTheVersion() {
        Commands.Result r = Commands.run(Await.DEADLINE, Privileged.requireTool("dig", "bind9-dnsutils"), "@127.0.0.1", "-p",
                String.valueOf(chaos.port()), "+time=30", "+tries=1", "+short", "CH", "TXT", "version.bind");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output().trim()).isEqualTo("\"CoreDNS-001\"");
    }
}
