package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;

/**
 * The {@code kubernetes} plugin: answers the cluster zones from the {@link Resolver}, synchronously
 * on the event loop (the answer to every name is precomputed per snapshot). Names outside its
 * zones go on; a name that does not exist goes on too where {@code fallthrough} says so
 * (kubeadm: reverse lookups of addresses that are not the cluster's).
 */
public final class KubernetesPlugin implements Plugin {
    public static final String NAME = "kubernetes";

    private final Resolver resolver;
    private final Fallthrough fallthrough;

    public KubernetesPlugin(Resolver resolver, Fallthrough fallthrough) {
        this.resolver = resolver;
        this.fallthrough = fallthrough;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        KubernetesResponses.serve(resolver.resolve(request.qname(), request.qtype()), fallthrough, request, writer, next);
    }

    @Override
    public boolean reportsReadiness() {
        return true;
    }

    @Override
    public boolean ready() {
        return resolver.synced();
    }

    public Resolver resolver() {
        return resolver;
    }
}
