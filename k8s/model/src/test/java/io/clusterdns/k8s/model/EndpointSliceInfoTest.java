package io.clusterdns.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link EndpointSliceInfo#sharingPodNames}: endpoints take the pod's own name String, and nothing
 * else changes; endpoints kept as columns read back as the endpoints given.
 */
class EndpointSliceInfoTest {
    private static final ServiceKey WEB = ServiceKey.of("team-a", "web");

    private static EndpointInfo endpoint(String ip, String pod) throws Exception {
        return new EndpointInfo(InetAddress.getByName(ip), null, "node-1", "zone-a", true, true, false, pod);
    }

    private static EndpointSliceInfo slice(EndpointInfo... endpoints) {
        return new EndpointSliceInfo("web-x1y2z", WEB, IpFamily.IPV4, List.of(endpoints), List.of(), null);
    }

    @Test
    void endpointsTakeTheGivenInstancesOfTheirPodNames() throws Exception {
        String web0 = "web-0";
        EndpointSliceInfo one = slice(endpoint("10.244.1.5", new String(web0)));
        EndpointSliceInfo shared = one.sharingPodNames(name -> name.equals(web0) ? web0 : null);
        assertThat(shared).isEqualTo(one).isNotSameAs(one);
        assertThat(shared.endpoint(0).targetPodName()).isSameAs(web0);

        String web1 = "web-1";
        EndpointSliceInfo three = slice(endpoint("10.244.1.5", new String(web0)), endpoint("10.244.1.6", null),
                endpoint("10.244.1.7", new String(web1)));
        EndpointSliceInfo both = three.sharingPodNames(name -> name.equals(web0) ? web0 : name.equals(web1) ? web1 : null);
        assertThat(both).isEqualTo(three);
        assertThat(both.endpoint(0).targetPodName()).isSameAs(web0);
        assertThat(both.endpoint(1).targetPodName()).isNull();
        assertThat(both.endpoint(2).targetPodName()).isSameAs(web1);
        assertThat(both.endpoint(1)).isSameAs(three.endpoint(1));
        // already shared, or no pod known: the slice itself
        assertThat(both.sharingPodNames(name -> name.equals(web0) ? web0 : name.equals(web1) ? web1 : null)).isSameAs(both);
        assertThat(three.sharingPodNames(name -> null)).isSameAs(three);
    }

    @Test
    void aNameThatIsNotTheEndpointsIsRefused() throws Exception {
        EndpointSliceInfo one = slice(endpoint("10.244.1.5", "web-0"));
        assertThatThrownBy(() -> one.sharingPodNames(name -> "web-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("web-1");
    }

    @Test
    void endpointsKeptAsColumnsReadBackAsGiven() throws Exception {
        List<EndpointInfo> plain = List.of(endpoint("10.244.1.5", null), endpoint("10.244.1.6", null),
                new EndpointInfo(InetAddress.getByName("10.244.2.7"), null, "node-2", null, false, true, true, null));
        EndpointSliceInfo columns = slice(plain.toArray(EndpointInfo[]::new));
        assertThat(columns.endpointCount()).isEqualTo(3);
        assertThat(columns.endpoints()).isEqualTo(plain);
        for (int i = 0; i < plain.size(); i++) {
            EndpointInfo e = columns.endpoint(i);
            assertThat(e).isEqualTo(plain.get(i)).hasSameHashCodeAs(plain.get(i));
            assertThat(e.address()).isEqualTo(plain.get(i).address());
            assertThat(e.nodeName()).isEqualTo(plain.get(i).nodeName());
            assertThat(e.terminating()).isEqualTo(plain.get(i).terminating());
        }
        assertThatThrownBy(() -> columns.endpoint(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(columns.sharingPodNames(name -> name)).isSameAs(columns);

        // the same endpoints with one that has a pod name: objects, and still equal endpoint for endpoint
        EndpointSliceInfo objects = slice(endpoint("10.244.1.5", "web-0"), plain.get(1), plain.get(2));
        assertThat(objects.endpoints().subList(1, 3)).isEqualTo(plain.subList(1, 3));
        assertThat(objects).isNotEqualTo(columns);
        assertThat(slice(plain.toArray(EndpointInfo[]::new))).isEqualTo(columns).hasSameHashCodeAs(columns);
    }
}
