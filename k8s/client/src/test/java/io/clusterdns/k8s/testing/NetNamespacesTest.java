package io.clusterdns.k8s.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which namespaces {@link NetNamespaces#deleteLeftovers()} may take: only those of ended runs. */
class NetNamespacesTest {
    private static String owner(long pid) {
        return Long.toString(pid, 36) + ".a1b-dns";
    }

    @Test
    void aRunStillGoingInAnotherJvmKeepsItsNamespaces() throws Exception {
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            assertThat(NetNamespaces.ownedByAnotherLiveJvm(owner(other.pid()))).isTrue();
        } finally {
            other.destroy();
            other.waitFor();
        }
        assertThat(NetNamespaces.ownedByAnotherLiveJvm(owner(other.pid()))).as("its JVM has ended: a leftover").isFalse();
    }

    @Test
    void thisJvmsOwnAndOlderNamesAreLeftovers() {
        assertThat(NetNamespaces.ownedByAnotherLiveJvm(owner(ProcessHandle.current().pid()))).isFalse();
        assertThat(NetNamespaces.ownedByAnotherLiveJvm("1a3744-dns")).as("the earlier scheme, no PID").isFalse();
        assertThat(NetNamespaces.ownedByAnotherLiveJvm("zz!.a1b-dns")).isFalse();
    }
}
