package io.clusterdns.k8s.informer;

import static io.clusterdns.k8s.informer.Fixtures.endpoint;
import static io.clusterdns.k8s.informer.Fixtures.namespace;
import static io.clusterdns.k8s.informer.Fixtures.service;
import static io.clusterdns.k8s.informer.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.convert.EndpointSliceConverter;
import io.clusterdns.k8s.convert.NamespaceConverter;
import io.clusterdns.k8s.convert.PodConverter;
import io.clusterdns.k8s.convert.ServiceConverter;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.SnapshotDelta;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import java.net.InetAddress;
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

    /** The pod web-0 at {@code ip}; its name a String of its own, as each object read from the API brings. */
    private static PodInfo pod(String ip) {
        return PodConverter.convertSlim(Fixtures.pod("team-a", new String("web-0"), ip));
    }

    /** A slice of web with one endpoint whose targetRef is the pod web-0, the name a String of its own. */
    private static EndpointSliceInfo sliceWithPod() {
        Endpoint ep = endpoint("10.244.1.5", true);
        ep.setTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace("team-a").withName(new String("web-0")).build());
        return EndpointSliceConverter.convert(Fixtures.slice("team-a", "shared-x1y2z", "web", ep)).orElseThrow();
    }

    private static final ObjectRef WEB_0 = new ObjectRef("team-a", "web-0");

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void aRecordEqualToTheHeldOneLeavesTheHeldOneInTheSnapshots() throws Exception {
        ClusterState state = new ClusterState(false);
        pending.service(WEB_A, WEB);
        pending.pod(WEB_0, pod("10.244.1.5"));
        state.apply(pending.drain());
        ClusterSnapshot first = state.snapshot(1, Instant.EPOCH);

        // a pod's status update that changes nothing DNS keeps, a service's annotation: equal records, new instances
        pending.service(WEB_A, ServiceConverter.convert(service("team-a", "web", "10.96.0.20", 80)));
        pending.pod(WEB_0, pod("10.244.1.5"));
        assertThat(state.apply(pending.drain()).isEmpty()).isTrue();

        // what the state holds is what the snapshots hold: one copy of each object
        ClusterSnapshot again = state.snapshot(2, Instant.EPOCH);
        assertThat(again.service(WEB_A)).isSameAs(first.service(WEB_A));
        assertThat(again.podsByIP(ip("10.244.1.5")).get(0)).isSameAs(first.podsByIP(ip("10.244.1.5")).get(0));
    }

    @Test
    void anEndpointSharesThePodsNameString() throws Exception {
        ClusterState state = new ClusterState(false);
        EndpointSliceInfo slice = sliceWithPod();
        PodInfo pod = pod("10.244.1.5");
        assertThat(slice.endpoint(0).targetPodName()).isEqualTo(pod.name()).isNotSameAs(pod.name());
        pending.service(WEB_A, WEB);
        pending.slice(sliceRef(), slice);
        pending.pod(WEB_0, pod);
        state.apply(pending.drain());

        ClusterSnapshot s = state.snapshot(1, Instant.EPOCH);
        assertThat(s.slices(WEB_A).get(0).endpoint(0).targetPodName()).isSameAs(s.podsByIP(ip("10.244.1.5")).get(0).name());
        assertThat(s.slices(WEB_A).get(0)).isEqualTo(slice);
    }

    @Test
    void aSliceReceivedBeforeItsPodSharesTheNameFromTheFirstSnapshotOn() throws Exception {
        ClusterState state = new ClusterState(false);
        pending.service(WEB_A, WEB);
        pending.slice(sliceRef(), sliceWithPod());
        state.apply(pending.drain());
        pending.pod(WEB_0, pod("10.244.1.5"));
        state.apply(pending.drain());

        ClusterSnapshot s = state.snapshot(1, Instant.EPOCH);
        assertThat(s.slices(WEB_A).get(0).endpoint(0).targetPodName()).isSameAs(s.podsByIP(ip("10.244.1.5")).get(0).name());
    }

    @Test
    void aChangedPodAndALaterSliceKeepSharingTheName() throws Exception {
        ClusterState state = new ClusterState(false);
        pending.service(WEB_A, WEB);
        pending.slice(sliceRef(), sliceWithPod());
        pending.pod(WEB_0, pod("10.244.1.5"));
        state.apply(pending.drain());
        ClusterSnapshot first = state.snapshot(1, Instant.EPOCH);
        String name = first.podsByIP(ip("10.244.1.5")).get(0).name();

        // the pod changes (a new address), then its slice does (the endpoint moves to it)
        pending.pod(WEB_0, pod("10.244.1.6"));
        ClusterSnapshot second = first.apply(state.apply(pending.drain()), Instant.EPOCH);
        assertThat(second.podsByIP(ip("10.244.1.6")).get(0).name()).isSameAs(name);

        Endpoint moved = endpoint("10.244.1.6", true);
        moved.setTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace("team-a").withName(new String("web-0")).build());
        pending.slice(sliceRef(), EndpointSliceConverter.convert(Fixtures.slice("team-a", "shared-x1y2z", "web", moved)).orElseThrow());
        ClusterSnapshot third = second.apply(state.apply(pending.drain()), Instant.EPOCH);
        assertThat(third.slices(WEB_A).get(0).endpoint(0).targetPodName()).isSameAs(name);
    }

    /** The service web as the API sends it again: an equal record whose key is an instance of its own. */
    private static ServiceInfo webAgain(int port) {
        return ServiceConverter.convert(service("team-a", new String("web"), "10.96.0.20", port));
    }

    @Test
    void aSliceNamesItsServiceByTheServicesOwnKey() {
        ClusterState state = new ClusterState(false);
        pending.service(WEB_A, WEB);
        state.apply(pending.drain());
        EndpointSliceInfo slice = slice("web", "10.244.1.5");
        assertThat(slice.service()).isEqualTo(WEB.key()).isNotSameAs(WEB.key());
        pending.slice(sliceRef(), slice);
        ClusterSnapshot s = state.snapshot(1, Instant.EPOCH).apply(state.apply(pending.drain()), Instant.EPOCH);
        assertThat(s.slices(WEB_A).get(0).service()).isSameAs(s.service(WEB_A).key());
        assertThat(s.slices(WEB_A).get(0)).isEqualTo(slice);
    }

    @Test
    void aSliceReceivedBeforeItsServiceSharesTheKeyFromTheFirstSnapshotOn() {
        ClusterState state = new ClusterState(false);
        pending.slice(sliceRef(), slice("web", "10.244.1.5"));
        state.apply(pending.drain());
        pending.service(WEB_A, WEB);
        state.apply(pending.drain());

        ClusterSnapshot s = state.snapshot(1, Instant.EPOCH);
        assertThat(s.slices(WEB_A).get(0).service()).isSameAs(s.service(WEB_A).key());
    }

    @Test
    void aChangedServiceKeepsTheKeyItsSlicesHold() {
        ClusterState state = new ClusterState(false);
        pending.service(WEB_A, WEB);
        pending.slice(sliceRef(), slice("web", "10.244.1.5"));
        state.apply(pending.drain());
        ClusterSnapshot first = state.snapshot(1, Instant.EPOCH);
        ServiceKey key = first.service(WEB_A).key();

        ServiceInfo changed = webAgain(8080);
        assertThat(changed.key()).isEqualTo(key).isNotSameAs(key);
        pending.service(WEB_A, changed);
        ClusterSnapshot second = first.apply(state.apply(pending.drain()), Instant.EPOCH);
        assertThat(second.service(WEB_A)).isEqualTo(changed);
        assertThat(second.service(WEB_A).key()).isSameAs(key);
        assertThat(second.slices(WEB_A).get(0).service()).isSameAs(key);
    }
}
