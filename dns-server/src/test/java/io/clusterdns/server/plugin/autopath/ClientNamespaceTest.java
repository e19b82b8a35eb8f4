package io.clusterdns.server.plugin.autopath;

import static io.clusterdns.server.plugin.autopath.Pods.ELEVEN;
import static io.clusterdns.server.plugin.autopath.Pods.TEN;
import static io.clusterdns.server.plugin.autopath.Pods.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.PodInfo;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which namespace the pods having one address put its client in (null: none can be told). */
class ClientNamespaceTest {
    static final String IP = "10.244.1.5";

    static Stream<Arguments> cases() {
        PodInfo runningA = pod("a", "p", IP, "Running", false, TEN);
        return Stream.of(
                Arguments.of("no pod", List.of(), null),
                Arguments.of("one Running pod", List.of(runningA), "a"),
                Arguments.of("one Pending pod with its address", List.of(pod("a", "p", IP, "Pending", false, TEN)), "a"),
                Arguments.of("Succeeded and Failed pods are gone", List.of(pod("a", "p", IP, "Succeeded", false, TEN),
                        pod("b", "q", IP, "Failed", false, ELEVEN)), null),
                Arguments.of("the newest has it", List.of(pod("b", "q", IP, "Running", false, ELEVEN), runningA), "b"),
                Arguments.of("the newest has it, in any order", List.of(runningA, pod("b", "q", IP, "Running", false, ELEVEN)), "b"),
                Arguments.of("a newer Pending pod before an older Running one", List.of(runningA, pod("b", "q", IP, "Pending", false, ELEVEN)), "b"),
                Arguments.of("a known creation time before an unknown one", List.of(pod("b", "q", IP, "Running", false, null), runningA), "a"),
                Arguments.of("equal times: Running first", List.of(pod("b", "q", IP, "Pending", false, TEN), runningA), "a"),
                Arguments.of("a tie between namespaces is ambiguous", List.of(runningA, pod("b", "q", IP, "Running", false, TEN)), null),
                Arguments.of("a tie within one namespace is not", List.of(runningA, pod("a", "q", IP, "Running", false, TEN)), "a"),
                Arguments.of("a tie broken by a newer pod", List.of(runningA, pod("b", "q", IP, "Running", false, TEN),
                        pod("c", "r", IP, "Running", false, ELEVEN)), "c"),
                Arguments.of("a creation time with a fraction of a second", List.of(pod("b", "q", IP, "Running", false,
                        TEN.plusMillis(500)), runningA), "b"),
                Arguments.of("a host-network pod: the node's address", List.of(pod("a", "p", IP, "Running", true, TEN)), null),
                Arguments.of("any host-network pod makes it the node's", List.of(pod("b", "q", IP, "Running", false, ELEVEN),
                        pod("a", "p", IP, "Succeeded", true, TEN)), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tellsTheClientsNamespace(String what, List<PodInfo> pods, String namespace) {
        ClusterSnapshot snapshot = new ClusterSnapshot(1, Instant.EPOCH, List.of(), List.of(), pods, List.of());
        assertThat(ClientNamespace.of(snapshot, IpAddresses.parse(IP))).isEqualTo(namespace);
    }
}
