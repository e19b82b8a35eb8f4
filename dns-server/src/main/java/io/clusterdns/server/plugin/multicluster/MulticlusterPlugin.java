package io.clusterdns.server.plugin.multicluster;

import io.clusterdns.resolver.ClusterSetResolver;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.plugin.kubernetes.KubernetesResponses;

/**
 * The {@code multicluster} plugin: answers the clusterset zone ({@code clusterset.local}) from the
 * ServiceImports and imported EndpointSlices of its cluster source, per the MCS DNS specification
 * ({@link ClusterSetResolver}), as the kubernetes plugin answers the cluster zone: synchronously,
 * names outside its zones go on, missing names go on where {@code fallthrough} says so.
 */
public final class MulticlusterPlugin implements Plugin {
    private final ClusterSetResolver resolver;
    private final Fallthrough fallthrough;

    public MulticlusterPlugin(ClusterSetResolver resolver, Fallthrough fallthrough) {
        this.resolver = resolver;
        this.fallthrough = fallthrough;
    }

    @Override
    public String name() {
        return MulticlusterConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        KubernetesResponses.serve(resolver.resolve(request.qname(), request.qtype()), fallthrough, request, writer, next);
    }

    /** Like CoreDNS's: not ready until its first snapshot (until then its names get SERVFAIL). */
    @Override
    public boolean reportsReadiness() {
        return true;
    }

    @Override
    public boolean ready() {
        return resolver.synced();
    }
}
