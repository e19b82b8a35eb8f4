package io.clusterdns.server.plugin.cache;

import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.WrappingWriter;
import org.xbill.DNS.Message;

/**
 * The writer a cache miss passes on: the response the next plugins write is stored (TTLs
 * rewritten, {@link CachePlugin#cacheResponse}) and then goes on to the client. A rcode the next plugins
 * return without writing (SERVFAIL from a failed forward) passes untouched and is not cached, as
 * in CoreDNS where the server writes those itself. Called once, from whatever thread completes
 * the request; it keeps no state of its own.
 */
final class StoringWriter extends WrappingWriter {
    private final CachePlugin cache;
    private final Request request;
    private final CacheMetrics.Server meters;

    StoringWriter(ResponseWriter next, CachePlugin cache, Request request, CacheMetrics.Server meters) {
        super(next);
        this.cache = cache;
        this.request = request;
        this.meters = meters;
    }

    @Override
    public int write(Message response) {
        cache.cacheResponse(request, response, meters, null);
        return next.write(response);
    }
}
