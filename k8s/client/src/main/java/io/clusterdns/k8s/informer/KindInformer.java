package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.SyncStatus;
import io.clusterdns.k8s.WatchedKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One fabric8 shared informer (list + watch of one kind) with the clusterdns settings: lists in
 * pages, a resourceVersion-only item store, no namespace index, retries decided by
 * {@link InformerFailures}, and callbacks that only record converted objects.
 *
 * <p>Memory through a (re)list: fabric8 deserializes one list response at a time, stores each
 * page and queues its events before it asks for the next page. Unpaged, a relist of a large
 * cluster holds every object of the kind as a fabric8 object (and the list response) at once, on
 * top of the records the last snapshot holds; paged, one page, while the callbacks convert what
 * changed and drop the rest (an unchanged resourceVersion is not even converted). fabric8 does
 * not wait for the callbacks before the next page, so the store also holds the list back while a
 * page's worth of objects waits for them ({@link CallbackBacklog}).
 */
final class KindInformer<T extends HasMetadata> {
    private final WatchedKind kind;
    private final SharedIndexInformer<T> informer;
    private final ObjectEventHandler<T> handler;
    private final ResourceVersionStore<T> store;
    private volatile boolean synced;
    private final InformerFailures failures;
    private volatile String failure;

    KindInformer(WatchedKind kind, String kindName, Informable<T> source, Supplier<T> emptyObject,
                 Recorder<T> recorder, PendingChanges pending, int pageSize) {
        this.kind = kind;
        this.failures = new InformerFailures(kind);
        // at most a page of objects queued for the callbacks (see CallbackBacklog)
        CallbackBacklog backlog = new CallbackBacklog(pageSize);
        this.handler = new ObjectEventHandler<>(kindName, recorder, pending, backlog);
        // resync period 0: periodic resyncs would only re-announce unchanged objects
        Informable<T> paged = pageSize > 0 ? source.withLimit((long) pageSize) : source;
        this.informer = paged.runnableInformer(0);
        informer.removeNamespaceIndex();
        this.store = new ResourceVersionStore<>(emptyObject, backlog);
        informer.itemStore(store);
        informer.exceptionHandler(failures);
        informer.addEventHandler(handler);
    }

    /**
     * Watches are closed and opened again after a random time between {@code min} and twice that
     * ({@link InformerConfig#watchTimeout}), so that a watch that went silent is replaced within a
     * bounded time. fabric8's reflector has the setting (5 min) but its informer keeps the
     * reflector private, hence the reflection; should a fabric8 upgrade move it, one warning and
     * fabric8's 5 min remain.
     */
    void recycleWatchesAfter(java.time.Duration min) {
        try {
            java.lang.reflect.Field f = informer.getClass().getDeclaredField("reflector");
            f.setAccessible(true);
            ((io.fabric8.kubernetes.client.informers.impl.cache.Reflector<?, ?>) f.get(informer)).setMinTimeout(min.toSeconds());
        } catch (ReflectiveOperationException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(InformerClusterSource.class).warn(
                    "{}: cannot set the watch timeout to {} s (fabric8 keeps its 5 min): {}", kind.label(), min.toSeconds(), e.toString());
        }
    }

    /**
     * Starts listing and watching in the background; {@code onFailure} is called once, on a
     * fabric8 thread, with the reason if the informer stops for good.
     */
    void start(Consumer<String> onFailure) {
        informer.stopped().whenComplete((ignored, error) -> {
            if (error != null) {
                failure = InformerFailures.reason(kind, error);
                onFailure.accept(failure);
            }
        });
        informer.start();
    }

    /**
     * True once the informer's first list is stored and every object of it has been through the
     * callbacks (hence recorded), or the API server said an optional kind does not exist (no
     * objects to wait for). Stays true across later relists.
     */
    boolean synced() {
        if (synced) {
            return true;
        }
        // polled every few ms until true: the store's keys (a String made for each) are listed only
        // once as many objects went through the callbacks as are stored
        boolean listed = informer.hasSynced() && handler.deliveredCount() >= store.count()
                && handler.deliveredAll(informer.getStore().listKeys());
        if (!listed && !failures.absent()) {
            return false;
        }
        synced = true;
        handler.stopTracking();
        return true;
    }

    SyncStatus.State state() {
        if (failure != null) {
            return SyncStatus.State.FAILED;
        }
        return synced() ? SyncStatus.State.SYNCED : SyncStatus.State.WAITING;
    }

    /** While not synced: the last list/watch error that is being retried, else null. */
    String lastRetried() {
        return synced ? null : failures.lastRetried();
    }

    /** Why the informer stopped for good, null while it runs. */
    String failure() {
        return failure;
    }

    /**
     * True while a watch is open; false while (re)listing or reconnecting. An optional kind the
     * API server does not have counts as watched: there is nothing to follow, and nothing to alert on.
     */
    boolean watching() {
        return informer.isWatching() || failures.absent();
    }

    WatchedKind kind() {
        return kind;
    }

    long conversionErrors() {
        return handler.conversionErrors();
    }

    void stop() {
        failures.stopping();
        informer.stop();
    }
}
