package io.clusterdns.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;

/** QueryName.parse on its own: shapes, fields, lower-casing, longest zone match. */
class QueryNameTest {
    static final List<Name> ZONES = List.of(Name.fromConstantString("cluster.local."),
            Name.fromConstantString("in-addr.arpa."), Name.fromConstantString("ip6.arpa."),
            Name.fromConstantString("svc.cluster.local.example."));

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
            // name,                                        kind,              zone,           namespace, service, endpoint, port,  protocol, address
            "cluster.local.,                               APEX,              cluster.local., -,         -,       -,        -,     -,        -",
            "CLUSTER.local.,                               APEX,              cluster.local., -,         -,       -,        -,     -,        -",
            "svc.cluster.local.,                           SVC_ENT,           cluster.local., -,         -,       -,        -,     -,        -",
            "pod.cluster.local.,                           POD_ENT,           cluster.local., -,         -,       -,        -,     -,        -",
            "dns-version.cluster.local.,                   DNS_VERSION,       cluster.local., -,         -,       -,        -,     -,        -",
            "dns.cluster.local.,                           DNS_ENT,           cluster.local., -,         -,       -,        -,     -,        -",
            "ns.dns.cluster.local.,                        NAMESERVER,        cluster.local., -,         -,       -,        -,     -,        -",
            "x.ns.dns.cluster.local.,                      NONEXISTENT,       cluster.local., -,         -,       -,        -,     -,        -",
            "default.svc.cluster.local.,                   SERVICE_NAMESPACE, cluster.local., default,   -,       -,        -,     -,        -",
            "Default.POD.cluster.local.,                   POD_NAMESPACE,     cluster.local., default,   -,       -,        -,     -,        -",
            "Web.Default.svc.cluster.local.,               SERVICE,           cluster.local., default,   web,     -,        -,     -,        -",
            "mongo-0.mongo.default.svc.cluster.local.,     SERVICE,           cluster.local., default,   mongo,   mongo-0,  -,     -,        -",
            "_HTTP._Tcp.web.default.svc.cluster.local.,    SERVICE,           cluster.local., default,   web,     -,        http,  tcp,      -",
            "_tcp.web.default.svc.cluster.local.,          PROTOCOL_ENT,      cluster.local., default,   web,     -,        -,     tcp,      -",
            "http._tcp.web.default.svc.cluster.local.,     NONEXISTENT,       cluster.local., -,         -,       -,        -,     -,        -",
            "a.b.c.web.default.svc.cluster.local.,         NONEXISTENT,       cluster.local., -,         -,       -,        -,     -,        -",
            "10-244-1-5.default.pod.cluster.local.,        POD,               cluster.local., default,   10-244-1-5, -,     -,     -,        10.244.1.5",
            "fd00-10-244--5.default.pod.cluster.local.,    POD,               cluster.local., default,   fd00-10-244--5, -, -,     -,        fd00:10:244::5",
            "nope.default.pod.cluster.local.,              POD,               cluster.local., default,   nope,    -,        -,     -,        -",
            "foo.cluster.local.,                           NONEXISTENT,       cluster.local., -,         -,       -,        -,     -,        -",
            "web.default.other.cluster.local.,             NONEXISTENT,       cluster.local., -,         -,       -,        -,     -,        -",
            "1.0.96.10.in-addr.arpa.,                      REVERSE,           in-addr.arpa.,  -,         -,       -,        -,     -,        10.96.0.1",
            "96.10.in-addr.arpa.,                          NONEXISTENT,       in-addr.arpa.,  -,         -,       -,        -,     -,        -",
            "1.0.96.010.in-addr.arpa.,                     NONEXISTENT,       in-addr.arpa.,  -,         -,       -,        -,     -,        -",
            "1.0.96.256.in-addr.arpa.,                     NONEXISTENT,       in-addr.arpa.,  -,         -,       -,        -,     -,        -",
            "e.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa., REVERSE, ip6.arpa., -, -, -, -, -, fd00:10:96::1e",
            "x.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa., NONEXISTENT, ip6.arpa., -, -, -, -, -, -",
            "svc.cluster.local.example.,                   APEX,              svc.cluster.local.example., -, -, -,     -,     -,        -",
            "web.default.svc.cluster.local.example.,       NONEXISTENT,       svc.cluster.local.example., -, -, -,     -,     -,        -",
            "www.example.com.,                             NOT_IN_ZONE,       -,              -,         -,       -,        -,     -,        -",
    })
    void parses(String name, QueryName.Kind kind, String zone, String namespace, String service, String endpoint,
                String port, String protocol, String address) {
        QueryName q = QueryName.parse(Name.fromConstantString(name), ZONES);
        assertThat(q.kind()).isEqualTo(kind);
        assertThat(q.zone() == null ? null : q.zone().toString()).isEqualTo(zone);
        if (kind == QueryName.Kind.NONEXISTENT || kind == QueryName.Kind.APEX || kind == QueryName.Kind.NOT_IN_ZONE) {
            return;
        }
        assertThat(q.namespace()).isEqualTo(namespace);
        assertThat(q.service()).isEqualTo(service);
        assertThat(q.endpoint()).isEqualTo(endpoint);
        assertThat(q.port()).isEqualTo(port);
        assertThat(q.protocol()).isEqualTo(protocol);
        assertThat(q.address() == null ? null : io.clusterdns.k8s.model.IpAddresses.format(q.address())).isEqualTo(address);
    }
}
