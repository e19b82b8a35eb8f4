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
 * @param lastError before the first snapshot: the last error being retried (e.g. {@code Connection
 *               refused}), so that "waiting" says what it waits for; null otherwise
 */
public record SyncStatus(boolean synced, Map<WatchedKind, State> kinds, String lastError) {

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

    /** Without a last error. */
    public SyncStatus(boolean synced, Map<WatchedKind, State> kinds) {
        this(synced, kinds, null);
    }

    /** {@code "services synced, endpointslices waiting, namespaces synced"}, then {@code "; last error: ..."} when there is one. */
    public String describe() {
        StringJoiner out = new StringJoiner(", ");
        kinds.forEach((kind, state) -> out.add(kind.label() + " " + state));
        return lastError == null ? out.toString() : out + "; last error: " + lastError;
    }

    @Override
    public String toString() {
        return describe();
    }
}
