package io.clusterdns.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.model.EndpointCategories.Topology;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.TargetPort;
import io.clusterdns.k8s.model.TrafficPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Topology-aware routing, case by case as kube-proxy's {@code TestCategorizeEndpoints} table
 * (pkg/proxy/topology_test.go) has them, plus the same-node cases its {@code topologyModeFromHints}
 * implies. The endpoints go through {@link DesiredStateBuilder} from EndpointSlice records, so the
 * hints are resolved against this node ({@value #NODE}) as in the agent.
 *
 * <p>Endpoint specs: {@code ADDRESS/FLAGS/ZONE_HINTS/NODE_HINTS}; flags {@code r} ready, {@code t}
 * serving-terminating, {@code x} neither, {@code L} on this node; hints comma-separated, empty for none.
 */
class TopologyCategoriesTest {
    static final String NODE = "node-1";

    /** {@code external}: a NodePort service (kube-proxy's table gives those a nodePort), else ClusterIP. */
    record Case(String zone, boolean itpLocal, boolean etpLocal, boolean external, List<String> endpoints) {
    }

    static Case svc(String zone, String... eps) {
        return new Case(zone, false, false, false, List.of(eps));
    }

    /** A NodePort service with these policies. */
    static Case local(String zone, boolean itp, boolean etp, String... eps) {
        return new Case(zone, itp, etp, true, List.of(eps));
    }

    /** A ClusterIP service with internalTrafficPolicy Local. */
    static Case internalLocal(String... eps) {
        return new Case("zone-a", true, false, false, List.of(eps));
    }

    static Stream<Arguments> kubeProxyTable() {
        String[] fourZones = {"10.1.2.3/r/zone-a/", "10.1.2.4/r/zone-b/", "10.1.2.5/r/zone-c/", "10.1.2.6/r/zone-a/"};
        return Stream.of(
                // name, case, cluster, local (null: not used), allReachable, hasAny, topology
                Arguments.of("zone hints, node in zone-a", svc("zone-a", fourZones),
                        "10.1.2.3 10.1.2.6", null, "10.1.2.3 10.1.2.6", true, Topology.SAME_ZONE),
                Arguments.of("externalTrafficPolicy Local: topology ignored for local endpoints",
                        local("zone-a", false, true, "10.1.2.3/rL/zone-a/", "10.1.2.4/rL/zone-b/", "10.1.2.5/r/zone-c/", "10.1.2.6/r/zone-a/"),
                        "10.1.2.3 10.1.2.6", "10.1.2.3 10.1.2.4", "10.1.2.3 10.1.2.4 10.1.2.6", true, Topology.SAME_ZONE),
                Arguments.of("internalTrafficPolicy Local: topology ignored for local endpoints",
                        local("zone-a", true, false, "10.1.2.3/rL/zone-a/", "10.1.2.4/rL/zone-b/", "10.1.2.5/r/zone-c/", "10.1.2.6/r/zone-a/"),
                        "10.1.2.3 10.1.2.6", "10.1.2.3 10.1.2.4", "10.1.2.3 10.1.2.4 10.1.2.6", true, Topology.SAME_ZONE),
                Arguments.of("empty node labels", svc(null, "10.1.2.3/r/zone-a/"),
                        "10.1.2.3", null, "10.1.2.3", true, Topology.NONE),
                Arguments.of("empty zone label", svc("", "10.1.2.3/r/zone-a/"),
                        "10.1.2.3", null, "10.1.2.3", true, Topology.NONE),
                Arguments.of("node in different zone, no endpoint filtering", svc("zone-b", "10.1.2.3/r/zone-a/"),
                        "10.1.2.3", null, "10.1.2.3", true, Topology.NONE),
                Arguments.of("unready endpoint", svc("zone-a", "10.1.2.3/r/zone-a/", "10.1.2.4/r/zone-b/", "10.1.2.5/r/zone-c/",
                        "10.1.2.6/x/zone-a/"), "10.1.2.3", null, "10.1.2.3", true, Topology.SAME_ZONE),
                Arguments.of("only unready endpoints in same zone (should not filter)", svc("zone-a", "10.1.2.3/x/zone-a/",
                        "10.1.2.4/r/zone-b/", "10.1.2.5/r/zone-c/", "10.1.2.6/x/zone-a/"),
                        "10.1.2.4 10.1.2.5", null, "10.1.2.4 10.1.2.5", true, Topology.NONE),
                Arguments.of("missing hints, no filtering applied", svc("zone-a", "10.1.2.3/r/zone-a/", "10.1.2.4/r/zone-b/",
                        "10.1.2.5/r//", "10.1.2.6/r/zone-a/"),
                        "10.1.2.3 10.1.2.4 10.1.2.5 10.1.2.6", null, "10.1.2.3 10.1.2.4 10.1.2.5 10.1.2.6", true, Topology.NONE),
                Arguments.of("multiple hints per endpoint, filtering includes any endpoint with zone included",
                        svc("zone-c", "10.1.2.3/r/zone-a,zone-b,zone-c/", "10.1.2.4/r/zone-b,zone-c/", "10.1.2.5/r/zone-b,zone-d/",
                                "10.1.2.6/r/zone-c/"),
                        "10.1.2.3 10.1.2.4 10.1.2.6", null, "10.1.2.3 10.1.2.4 10.1.2.6", true, Topology.SAME_ZONE),
                Arguments.of("conflicting topology and localness require merging allEndpoints",
                        local("zone-a", false, true, "10.0.0.0/rL/zone-a/", "10.0.0.1/rL/zone-b/", "10.0.0.2/r/zone-a/", "10.0.0.3/r/zone-b/"),
                        "10.0.0.0 10.0.0.2", "10.0.0.0 10.0.0.1", "10.0.0.0 10.0.0.1 10.0.0.2", true, Topology.SAME_ZONE),
                Arguments.of("all endpoints terminating: fallback ignores topology", svc("zone-a", "10.1.2.3/t/zone-a/", "10.1.2.4/t/zone-b/"),
                        "10.1.2.3 10.1.2.4", null, "10.1.2.3 10.1.2.4", true, Topology.NONE),
                // PreferSameNode (node hints; the EndpointSlice controller also writes zone hints for it)
                Arguments.of("node hints, one endpoint for this node", svc("zone-a", "10.1.2.3/r/zone-a/node-1", "10.1.2.4/r/zone-a/node-2",
                        "10.1.2.5/r/zone-b/node-3"), "10.1.2.3", null, "10.1.2.3", true, Topology.SAME_NODE),
                Arguments.of("node hints, none for this node: zone hints apply", svc("zone-a", "10.1.2.4/r/zone-a/node-2",
                        "10.1.2.5/r/zone-b/node-3"), "10.1.2.4", null, "10.1.2.4", true, Topology.SAME_ZONE),
                Arguments.of("node hints missing on one endpoint: zone hints apply", svc("zone-a", "10.1.2.3/r/zone-a/node-1",
                        "10.1.2.4/r/zone-a/", "10.1.2.5/r/zone-b/node-3"), "10.1.2.3 10.1.2.4", null, "10.1.2.3 10.1.2.4", true, Topology.SAME_ZONE),
                Arguments.of("node hints without zone hints, none for this node: all endpoints", svc("zone-a", "10.1.2.4/r//node-2",
                        "10.1.2.5/r//node-3"), "10.1.2.4 10.1.2.5", null, "10.1.2.4 10.1.2.5", true, Topology.NONE),
                Arguments.of("node hints for this node, node without zone label", svc(null, "10.1.2.3/r//node-1", "10.1.2.4/r//node-2"),
                        "10.1.2.3", null, "10.1.2.3", true, Topology.SAME_NODE),
                Arguments.of("unready endpoint for this node does not count", svc("zone-a", "10.1.2.3/x/zone-a/node-1",
                        "10.1.2.4/r/zone-a/node-2", "10.1.2.5/r/zone-b/node-3"), "10.1.2.4", null, "10.1.2.4", true, Topology.SAME_ZONE),
                // the Local-policy rows of the table, unaffected by topology
                Arguments.of("internalTrafficPolicy Local, all endpoints remote", internalLocal("10.0.0.0/r//", "10.0.0.1/r//"),
                        null, "", "", true, Topology.NONE),
                Arguments.of("internalTrafficPolicy Local, some endpoints local", internalLocal("10.0.0.0/rL//", "10.0.0.1/r//"),
                        null, "10.0.0.0", "10.0.0.0", true, Topology.NONE),
                Arguments.of("Cluster traffic policy, endpoints not ready", svc("zone-a", "10.0.0.0/x//", "10.0.0.1/x//"),
                        "", null, "", false, Topology.NONE),
                Arguments.of("iTP Cluster, eTP Local, with terminating endpoints", local(null, false, true, "10.0.0.0/r//",
                        "10.0.0.1/xL//", "10.0.0.2/tL//", "10.0.0.3/t//"), "10.0.0.0", "10.0.0.2", "10.0.0.0 10.0.0.2", true, Topology.NONE),
                Arguments.of("iTP Local, eTP Local, all endpoints remote and terminating", local(null, true, true, "10.0.0.0/t//",
                        "10.0.0.1/t//"), "10.0.0.0 10.0.0.1", "", "10.0.0.0 10.0.0.1", true, Topology.NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubeProxyTable")
    void categorize(String name, Case c, String cluster, String local, String all, boolean hasAny, Topology topology) {
        ServicePortState sp = state(c);
        EndpointCategories cats = EndpointCategories.of(sp);
        if (cluster == null) {
            assertThat(sp.usesClusterEndpoints()).as("uses cluster endpoints").isFalse();
        }
        assertThat(addresses(cats.cluster())).as("cluster").isEqualTo(cluster == null ? "" : cluster);
        if (local == null) {
            assertThat(sp.usesLocalEndpoints()).as("uses local endpoints").isFalse();
        }
        assertThat(addresses(cats.local())).as("local").isEqualTo(local == null ? "" : local);
        assertThat(addresses(cats.allReachable())).as("allReachable").isEqualTo(all);
        assertThat(cats.hasAny()).as("hasAny").isEqualTo(hasAny);
        assertThat(cats.topology()).as("topology").isEqualTo(topology);
    }

    @Test
    void hintsResolveAgainstThisNodeAndZone() {
        assertThat(Endpoint.Hint.of(List.of(), "zone-a")).isEqualTo(Endpoint.Hint.NONE);
        assertThat(Endpoint.Hint.of(List.of("zone-a"), "zone-a")).isEqualTo(Endpoint.Hint.THIS);
        assertThat(Endpoint.Hint.of(List.of("zone-a"), "zone-b")).isEqualTo(Endpoint.Hint.OTHER);
        assertThat(Endpoint.Hint.of(List.of("zone-a"), null)).isEqualTo(Endpoint.Hint.OTHER);
    }

    /** The state the agent builds for the case's service (NodePort when a Local external policy is asked). */
    static ServicePortState state(Case c) {
        List<EndpointInfo> eps = new ArrayList<>();
        for (String spec : c.endpoints()) {
            String[] f = (spec + " ").split("/", -1);
            String flags = f[1];
            boolean ready = flags.contains("r");
            boolean terminating = flags.contains("t") || flags.contains("x");
            eps.add(new EndpointInfo(IpAddresses.parse(f[0]), null, flags.contains("L") ? NODE : "node-9", null, ready,
                    ready || flags.contains("t"), terminating && !ready, null, names(f[2]), names(f[3].trim())));
        }
        ServiceKey key = ServiceKey.of("ns", "svc");
        ServiceType type = c.external() ? ServiceType.NODE_PORT : ServiceType.CLUSTER_IP;
        ServiceInfo svc = new ServiceInfo(key, type, List.of(IpAddresses.parse("10.96.0.1")), false, List.of(IpFamily.IPV4),
                List.of(new ServicePort("p", Protocol.TCP, 80, new TargetPort(80, null), c.external() ? 30080 : 0, null)),
                null, null, null, null, null, c.etpLocal() ? TrafficPolicy.LOCAL : TrafficPolicy.CLUSTER,
                c.itpLocal() ? TrafficPolicy.LOCAL : TrafficPolicy.CLUSTER, 0, false, null, null);
        EndpointSliceInfo slice = new EndpointSliceInfo("svc-1", key, IpFamily.IPV4, eps,
                List.of(new EndpointPort("p", Protocol.TCP, 80, null)), null);
        List<ServicePortState> states = new DesiredStateBuilder(NODE).build(svc, List.of(slice), IpFamily.IPV4,
                c.zone() == null || c.zone().isEmpty() ? null : c.zone());
        assertThat(states).hasSize(1);
        return states.get(0);
    }

    private static List<String> names(String csv) {
        return csv.isEmpty() ? List.of() : Arrays.asList(csv.split(","));
    }

    private static String addresses(List<Endpoint> eps) {
        return String.join(" ", eps.stream().sorted().map(e -> e.ip().getHostAddress()).toList());
    }
}
