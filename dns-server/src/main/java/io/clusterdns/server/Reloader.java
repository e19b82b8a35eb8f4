package io.clusterdns.server;

import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.reload.ReloadConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code reload} plugin's watcher: reads the Corefile again every period (the interval moved
 * by a random part of the jitter, picked once, as CoreDNS) on a daemon thread of its own and
 * hands it to the server, which applies it when its digest changed.
 */
final class Reloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/reload");

    private final Thread thread;
    private volatile boolean running = true;

    private Reloader(DnsServer server, Duration period, Supplier<ServerPlan> read) {
        this.thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    server.reload(read);
                }
            }
        }, "clusterdns-reload");
        thread.setDaemon(true);
    }

    static Reloader start(DnsServer server, ReloadConfig config, Supplier<ServerPlan> read) {
        Duration period = config.period(ThreadLocalRandom.current().nextDouble());
        Reloader r = new Reloader(server, period, read);
        LOG.info("plugin/reload: Running configuration SHA512 = {}; checking the Corefile every {} ms", server.plan().digest(), period.toMillis());
        r.thread.start();
        return r;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
