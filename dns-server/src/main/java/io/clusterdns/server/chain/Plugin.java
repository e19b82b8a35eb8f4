package io.clusterdns.server.chain;

/**
 * One link of a server block's chain (CoreDNS's plugin handler). A plugin answers through the
 * writer, passes the request to {@code next}, or both (wrapping the writer to see the response).
 * It must not block: answers it knows are written at once; waiting (a forwarded query) completes
 * later through the writer. Exceptions are a plugin bug: the server answers SERVFAIL and counts a
 * panic.
 */
public interface Plugin {

    /** The name in the Corefile and in the chain order, e.g. {@code kubernetes}. */
    String name();

    void serve(Request request, ResponseWriter writer, Chain next);

    /** True when this plugin reports to {@code /ready}; see {@link #ready()}. */
    default boolean reportsReadiness() {
        return false;
    }

    /** Whether it is ready to serve (the {@code ready} plugin asks): the kubernetes plugin once synced. */
    default boolean ready() {
        return true;
    }
}
