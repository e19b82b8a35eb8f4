package io.clusterdns.server;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The signals CoreDNS (Caddy) answers, answered the same way: SIGTERM and SIGINT shut down
 * gracefully (lameduck first) and the process exits 0; SIGUSR1 reads the Corefile again at once,
 * as the reload plugin would; SIGHUP is ignored. Without this the JVM would exit 143 on SIGTERM
 * and die at once on SIGUSR1 or SIGHUP.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /**
     * Installs the handlers for the server {@code running} returns, null while it starts: they
     * must be in place before the first "listening" line, since whoever reads it may signal at
     * once, and SIGUSR1's default action kills the JVM. Each runs on a thread of its own (a
     * lameduck takes seconds).
     */
    static void install(Supplier<DnsServer> running) {
        handle("TERM", () -> {
            log.info("SIGTERM: Shutting down servers then terminating");
            stop(running.get());
        });
        handle("INT", () -> {
            log.info("SIGINT: Shutting down");
            stop(running.get());
        });
        handle("USR1", () -> {
            DnsServer server = running.get();
            if (server == null) {
                log.info("SIGUSR1: still starting, nothing to reload yet");
            } else if (server.plan().corefile() == null) {
                log.info("SIGUSR1: nothing to reload: the configuration comes from the command line");
            } else {
                log.info("SIGUSR1: Reloading");
                server.reload(() -> server.plan().corefile().read());
            }
        });
        handle("HUP", () -> log.info("SIGHUP: ignored"));
    }

    /** Shuts {@code server} down; while starting there is nothing to drain yet: exit 0 at once, as a stop would. */
    private static void stop(DnsServer server) {
        if (server == null) {
            System.exit(0);
        }
        server.shutdown();
    }

    private static void handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), s -> {
                Thread t = new Thread(action, "dns-server-sig" + name.toLowerCase(java.util.Locale.ROOT));
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException e) {
            // the JVM keeps this signal for itself (e.g. under -Xrs): its default stays
            log.debug("cannot handle SIG{}: {}", name, e.getMessage());
        }
    }
}
