package io.clusterdns.server.plugin.rewrite;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import java.util.List;
import org.xbill.DNS.Rcode;

/**
 * The {@code rewrite} plugin: the rules rewrite the query the next plugins see (its name, type,
 * class, EDNS options), and the response is fixed on its way back ({@link RewriteWriter}): the
 * client's question, names mapped back, TTLs and rcode as the rules say. A query no rule matches
 * goes on untouched.
 */
public final class RewritePlugin implements Plugin {
    private final List<Rule> rules;

    public RewritePlugin(RewriteConfig config) {
        this.rules = config.rules();
    }

    @Override
    public String name() {
        return RewriteConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        Rewriting r = new Rewriting(request);
        boolean matched = false;
        for (Rule rule : rules) {
            try {
                if (!rule.apply(r)) {
                    continue;
                }
            } catch (InvalidName e) {
                writer.fail(Rcode.SERVFAIL, "plugin/rewrite: invalid name after rewrite: " + e.getMessage());
                return;
            }
            matched = true;
            if (rule.stop()) {
                break;
            }
        }
        if (!matched) {
            next.serve(request, writer);
            return;
        }
        next.serve(request.withMessage(r.message()), new RewriteWriter(writer, request.question(), r.responseRules()));
    }
}
