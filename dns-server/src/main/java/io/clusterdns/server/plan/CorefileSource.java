package io.clusterdns.server.plan;

import io.clusterdns.server.corefile.Corefile;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.listen.TcpLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A Corefile as the server reads it, at start and at every reload: its path, the environment its
 * {@code {$VAR}}s see, and the settings the command line adds (CoreDNS's {@code -dns.port} for
 * keys without a port, and the socket settings).
 *
 * @param tcp the TCP listeners' limits before the blocks' {@code timeouts} (the flags')
 */
public record CorefileSource(Path file, Map<String, String> env, int defaultPort, TcpLimits tcp, int udpSockets) {
    public CorefileSource {
        env = Map.copyOf(env);
        tcp = tcp == null ? TcpLimits.DEFAULT : tcp;
    }

    /** The default TCP limits with {@code tcpIdleTimeout}. */
    public CorefileSource(Path file, Map<String, String> env, int defaultPort, Duration tcpIdleTimeout, int udpSockets) {
        this(file, env, defaultPort, TcpLimits.DEFAULT.withIdleTimeout(tcpIdleTimeout), udpSockets);
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
        return new ServerPlan(CorefilePlan.blocks(corefile, defaultPort), tcp, udpSockets, this, corefile.digest());
    }
}
