package io.clusterdns.server.plugin.errors;

import io.clusterdns.k8s.config.Durations;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.WrappingWriter;
import java.math.BigDecimal;
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
 * udp ...: i/o timeout}. An error whose text matches a {@code consolidate} pattern is only counted,
 * and one line per period says how many there were, as CoreDNS's
 * {@code 3 errors like '^read udp .* i/o timeout$' occurred in last 5m0s}.
 */
public final class ErrorsPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/errors");

    /** Where the lines go: the {@code plugin/errors} log at a level ({@code error}, {@code warning}, {@code info}, {@code debug}). */
    interface Sink {
        void log(String level, String line);
    }

    /** Runs a consolidation's summary once its period is over. */
    interface Scheduler {
        void schedule(Runnable summary, Duration after);
    }

    private final Consolidator[] consolidators;
    private final Sink sink;

    public ErrorsPlugin(ErrorsConfig config, ScheduledExecutorService timer) {
        this(config, (summary, after) -> timer.schedule(summary, after.toNanos(), TimeUnit.NANOSECONDS), ErrorsPlugin::toLog);
    }

    ErrorsPlugin(ErrorsConfig config, Scheduler scheduler, Sink sink) {
        this.sink = sink;
        this.consolidators = config.consolidations().stream().map(c -> new Consolidator(c, scheduler, sink))
                .toArray(Consolidator[]::new);
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
        // CoreDNS matches the patterns against the error's own text, not the logged line
        for (Consolidator c : consolidators) {
            if (c.config.pattern().matcher(error).find()) {
                c.count();
                return;
            }
        }
        sink.log("error", rcode + " " + request.qname().toString().toLowerCase(Locale.ROOT) + " " + Type.string(request.qtype())
                + ": " + error);
    }

    private static void toLog(String level, String line) {
        switch (level) {
            case "warning" -> LOG.warn("plugin/errors: {}", line);
            case "info" -> LOG.info("plugin/errors: {}", line);
            case "debug" -> LOG.debug("plugin/errors: {}", line);
            default -> LOG.error("plugin/errors: {}", line);
        }
    }

    /** Go's {@code time.Duration.String()}, as CoreDNS prints the period: {@code 30s}, {@code 5m0s}, {@code 1h0m0s}. */
    static String goDuration(Duration d) {
        if (d.compareTo(Duration.ofMinutes(1)) < 0) {
            return Durations.format(d);
        }
        long h = d.toHours();
        long m = d.toMinutesPart();
        String s = BigDecimal.valueOf(d.toSecondsPart() * 1_000_000_000L + d.toNanosPart(), 9).stripTrailingZeros().toPlainString();
        return (h > 0 ? h + "h" : "") + m + "m" + s + "s";
    }

    /** Counts the errors of one pattern; the first of a period schedules the summary line. */
    private static final class Consolidator {
        final ErrorsConfig.Consolidation config;
        final Scheduler scheduler;
        final Sink sink;
        final AtomicLong count = new AtomicLong();

        Consolidator(ErrorsConfig.Consolidation config, Scheduler scheduler, Sink sink) {
            this.config = config;
            this.scheduler = scheduler;
            this.sink = sink;
        }

        void count() {
            if (count.getAndIncrement() == 0) {
                scheduler.schedule(this::summarize, config.period());
            }
        }

        void summarize() {
            long n = count.getAndSet(0);
            sink.log(config.level(), n + " errors like '" + config.pattern().pattern() + "' occurred in last " + goDuration(config.period()));
        }
    }
}
