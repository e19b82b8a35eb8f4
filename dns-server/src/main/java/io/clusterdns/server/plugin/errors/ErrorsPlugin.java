package io.clusterdns.server.plugin.errors;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.WrappingWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Type;

/**
 * The {@code errors} plugin: logs what later plugins report as errors (a dead upstream, too many
 * concurrent queries), one line each as CoreDNS: {@code plugin/errors: 2 example.com. A: read
 * udp ...: i/o timeout}, or one summary per period for errors matching a consolidation pattern.
 */
public final class ErrorsPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/errors");

    private final Consolidator[] consolidators;

    public ErrorsPlugin(ErrorsConfig config, ScheduledExecutorService timer) {
        this.consolidators = config.consolidations().stream().map(c -> new Consolidator(c, timer)).toArray(Consolidator[]::new);
    }

    @Override
    public String name() {
        return ErrorsConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        next.serve(request, new WrappingWriter(writer) {
            @Override
            public int fail(int rcode, String error) {
                if (error != null) {
                    report(rcode, request, error);
                }
                return super.fail(rcode, error);
            }
        });
    }

    private void report(int rcode, Request request, String error) {
        String line = rcode + " " + request.qname().toString().toLowerCase(Locale.ROOT) + " " + Type.string(request.qtype()) + ": " + error;
        for (Consolidator c : consolidators) {
            if (c.config.pattern().matcher(line).find()) {
                c.count();
                return;
            }
        }
        LOG.error("{}", line);
    }

    /** Counts the errors of one pattern; the first of a period schedules the summary line. */
    private static final class Consolidator {
        final ErrorsConfig.Consolidation config;
        final ScheduledExecutorService timer;
        final AtomicLong count = new AtomicLong();

        Consolidator(ErrorsConfig.Consolidation config, ScheduledExecutorService timer) {
            this.config = config;
            this.timer = timer;
        }

        void count() {
            if (count.getAndIncrement() == 0) {
                timer.schedule(this::summarize, config.period().toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        void summarize() {
            long n = count.getAndSet(0);
            String line = n + " errors like '" + config.pattern().pattern() + "' occurred in last " + goDuration(config.period());
            switch (config.level()) {
                case "warning" -> LOG.warn("{}", line);
                case "info" -> LOG.info("{}", line);
                case "debug" -> LOG.debug("{}", line);
                default -> LOG.error("{}", line);
            }
        }

        private static String goDuration(Duration d) {
            return io.clusterdns.k8s.config.Durations.format(d);
        }
    }
}
