package io.clusterdns.server.plugin.cache;

import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import org.xbill.DNS.Message;

/**
 * The writer of a background refresh (prefetch, or a stale entry served at once): stores what the
 * next plugins answer and sends nothing to anyone. A stale entry is replaced only by an answer
 * (NOERROR or NXDOMAIN, RFC 8767 section 4), so a failing backend does not push it out; a
 * prefetched one by anything cacheable, as in CoreDNS. Either way the entry may be refreshed
 * again afterwards.
 */
final class RefreshWriter implements ResponseWriter {
    private final CachePlugin cache;
    private final Request request;
    private final CacheMetrics.Server meters;
    private final Entry refreshed;
    private final boolean stale;

    RefreshWriter(CachePlugin cache, Request request, CacheMetrics.Server meters, Entry refreshed, boolean stale) {
        this.cache = cache;
        this.request = request;
        this.meters = meters;
        this.refreshed = refreshed;
        this.stale = stale;
    }

    @Override
    public int write(Message response) {
        try {
            if (!stale || VerifyStaleWriter.refreshes(request, response)) {
                cache.cacheResponse(request, response, meters, refreshed);
            }
        } finally {
            refreshed.endRefresh();
        }
        return 0;
    }

    @Override
    public int fail(int rcode, String error) {
        refreshed.endRefresh();
        return 0;
    }
}
