package io.clusterdns.server.chain;

/** The rest of a server block's chain after one plugin. */
@FunctionalInterface
public interface Chain {
    void serve(Request request, ResponseWriter writer);
}
