package io.clusterdns.k8s.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.PodInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodsByLabelTest {
    private static final PodInfo WEB_1 = pod("shop", "web-1", Map.of("app", "web", "tier", "front"));
    private static final PodInfo WEB_2 = pod("shop", "web-2", Map.of("app", "web", "tier", "canary"));
    private static final PodInfo DB = pod("shop", "db-0", Map.of("app", "db", "tier", "front"));
    private static final PodInfo OTHER_NS = pod("blog", "web-1", Map.of("app", "web", "tier", "front"));
    private final PodsByLabel index = new PodsByLabel(List.of(WEB_1, WEB_2, DB, OTHER_NS));

    @Test
    void candidatesAreThePodsOfTheNamespaceWithTheSelectorsRarestLabel() {
        // app=web: 2 pods, tier=front: 2 pods, tier=canary: 1 pod
        assertThat(index.candidates("shop", Map.of("app", "web"))).containsExactlyInAnyOrder(WEB_1, WEB_2);
        assertThat(index.candidates("shop", Map.of("app", "web", "tier", "canary"))).containsExactly(WEB_2);
        assertThat(index.candidates("blog", Map.of("app", "web"))).containsExactly(OTHER_NS);
    }

    @Test
    void aSupersetOfTheMatchesThatTheDeriverNarrowsDown() {
        Map<String, String> selector = Map.of("app", "web", "tier", "front");
        List<PodInfo> candidates = index.candidates("shop", selector);
        assertThat(candidates).contains(WEB_1);
        assertThat(candidates.stream().filter(p -> EndpointsDeriver.matches(selector, p.labels()))).containsExactly(WEB_1);
    }

    @Test
    void noPodCarriesTheLabelOrTheNamespaceHasNoPods() {
        assertThat(index.candidates("shop", Map.of("app", "cache"))).isEmpty();
        assertThat(index.candidates("empty", Map.of("app", "web"))).isEmpty();
    }

    @Test
    void anEmptySelectorGetsEveryPodOfTheNamespace() {
        assertThat(index.candidates("shop", Map.of())).containsExactlyInAnyOrder(WEB_1, WEB_2, DB);
    }

    private static PodInfo pod(String namespace, String name, Map<String, String> labels) {
        return new PodInfo(namespace, name, List.of(), null, null, "node-1", labels, "Running", true, false, List.of());
    }
}
