package io.clusterdns.server.plugin.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When the heap is compacted ({@code MemoryFootprint.afterFullSnapshot}): once a complete snapshot
 * is in an index. The server's start publishes the first snapshot (a persisted one) before the
 * chain attaches its index, whose build then makes the garbage a compaction is for.
 */
class SnapshotApplierTest {
    private final AtomicInteger compactions = new AtomicInteger();
    private final SnapshotApplier applier = new SnapshotApplier(new SimpleMeterRegistry(), compactions::incrementAndGet);

    @Test
    void aFullSnapshotWithNoIndexYetWaitsForTheFirstIndexBuiltFromIt() {
        applier.accept(KubernetesPluginTest.web(1, "10.96.45.100"));
        assertThat(compactions).as("nothing indexed yet").hasValue(0);

        Resolver resolver = new Resolver(ResolverConfig.defaults());
        applier.attach(resolver);
        assertThat(resolver.version()).isEqualTo(1);
        assertThat(compactions).as("the index was built from the whole snapshot").hasValue(1);

        applier.accept(KubernetesPluginTest.web(2, "10.96.45.101"));
        assertThat(compactions).as("a later complete snapshot, applied to the index").hasValue(2);
    }

    @Test
    void anIndexAttachedBeforeAnySnapshotIsNoCompaction() {
        applier.attach(new Resolver(ResolverConfig.defaults()));
        assertThat(compactions).hasValue(0);

        applier.accept(KubernetesPluginTest.web(1, "10.96.45.100"));
        assertThat(compactions).hasValue(1);
    }
}
