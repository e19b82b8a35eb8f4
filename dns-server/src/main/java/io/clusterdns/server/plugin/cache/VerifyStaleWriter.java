package io.clusterdns.server.plugin.cache;

import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.WrappingWriter;
import java.time.Instant;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * {@code serve_stale ... verify}: the next plugins are asked before a stale entry is used. An
 * answer from them (NOERROR or NXDOMAIN for this question, RFC 8767 section 4) is stored and
 * sent; anything else (SERVFAIL, REFUSED, a failed forward) is dropped and the stale entry
 * answers instead, with TTL 0.
 */
final class VerifyStaleWriter extends WrappingWriter {
    private final CachePlugin cache;
    private final Request request;
    private final CacheMetrics.Server meters;
    private final Entry stale;

    VerifyStaleWriter(ResponseWriter next, CachePlugin cache, Request request, CacheMetrics.Server meters, Entry stale) {
        super(next);
        this.cache = cache;
        this.request = request;
        this.meters = meters;
        this.stale = stale;
    }

    @Override
    public int write(Message response) {
        if (refreshes(request, response)) {
            cache.cacheResponse(request, response, meters, null);
            return next.write(response);
        }
        return serveStale();
    }

    @Override
    public int fail(int rcode, String error) {
        return serveStale();
    }

    private int serveStale() {
        meters.servedStale.increment();
        return next.write(cache.staleReply(request, stale));
    }

    /** Whether {@code response} may replace a stale entry: a complete NOERROR or NXDOMAIN for the question. */
    static boolean refreshes(Request request, Message response) {
        if (response.getHeader().getFlag(Flags.TC) || !CachePlugin.answers(request, response)) {
            return false;
        }
        ResponseType type = ResponseType.of(response, request.dnssecOk(), Instant.now());
        if (type == ResponseType.OTHER_ERROR || type == ResponseType.META || type == ResponseType.UPDATE) {
            return false;
        }
        int rcode = response.getRcode();
        return rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN;
    }
}
