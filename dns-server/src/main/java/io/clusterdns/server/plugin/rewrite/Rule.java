package io.clusterdns.server.plugin.rewrite;

import java.util.List;
import java.util.Locale;

/**
 * One {@code rewrite} rule. Rules are tried in the order written; one that matches changes the
 * query (and adds what it does to the response); then, with {@code stop} (the default), the
 * remaining rules are skipped, with {@code continue} they are tried on the rewritten query.
 */
sealed interface Rule permits Rule.NameRule, Rule.TypeRule, Rule.ClassRule, Rule.ResponseChange, Edns0Rule {

    /** True for {@code stop}: no rule after this one when it matches. */
    boolean stop();

    /** Applies this rule to the query; false when it does not match it. */
    boolean apply(Rewriting r);

    /**
     * {@code name [exact|prefix|suffix|substring|regex] FROM TO [answer ...]}: the question's name
     * is rewritten. With {@code auto} (always for exact) the names of the response that are the
     * rewritten name, or under it, go back to the name before; {@code answers} are the explicit
     * {@code answer name|value} rules (and a suffix rule's auto mapping).
     *
     * @param to the name, suffix, prefix or template written, lower-case with its final dot
     */
    record NameRule(boolean stop, NameMatch match, String to, boolean auto, List<ResponseRule> answers) implements Rule {
        public NameRule {
            answers = List.copyOf(answers);
        }

        @Override
        public boolean apply(Rewriting r) {
            String before = r.name();
            String after = match.rewrite(r.lowerName(), to);
            if (after == null) {
                return false;
            }
            r.rename(after);
            if (auto) {
                NameMapping back = new NameMapping.Back(after.toLowerCase(Locale.ROOT), before);
                r.respond(List.of(new ResponseRule.Owner(back), new ResponseRule.Value(back)));
            }
            r.respond(answers);
            return true;
        }
    }

    /** {@code type FROM TO}: a question of type FROM asks for TO instead. */
    record TypeRule(boolean stop, int from, int to) implements Rule {
        @Override
        public boolean apply(Rewriting r) {
            if (r.type() != from) {
                return false;
            }
            r.retype(to);
            return true;
        }
    }

    /** {@code class FROM TO}: a question of class FROM asks in TO instead. */
    record ClassRule(boolean stop, int from, int to) implements Rule {
        @Override
        public boolean apply(Rewriting r) {
            if (r.dclass() != from) {
                return false;
            }
            r.reclass(to);
            return true;
        }
    }

    /**
     * {@code ttl [MATCH] NAME SECONDS|MIN-MAX} and {@code rcode [MATCH] NAME FROM TO}: the response
     * to a query whose name matches gets {@code change} (TTLs clamped, the rcode replaced).
     */
    record ResponseChange(boolean stop, NameMatch match, ResponseRule change) implements Rule {
        @Override
        public boolean apply(Rewriting r) {
            if (!match.matches(r.lowerName())) {
                return false;
            }
            r.respond(List.of(change));
            return true;
        }
    }
}
