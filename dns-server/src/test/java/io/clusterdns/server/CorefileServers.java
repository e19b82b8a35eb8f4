package io.clusterdns.server;

import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Servers for the plugins' socket tables: a Corefile's text written to {@code dir/Corefile} and started (one UDP socket). */
public final class CorefileServers {
    private CorefileServers() {
    }

    public static DnsServer start(Path dir, String corefile) {
        try {
            Path file = Files.writeString(dir.resolve("Corefile"), corefile);
            return DnsServerMain.start(new CorefileSource(file, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
