package io.clusterdns.server.plan;

import io.clusterdns.server.corefile.Corefile;
import io.clusterdns.server.corefile.CorefileParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A Corefile as the server reads it, at start and at every reload: its path, the environment its
 * {@code {$VAR}}s see, and the settings the command line adds (CoreDNS's {@code -dns.port} for
 * keys without a port, and the socket settings).
 */
public record CorefileSource(Path file, Map<String, String> env, int defaultPort, Duration tcpIdleTimeout, int udpSockets) {
    public CorefileSource {
        env = Map.copyOf(env);
    }

    /** Reads and validates the file; errors name file and line. Import-glob warnings are in {@link Corefile#warnings()}. */
    public Corefile parse() {
        return CorefileParser.read(file, env);
    }

    /** The plan of the file as it is now. */
    public ServerPlan read() {
        return plan(parse());
    }

    /** The plan of an already parsed {@code corefile} of this source. */
    public ServerPlan plan(Corefile corefile) {
        return new ServerPlan(CorefilePlan.blocks(corefile, defaultPort), tcpIdleTimeout, null, udpSockets, this, corefile.digest());
    }
}
