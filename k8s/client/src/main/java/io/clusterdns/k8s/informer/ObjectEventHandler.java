package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.convert.ConversionException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer's callbacks: convert once and record; nothing else happens on the informer's
 * thread. Until the informer has synced it also remembers which keys it delivered, because
 * fabric8 marks an informer synced when its list is stored, while the callbacks for that list
 * are still queued: the first snapshot waits until they have all been recorded.
 */
final class ObjectEventHandler<T extends HasMetadata> implements ResourceEventHandler<T> {
    private static final Logger LOG = LoggerFactory.getLogger(InformerClusterSource.class);

    private final String kindName;
    private final Recorder<T> recorder;
    private final PendingChanges pending;
    private final CallbackBacklog backlog;
    private final AtomicLong conversionErrors = new AtomicLong();
    private volatile Set<String> delivered = ConcurrentHashMap.newKeySet();

    /**
     * @param kindName the object kind as users write it ({@code Service}), for log lines
     * @param backlog  told when an added or updated object has been dealt with
     */
    ObjectEventHandler(String kindName, Recorder<T> recorder, PendingChanges pending, CallbackBacklog backlog) {
        this.kindName = kindName;
        this.recorder = recorder;
        this.pending = pending;
        this.backlog = backlog;
    }

    @Override
    public void onAdd(T object) {
        try {
            record(object);
            track(object, true);
        } finally {
            backlog.converted();
        }
    }

    @Override
    public void onUpdate(T old, T object) {
        try {
            // the informer's store keeps only resourceVersions; an equal one is a relist of an unchanged object
            // (fabric8 sends no event for those; this keeps it so if it did)
            if (old != null && old.getMetadata() != null
                    && Objects.equals(old.getMetadata().getResourceVersion(), object.getMetadata().getResourceVersion())) {
                return;
            }
            record(object);
            track(object, true);
        } finally {
            backlog.converted();
        }
    }

    @Override
    public void onDelete(T object, boolean finalStateUnknown) {
        // after a relist, object is the store's reduced copy: only its name and namespace are used
        ObjectMeta meta = object.getMetadata();
        recorder.remove(meta.getNamespace(), meta.getName(), pending);
        track(object, false);
    }

    private void record(T object) {
        try {
            recorder.put(object, pending);
        } catch (ConversionException e) {
            skip(object, e.getMessage());
        } catch (RuntimeException e) {
            // a converter bug must not kill the informer's thread; the object is skipped like a bad one
            skip(object, e.toString());
        }
    }

    private void skip(T object, String problem) {
        conversionErrors.incrementAndGet();
        ObjectMeta meta = object.getMetadata();
        String id = meta.getNamespace() == null ? meta.getName() : meta.getNamespace() + "/" + meta.getName();
        LOG.warn("Skipping {} {} (resourceVersion {}): {}; keeping its previous version, if any",
                kindName, id, meta.getResourceVersion(), problem);
    }

    private void track(T object, boolean present) {
        Set<String> keys = delivered;
        if (keys != null) {
            String key = Cache.metaNamespaceKeyFunc(object);
            if (present) {
                keys.add(key);
            } else {
                keys.remove(key);
            }
        }
    }

    /** How many keys went through these callbacks and are still there; {@link Integer#MAX_VALUE} once no longer tracked (as {@link #deliveredAll} is then true). */
    int deliveredCount() {
        Set<String> keys = delivered;
        return keys == null ? Integer.MAX_VALUE : keys.size();
    }

    /** True when every key of the informer's store has been through these callbacks. */
    boolean deliveredAll(Collection<String> storeKeys) {
        Set<String> keys = delivered;
        return keys == null || keys.containsAll(storeKeys);
    }

    /** Called once synced: the key set is only needed until then. */
    void stopTracking() {
        delivered = null;
    }

    long conversionErrors() {
        return conversionErrors.get();
    }
}
