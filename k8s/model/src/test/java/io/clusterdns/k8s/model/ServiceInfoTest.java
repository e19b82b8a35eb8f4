package io.clusterdns.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ServiceInfo}'s compact forms read back as given: the selector naming the service itself. */
class ServiceInfoTest {

    private static ServiceInfo service(String name, Map<String, String> selector) throws Exception {
        return new ServiceInfo(ServiceKey.of("team-a", name), ServiceType.CLUSTER_IP, List.of(InetAddress.getByName("10.96.0.10")),
                false, List.of(IpFamily.IPV4), List.of(), null, List.of(), List.of(), List.of(), SessionAffinity.NONE,
                TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER, 0, false, selector, Map.of());
    }

    @Test
    void selectorsReadBackAsGivenWhateverTheirForm() throws Exception {
        for (Map<String, String> selector : List.of(Map.of("app", "web"), Map.of("app.kubernetes.io/name", "web"),
                Map.of("app", "db"), Map.of("app", "web", "tier", "front"))) {
            ServiceInfo web = service("web", selector);
            ServiceInfo again = service("web", new java.util.HashMap<>(selector));
            assertThat(web.selector()).as("%s", selector).isEqualTo(selector);
            assertThat(again).isEqualTo(web).hasSameHashCodeAs(web);
            assertThat(again.toString()).isEqualTo(web.toString());
            assertThat(web.sharingKey(ServiceKey.of("team-a", "web")).selector()).isEqualTo(selector);
        }
        assertThat(service("web", Map.of("app", "web"))).isNotEqualTo(service("web", Map.of("app", "db")))
                .isNotEqualTo(service("web", Map.of("name", "web")));
        assertThat(service("web", null).selector()).isNull();
        assertThat(service("web", Map.of()).selector()).as("the API's empty selector is none").isNull();
    }
}
