package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hand-off between informer callbacks (several threads, one per informer) and the single
 * publisher thread. Callbacks only record the latest converted state of an object (empty =
 * deleted); a burst of events for one object coalesces to its last state. The publisher drains
 * everything at once.
 */
final class PendingChanges {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Batch batch = new Batch();

    void service(ServiceKey key, ServiceInfo value) {
        record(() -> batch.services.put(key, Optional.ofNullable(value)));
    }

    void slice(ObjectRef ref, EndpointSliceInfo value) {
        record(() -> batch.slices.put(ref, Optional.ofNullable(value)));
    }

    void pod(ObjectRef ref, PodInfo value) {
        record(() -> batch.pods.put(ref, Optional.ofNullable(value)));
    }

    void namespace(String name, NamespaceInfo value) {
        record(() -> batch.namespaces.put(name, Optional.ofNullable(value)));
    }

    void node(String name, NodeInfo value) {
        record(() -> batch.nodes.put(name, Optional.ofNullable(value)));
    }

    void serviceCidr(String name, ServiceCidrInfo value) {
        record(() -> batch.serviceCidrs.put(name, Optional.ofNullable(value)));
    }

    /** A ServiceImport by its own namespace/name (null value: deleted, or without spec). */
    void serviceImport(ObjectRef ref, ServiceImportInfo value) {
        record(() -> batch.serviceImports.put(ref, Optional.ofNullable(value)));
    }

    void importedSlice(ObjectRef ref, ImportedSliceInfo value) {
        record(() -> batch.importedSlices.put(ref, Optional.ofNullable(value)));
    }

    private void record(Runnable put) {
        lock.lock();
        try {
            if (batch.isEmpty()) {
                batch.firstChangeNanos = System.nanoTime();
            }
            put.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Takes every recorded change; the next ones go into a new batch. */
    Batch drain() {
        lock.lock();
        try {
            Batch out = batch;
            batch = new Batch();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a change is pending, at most {@code nanos} (Long.MAX_VALUE = no limit).
     *
     * @return true if a change is pending
     */
    boolean await(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (batch.isEmpty()) {
                if (nanos == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    if (left <= 0) {
                        return false;
                    }
                    left = changed.awaitNanos(left);
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Latest state per object since the last drain, in arrival order. */
    static final class Batch {
        final Map<ServiceKey, Optional<ServiceInfo>> services = new LinkedHashMap<>();
        final Map<ObjectRef, Optional<EndpointSliceInfo>> slices = new LinkedHashMap<>();
        final Map<ObjectRef, Optional<PodInfo>> pods = new LinkedHashMap<>();
        final Map<String, Optional<NamespaceInfo>> namespaces = new LinkedHashMap<>();
        final Map<String, Optional<NodeInfo>> nodes = new LinkedHashMap<>();
        final Map<String, Optional<ServiceCidrInfo>> serviceCidrs = new LinkedHashMap<>();
        final Map<ObjectRef, Optional<ServiceImportInfo>> serviceImports = new LinkedHashMap<>();
        final Map<ObjectRef, Optional<ImportedSliceInfo>> importedSlices = new LinkedHashMap<>();
        /** System.nanoTime() of the first change in this batch. */
        long firstChangeNanos;

        boolean isEmpty() {
            return services.isEmpty() && slices.isEmpty() && pods.isEmpty() && namespaces.isEmpty()
                    && serviceImports.isEmpty() && importedSlices.isEmpty() && nodes.isEmpty() && serviceCidrs.isEmpty();
        }

        int size() {
            return services.size() + slices.size() + pods.size() + namespaces.size() + serviceImports.size() + importedSlices.size() + nodes.size()
                    + serviceCidrs.size();
        }

        long ageNanos(long now) {
            return isEmpty() ? 0 : now - firstChangeNanos;
        }
    }
}
