package io.clusterdns.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** kube-proxy's CategorizeEndpoints, case by case. Endpoint names: L = this node, R = another; r = ready, t = serving-terminating, x = not serving. */
class EndpointCategoriesTest {

    static Endpoint ep(String spec) {
        boolean local = spec.charAt(0) == 'L';
        char state = spec.charAt(1);
        int n = Integer.parseInt(spec.substring(2));
        return new Endpoint(IpAddresses.parse("10.244." + (local ? 1 : 2) + "." + n), 80, state == 'r', state != 'x', state != 'r', local);
    }

    static ServicePortState svc(boolean itpLocal, boolean etpLocal, boolean external, String... eps) {
        return new ServicePortState(new ServicePortName(ServiceKey.of("ns", "svc"), "p", Protocol.TCP), IpFamily.IPV4,
                IpAddresses.parse("10.96.0.1"), 80, external ? 30000 : 0, List.of(), List.of(), List.of(), false, null,
                itpLocal, etpLocal, 0, Stream.of(eps).map(EndpointCategoriesTest::ep).sorted().toList());
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, state, cluster, local, allReachable, hasAny
                Arguments.of("ready endpoints", svc(false, false, false, "Lr1", "Rr2"), "Lr1 Rr2", "", "Lr1 Rr2", true),
                Arguments.of("terminating ignored while ready exist", svc(false, false, false, "Lr1", "Rt2"), "Lr1", "", "Lr1", true),
                Arguments.of("serving-terminating as fallback", svc(false, false, false, "Lt1", "Rt2", "Rx3"), "Lt1 Rt2", "", "Lt1 Rt2", true),
                Arguments.of("none serving: no endpoints", svc(false, false, false, "Lx1", "Rx2"), "", "", "", false),
                Arguments.of("iTP Local: local ready only", svc(true, false, false, "Lr1", "Rr2"), "", "Lr1", "Lr1", true),
                Arguments.of("iTP Local, none local: hasAny but no local", svc(true, false, false, "Rr2"), "", "", "", true),
                Arguments.of("iTP Local, local terminating fallback", svc(true, false, false, "Lt1", "Rr2"), "", "Lt1", "Lt1", true),
                Arguments.of("eTP Local: cluster for short-circuit, local for external", svc(false, true, true, "Lr1", "Rr2"),
                        "Lr1 Rr2", "Lr1", "Lr1 Rr2", true),
                Arguments.of("eTP Local on a not external service is ignored", svc(false, true, false, "Lr1", "Rr2"),
                        "Lr1 Rr2", "", "Lr1 Rr2", true),
                Arguments.of("iTP and eTP Local, external", svc(true, true, true, "Lr1", "Rr2"), "Lr1 Rr2", "Lr1", "Lr1 Rr2", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void categorize(String name, ServicePortState sp, String cluster, String local, String all, boolean hasAny) {
        EndpointCategories c = EndpointCategories.of(sp);
        assertThat(names(c.cluster())).isEqualTo(cluster);
        assertThat(names(c.local())).isEqualTo(local);
        assertThat(names(c.allReachable())).isEqualTo(all);
        assertThat(c.hasAny()).isEqualTo(hasAny);
    }

    static String names(List<Endpoint> eps) {
        StringBuilder sb = new StringBuilder();
        for (Endpoint e : eps) {
            String[] o = e.ip().getHostAddress().split("\\.");
            sb.append(sb.length() == 0 ? "" : " ").append(e.local() ? 'L' : 'R').append(e.ready() ? 'r' : e.serving() ? 't' : 'x').append(o[3]);
        }
        return sb.toString();
    }
}
