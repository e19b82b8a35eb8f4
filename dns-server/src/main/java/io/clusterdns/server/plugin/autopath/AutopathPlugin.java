package io.clusterdns.server.plugin.autopath;

import io.clusterdns.server.chain.Zones;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The {@code autopath} plugin: server-side search path completion. A query in its zones whose
 * name is below the first element of its client's search path (a pod in {@code default} asking
 * {@code google.com.default.svc.cluster.local}, its resolver's first try with {@code ndots:5}) is
 * walked down the rest of that path here ({@link SearchWalk}), so the client gets the final answer
 * in one round trip instead of one per search element. Anything else passes on untouched, as do
 * zone transfers.
 */
public final class AutopathPlugin implements Plugin {
    private final List<Name> zones;
    private final SearchPath search;
    private final AutopathMetrics metrics;

    /**
     * @param kubernetes the block's kubernetes plugin's resolver with {@code @kubernetes}; null when
     *                   there is none that follows pods (setup warned): every query passes on
     */
    public AutopathPlugin(AutopathConfig config, Resolver kubernetes, MeterRegistry registry) {
        this(config.zones(), !config.kubernetes() ? SearchPath.fixed(config.search())
                        : kubernetes == null ? request -> null : SearchPath.kubernetes(kubernetes, config.search()),
                new AutopathMetrics(registry));
    }

    AutopathPlugin(List<Name> zones, SearchPath search, AutopathMetrics metrics) {
        this.zones = zones;
        this.search = search;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return AutopathConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        Name qname = request.qname();
        int type = request.qtype();
        List<Name> path = type == Type.AXFR || type == Type.IXFR || !Zones.holds(zones, qname) ? null : search.of(request);
        if (path == null || path.size() < 2 || !qname.subdomain(path.get(0)) || qname.equals(path.get(0))) {
            // the first element itself is no search name (CoreDNS answers it SERVFAIL)
            next.serve(request, writer);
            return;
        }
        Name base = qname.relativize(path.get(0));
        new SearchWalk(request, writer, next, base, path, () -> metrics.success(request.listener().label())).step(0);
    }
}
