package io.clusterdns.k8s;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of an {@link ClusterSource}, for metrics (the servers register meters over
 * {@link ClusterSource#stats()}; this module stays free of a metrics library).
 *
 * @param snapshotsPublished snapshots published since start (the first one included)
 * @param version            version of the current snapshot, 0 before the first
 * @param lastPublished      when the current snapshot was published, null before the first
 * @param objects            objects currently known per kind, as received from the API server
 *                           (objects of namespaces filtered out by namespace labels included)
 * @param watching           per kind, whether its watch is open right now. False for long means
 *                           the API server is unreachable or refuses the watch (fabric8 retries a
 *                           refused watch for ever, and the source stays healthy so that DNS keeps
 *                           serving through API outages): worth an alert, not a restart
 * @param conversionErrors   objects skipped because they could not be converted, since start
 */
public record SourceStats(
        long snapshotsPublished,
        long version,
        Instant lastPublished,
        Map<WatchedKind, Integer> objects,
        Map<WatchedKind, Boolean> watching,
        long conversionErrors) {

    public SourceStats {
        objects = Collections.unmodifiableMap(objects.isEmpty() ? new EnumMap<>(WatchedKind.class) : new EnumMap<>(objects));
        watching = Collections.unmodifiableMap(watching.isEmpty() ? new EnumMap<>(WatchedKind.class) : new EnumMap<>(watching));
    }

    /** Known objects of {@code kind}, 0 when it is not watched. */
    public int objects(WatchedKind kind) {
        return objects.getOrDefault(kind, 0);
    }

    /** Whether {@code kind}'s watch is open, false when it is not watched. */
    public boolean watching(WatchedKind kind) {
        return watching.getOrDefault(kind, false);
    }
}
