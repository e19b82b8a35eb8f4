package io.clusterdns.k8s;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where each informer is on the way to the first complete view, for a {@code /ready} endpoint
 * and for the log lines while waiting.
 *
 * @param synced true once the first snapshot has been published ({@link ClusterSource#hasSynced()})
 * @param kinds  the state of every started informer, in {@link WatchedKind} order
 */
public record SyncStatus(boolean synced, Map<WatchedKind, State> kinds) {

    /** One informer's progress. */
    public enum State {
        /** Its first list has not been fully delivered yet. */
        WAITING("waiting"),
        /** Its first list has been delivered; later lists and watch events keep coming. */
        SYNCED("synced"),
        /** It stopped for good; see {@link ClusterSource#health()}. */
        FAILED("failed");

        private final String text;

        State(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    public SyncStatus {
        kinds = Collections.unmodifiableMap(kinds.isEmpty() ? new EnumMap<>(WatchedKind.class) : new EnumMap<>(kinds));
    }

    /** {@code "services synced, endpointslices waiting, namespaces synced"}. */
    public String describe() {
        StringJoiner out = new StringJoiner(", ");
        kinds.forEach((kind, state) -> out.add(kind.resource() + " " + state));
        return out.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
