package io.clusterdns.k8s;

import java.time.Duration;
import java.util.List;

/**
 * What one publish did, given to {@link ClusterSource#onPublish} listeners after
 * every snapshot listener has returned (so a listener that programs synchronously, such as the
 * DNS zone index, is included in the latencies).
 *
 * @param version              the published snapshot's version
 * @param first                true for the first (complete) snapshot, which has no latencies
 * @param changedObjects       objects put or removed by this publish
 * @param queued               from the oldest change in it being received to its publication
 *                             (coalescing plus applying)
 * @param programmingLatencies per changed EndpointSlice carrying the
 *                             {@code endpoints.kubernetes.io/last-change-trigger-time} annotation:
 *                             from that time (the Pod or Service change that caused it) to the end
 *                             of this publish; what kube-proxy reports as network programming latency
 */
public record PublishReport(
        long version,
        boolean first,
        int changedObjects,
        Duration queued,
        List<Duration> programmingLatencies) {

    public PublishReport {
        programmingLatencies = List.copyOf(programmingLatencies);
    }
}
