package io.clusterdns.server.plugin.multicluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.manifest.ManifestSnapshots;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.resolver.ClusterSetConfig;
import io.clusterdns.resolver.ClusterSetResolver;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.Requests;
import io.clusterdns.server.wire.Responses;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The plugin as one chain link, without sockets: what it answers itself (authoritatively), what it
 * hands on (names outside its zone, missing names under {@code fallthrough}), and what it refuses.
 * The cluster is a ClusterSetIP import {@code myservice.test} (10.42.42.42) from manifests.
 */
class MulticlusterPluginTest {
    static final ClusterSnapshot CLUSTER = ManifestSnapshots.parse("""
            apiVersion: multicluster.x-k8s.io/v1alpha1
            kind: ServiceImport
            metadata: {name: myservice, namespace: test}
            spec: {type: ClusterSetIP, ips: [10.42.42.42], ports: [{name: https, port: 443}]}
            """);

    static MulticlusterPlugin plugin(Fallthrough fallthrough) {
        ClusterSetResolver resolver = new ClusterSetResolver(ClusterSetConfig.defaults());
        resolver.update(CLUSTER);
        return new MulticlusterPlugin(resolver, fallthrough);
    }

    /** What came out: the plugin's own response, or "next" when the rest of the chain was asked. */
    static String serve(MulticlusterPlugin plugin, String name, int type) {
        Requests.Capture capture = new Requests.Capture();
        List<String> handedOn = new ArrayList<>();
        plugin.serve(Requests.of(name, type), capture, (request, writer) -> {
            handedOn.add(request.qname().toString());
            writer.write(Responses.start(request.message(), Rcode.NOERROR));
        });
        if (!handedOn.isEmpty()) {
            return "next";
        }
        if (!capture.failed.isEmpty()) {
            return Rcode.string(capture.failed.get(0));
        }
        Message m = capture.written.get(0);
        StringBuilder sb = new StringBuilder(Rcode.string(m.getRcode()));
        sb.append(m.getHeader().getFlag(Flags.AA) ? " aa" : "");
        for (Record r : m.getSection(Section.ANSWER)) {
            sb.append(" | ").append(r.getName()).append(' ').append(Type.string(r.getType())).append(' ').append(r.rdataToString());
        }
        for (Record r : m.getSection(Section.AUTHORITY)) {
            sb.append(" | authority ").append(Type.string(r.getType()));
        }
        return sb.toString();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("myservice.test.svc.clusterset.local.", Type.A, Fallthrough.NONE,
                        "NOERROR aa | myservice.test.svc.clusterset.local. A 10.42.42.42"),
                Arguments.of("myservice.test.svc.clusterset.local.", Type.AAAA, Fallthrough.NONE, "NOERROR aa | authority SOA"),
                Arguments.of("nope.test.svc.clusterset.local.", Type.A, Fallthrough.NONE, "NXDOMAIN aa | authority SOA"),
                // fallthrough hands missing names on, never existing ones
                Arguments.of("nope.test.svc.clusterset.local.", Type.A, Fallthrough.ALL, "next"),
                Arguments.of("myservice.test.svc.clusterset.local.", Type.AAAA, Fallthrough.ALL, "NOERROR aa | authority SOA"),
                Arguments.of("nope.test.svc.clusterset.local.", Type.A, new Fallthrough(List.of(Name.fromConstantString("example.org."))),
                        "NXDOMAIN aa | authority SOA"),
                // not its zone: the next plugin's (kubernetes for cluster.local, forward for the rest)
                Arguments.of("web.default.svc.cluster.local.", Type.A, Fallthrough.NONE, "next"),
                Arguments.of("example.org.", Type.A, Fallthrough.NONE, "next"),
                // generated from live state: not offered for transfer
                Arguments.of("clusterset.local.", Type.AXFR, Fallthrough.NONE, "REFUSED"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void answersItsZoneAndHandsOnTheRest(String name, int type, Fallthrough fallthrough, String expected) {
        assertThat(serve(plugin(fallthrough), name, type)).isEqualTo(expected);
    }

    @Test
    void notReadyAndServfailUntilTheFirstSnapshot() {
        ClusterSetResolver resolver = new ClusterSetResolver(ClusterSetConfig.defaults());
        MulticlusterPlugin plugin = new MulticlusterPlugin(resolver, Fallthrough.ALL);
        assertThat(plugin.reportsReadiness()).isTrue();
        assertThat(plugin.ready()).isFalse();
        assertThat(serve(plugin, "myservice.test.svc.clusterset.local.", Type.A)).isEqualTo("SERVFAIL");
        resolver.update(CLUSTER);
        assertThat(plugin.ready()).isTrue();
        assertThat(serve(plugin, "myservice.test.svc.clusterset.local.", Type.A)).isEqualTo("NOERROR aa | myservice.test.svc.clusterset.local. A 10.42.42.42");
    }
}
