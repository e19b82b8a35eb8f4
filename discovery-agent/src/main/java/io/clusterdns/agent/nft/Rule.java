package io.clusterdns.agent.nft;

import java.util.List;

/** One rule: expressions in order, the last usually a verdict; an optional comment kept in the kernel. */
public record Rule(List<Expr> exprs, String comment) {

    public Rule {
        exprs = List.copyOf(exprs);
        if (exprs.isEmpty()) {
            throw new IllegalArgumentException("empty rule");
        }
    }

    public static Rule of(Expr... exprs) {
        return new Rule(List.of(exprs), null);
    }

    public static Rule commented(String comment, Expr... exprs) {
        return new Rule(List.of(exprs), comment);
    }

    public String render(Family f) {
        StringBuilder sb = new StringBuilder(64);
        for (Expr e : exprs) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(e.render(f));
        }
        if (comment != null) {
            sb.append(" comment ").append(Names.quote(comment));
        }
        return sb.toString();
    }
}
