package io.clusterdns.server.chain;

import io.clusterdns.server.wire.Responses;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A question a plugin asks the server itself, as CoreDNS's {@code plugin/pkg/upstream}: it goes to
 * the block of the listener's router that holds the name and through that block's whole chain
 * (cache, forward, ...), and the response comes back to the plugin instead of a client. The
 * template plugin resolves the targets of the CNAMEs it makes up this way, k8s_external its load
 * balancers' hostnames.
 *
 * <p>Lookups nest (a target that is itself a templated CNAME); at {@link #MAX_DEPTH} the answer is
 * SERVFAIL, where CoreDNS would recurse until its stack ran out.
 */
public final class ServerLookup {
    /** How deep lookups nest at most: more than any sane CNAME chain. */
    public static final int MAX_DEPTH = 8;
    private static final Logger LOG = LoggerFactory.getLogger(ServerLookup.class);

    private final Router router;
    private final int depth;

    ServerLookup(Router router, int depth) {
        this.router = router;
        this.depth = depth;
    }

    /**
     * True for the lookups of a plugin (a request made by {@link #resolve}), false for a client's
     * request: what counts per client (rrl) counts the client's question once, not the lookups its
     * answer needed.
     */
    public boolean nested() {
        return depth > 0;
    }

    /** Lookups of a request that came from no listener (tests, cache refreshes): through its own block. */
    static ServerLookup within(BlockChain block) {
        return new ServerLookup(new Router(block == null ? List.of() : List.of(block)), 0);
    }

    /**
     * False when {@link #resolve} could only fail for {@code name}: no block of the router holds it
     * (REFUSED) or the lookups already nest {@link #MAX_DEPTH} deep (SERVFAIL). A plugin that only
     * adds what a lookup finds (an ExternalName's target addresses) then skips making the query
     * and the error response nobody reads: the server without a root block (the flags' server)
     * asks this for every ExternalName question.
     */
    public boolean mayAnswer(Name name) {
        return depth < MAX_DEPTH && router.route(name) != null;
    }

    /**
     * Asks {@code name}, {@code type}, class IN with the rest of {@code from}'s query (its flags,
     * its EDNS: the lookup is no new hop). {@code done} gets the response exactly once, now or later
     * on another thread: REFUSED when no block holds the name, SERVFAIL when the lookups nest too
     * deep or the chain failed.
     */
    public void resolve(Request from, Name name, int type, Consumer<Message> done) {
        Message query = from.message().clone();
        query.removeAllRecords(Section.QUESTION);
        query.addRecord(Record.newRecord(name, type, DClass.IN), Section.QUESTION);
        Router.Route route = router.route(name);
        if (route == null || depth >= MAX_DEPTH) {
            done.accept(Responses.error(query, from.edns(), route == null ? Rcode.REFUSED : Rcode.SERVFAIL));
            return;
        }
        Request inner = new Request(query, from.edns(), from.limit(), from.transport(), from.client(), from.listener(), route.block(),
                route.zone(), from.size(), System.nanoTime(), new ServerLookup(router, depth + 1));
        ResponseWriter writer = new ResponseWriter() {
            private final AtomicBoolean answered = new AtomicBoolean();

            @Override
            public int write(Message response) {
                if (answered.compareAndSet(false, true)) {
                    done.accept(response);
                }
                return 0;
            }

            @Override
            public int fail(int rcode, String error) {
                return write(Responses.error(query, from.edns(), rcode));
            }

            @Override
            public int drop() {
                // an acl of the inner chain dropped it: the plugin still needs an outcome
                return fail(Rcode.SERVFAIL, null);
            }
        };
        try {
            route.block().head().serve(inner, writer);
        } catch (RuntimeException e) {
            LOG.error("looking up {} for a plugin failed: {}", name, e.toString(), e);
            writer.fail(Rcode.SERVFAIL, null);
        }
    }
}
