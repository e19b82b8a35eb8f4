package io.clusterdns.server.plugin.forward;

import io.clusterdns.server.DnsServer;
import io.clusterdns.server.corefile.Corefile;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Servers started the way main starts them: a Corefile in a folder, read, planned, started on a free port. */
final class ForwardServers {
    private ForwardServers() {
    }

    /** Starts {@code corefile} (blocks without a port listen on one free port, shared); no kubernetes block. */
    static DnsServer start(Path dir, String corefile) {
        Path file = dir.resolve("Corefile");
        try {
            Files.writeString(file, corefile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerPlan plan = new CorefileSource(file, Map.of(), 0, Duration.ofSeconds(10), 2).read();
        return DnsServer.start(plan, (k, requests) -> {
            throw new AssertionError("these Corefiles have no kubernetes block");
        });
    }
}
