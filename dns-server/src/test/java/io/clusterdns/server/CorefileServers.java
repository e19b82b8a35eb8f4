package io.clusterdns.server;

import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Servers for the plugins' socket tables, started from a Corefile's text (one UDP socket, port 0). */
public final class CorefileServers {
    private CorefileServers() {
    }

    /** {@code corefile} written to a new folder under {@code dir} and started. */
    public static DnsServer start(Path dir, String corefile) {
        try {
            Path file = Files.writeString(Files.createTempDirectory(dir, "server").resolve("Corefile"), corefile);
            return DnsServerMain.start(new CorefileSource(file, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One {@code .:0} block of {@code lines} (the plugins under test) and the kubernetes plugin for
     * {@code cluster.local} and {@code in-addr.arpa} on {@link ApiValidManifests} (written under {@code dir}).
     */
    public static DnsServer withCluster(Path dir, String lines) {
        try {
            Path manifests = ApiValidManifests.write(Files.createTempDirectory(dir, "manifests"));
            return start(dir, """
                    .:0 {
                        %s
                        kubernetes cluster.local in-addr.arpa {
                            manifests %s
                        }
                    }
                    """.formatted(lines, manifests));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes those that started. */
    public static void close(DnsServer... servers) {
        for (DnsServer s : servers) {
            if (s != null) {
                s.close();
            }
        }
    }
}
