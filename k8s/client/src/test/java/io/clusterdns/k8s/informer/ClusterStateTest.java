package io.clusterdns.k8s.informer;

import static io.clusterdns.k8s.informer.Fixtures.endpoint;
import static io.clusterdns.k8s.informer.Fixtures.namespace;
import static io.clusterdns.k8s.informer.Fixtures.service;
import static io.clusterdns.k8s.informer.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.convert.EndpointSliceConverter;
import io.clusterdns.k8s.convert.NamespaceConverter;
import io.clusterdns.k8s.convert.ServiceConverter;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.SnapshotDelta;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterState}: which batches of object changes become which snapshot deltas, without
 * threads or an API server. Namespaces team-a and team-b; services web 10.96.0.20 and api
 * 10.96.0.21; pod addresses 10.244.1.0/24.
 */
class ClusterStateTest {
    private static final ServiceKey WEB_A = ServiceKey.of("team-a", "web");
    private static final ServiceKey API_A = ServiceKey.of("team-a", "api");
    private static final ServiceInfo WEB = ServiceConverter.convert(service("team-a", "web", "10.96.0.20", 80));
    private static final ServiceInfo API = ServiceConverter.convert(service("team-a", "api", "10.96.0.21", 80));
    private static final NamespaceInfo TEAM_A = NamespaceConverter.convert(namespace("team-a", Map.of("dns", "on")));

    private final PendingChanges pending = new PendingChanges();

    private static EndpointSliceInfo slice(String service, String ip) {
        return EndpointSliceConverter.convert(Fixtures.slice("team-a", "shared-x1y2z", service, endpoint(ip, true))).orElseThrow();
    }

    private static ObjectRef sliceRef() {
        return new ObjectRef("team-a", "shared-x1y2z");
    }

    @Test
    void anUnchangedRecordIsNoChange() {
        ClusterState state = new ClusterState(false);
        pending.service(WEB_A, WEB);
        state.apply(pending.drain());

        pending.service(WEB_A, ServiceConverter.convert(service("team-a", "web", "10.96.0.20", 80)));
        pending.service(API_A, null);

        assertThat(state.apply(pending.drain()).isEmpty()).isTrue();
    }

    @Test
    void laterChangesOfOneObjectReplaceEarlierOnes() {
        ClusterState state = new ClusterState(false);
        pending.service(WEB_A, WEB);
        pending.service(WEB_A, null);
        pending.service(API_A, API);

        SnapshotDelta delta = state.apply(pending.drain());

        assertThat(delta.services()).containsOnlyKeys(API_A);
        assertThat(state.count(WatchedKind.SERVICES)).isEqualTo(1);
    }

    @Test
    void aSliceMovingToAnotherServiceLeavesTheOldOne() {
        ClusterState state = new ClusterState(false);
        pending.slice(sliceRef(), slice("web", "10.244.1.5"));
        state.apply(pending.drain());
        ClusterSnapshot first = state.snapshot(1, Instant.EPOCH);

        pending.slice(sliceRef(), slice("api", "10.244.1.5"));
        ClusterSnapshot next = first.apply(state.apply(pending.drain()), Instant.EPOCH);

        assertThat(next.slices(WEB_A)).isEmpty();
        assertThat(next.slices(API_A)).hasSize(1);
        assertThat(next.changes().services()).containsExactlyInAnyOrder(WEB_A, API_A);
        assertThat(state.count(WatchedKind.ENDPOINT_SLICES)).isEqualTo(1);
    }

    @Test
    void withoutANamespaceFilterEverythingIsVisible() {
        ClusterState state = new ClusterState(false);
        pending.service(WEB_A, WEB);
        state.apply(pending.drain());

        assertThat(state.snapshot(1, Instant.EPOCH).services()).containsOnlyKeys(WEB_A);
    }

    @Test
    void withANamespaceFilterObjectsFollowTheirNamespace() {
        ClusterState state = new ClusterState(true);
        pending.service(WEB_A, WEB);
        pending.slice(sliceRef(), slice("web", "10.244.1.5"));
        assertThat(state.apply(pending.drain()).isEmpty()).as("team-a does not match (yet)").isTrue();
        ClusterSnapshot hidden = state.snapshot(1, Instant.EPOCH);
        assertThat(hidden.services()).isEmpty();

        pending.namespace("team-a", TEAM_A);
        ClusterSnapshot shown = hidden.apply(state.apply(pending.drain()), Instant.EPOCH);
        assertThat(shown.services()).containsOnlyKeys(WEB_A);
        assertThat(shown.slices(WEB_A)).hasSize(1);
        assertThat(shown.namespaces()).containsOnlyKeys("team-a");

        pending.namespace("team-a", NamespaceConverter.convert(namespace("team-a", Map.of("dns", "on", "owner", "x"))));
        SnapshotDelta relabelled = state.apply(pending.drain());
        assertThat(relabelled.services()).as("still matching: only the namespace changed").isEmpty();

        pending.namespace("team-a", null);
        pending.service(API_A, API);
        ClusterSnapshot gone = shown.apply(state.apply(pending.drain()), Instant.EPOCH);
        assertThat(gone.services()).isEmpty();
        assertThat(gone.slicesByService()).isEmpty();
        assertThat(gone.namespaces()).isEmpty();
        assertThat(state.count(WatchedKind.SERVICES)).as("held, not published").isEqualTo(2);
    }
}
