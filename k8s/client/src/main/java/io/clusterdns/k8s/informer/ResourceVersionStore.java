package io.clusterdns.k8s.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * An informer item store that keeps only each object's key and resourceVersion: all an informer
 * needs to tell changes from relists and to find deletions. The objects themselves are converted
 * once into records and dropped. fabric8's {@code ReducedStateItemStore} does the same but first
 * converts every object into a generic map, on every event; this costs about 60 bytes per object
 * ({@link VersionTable}) and nothing per event.
 */
final class ResourceVersionStore<T extends HasMetadata> implements ItemStore<T> {
    private final VersionTable versions = new VersionTable();
    private final Supplier<T> emptyObject;
    private final CallbackBacklog backlog;

    /**
     * @param emptyObject makes an empty object of the kind, e.g. {@code Service::new}
     * @param backlog     told of every object fabric8 will queue for the callbacks (new, or with
     *                    another resourceVersion); it makes the list/watch thread wait while too many are queued
     */
    ResourceVersionStore(Supplier<T> emptyObject, CallbackBacklog backlog) {
        this.emptyObject = emptyObject;
        this.backlog = backlog;
    }

    @Override
    public String getKey(T object) {
        return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public T put(String key, T object) {
        String version = object.getMetadata().getResourceVersion();
        String stored = version == null ? "" : version;
        // the parts of the key (as Cache.metaNamespaceKeyFunc joins them), the metadata's own Strings
        String namespace = object.getMetadata().getNamespace();
        String old = versions.put(namespace == null || namespace.isEmpty() ? null : namespace, object.getMetadata().getName(), stored);
        if (!stored.equals(old)) {
            // fabric8 queues an add or update event for this one (an equal resourceVersion is a relist: no event)
            backlog.stored();
        }
        return restore(key, old);
    }

    @Override
    public T remove(String key) {
        return restore(key, versions.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return versions.keys().stream();
    }

    @Override
    public Stream<T> values() {
        return versions.entries().stream().map(e -> restore(e.namespace(), e.name(), e.version()));
    }

    /** How many objects are stored, without listing their keys (each made anew: {@link VersionTable#keys}). */
    int count() {
        return versions.size();
    }

    @Override
    public int size() {
        return versions.size();
    }

    @Override
    public T get(String key) {
        return restore(key, versions.get(key));
    }

    /** Not the full objects: fabric8 then announces adds at once instead of after the whole list. */
    @Override
    public boolean isFullState() {
        return false;
    }

    /** A stand-in object carrying only namespace, name and resourceVersion (the key is namespace/name, or name). */
    private T restore(String key, String version) {
        if (version == null) {
            return null;
        }
        int slash = key.indexOf('/');
        return restore(slash < 0 ? null : key.substring(0, slash), slash < 0 ? key : key.substring(slash + 1), version);
    }

    private T restore(String namespace, String name, String version) {
        T object = emptyObject.get();
        object.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withResourceVersion(version.isEmpty() ? null : version)
                .build());
        return object;
    }
}
