package io.clusterdns.agent.nft;

import java.util.List;
import java.util.Objects;

/**
 * An element of a set ({@code value} null), of a verdict map, or of the {@code dnat-slots} data map. The key parts are the
 * concatenation's components in nft notation ({@code 10.96.0.10}, {@code tcp}, {@code 80}).
 */
public record Element(String container, List<String> key, Expr.MapValue value, String comment) {
    public Element {
        Objects.requireNonNull(container, "container");
        key = List.copyOf(key);
    }

    public String keyText() {
        return String.join(" . ", key);
    }

    /** {@code 10.96.0.10 . tcp . 80 comment "ns/svc:p" : goto service-X}. */
    public String render(Family f) {
        StringBuilder sb = new StringBuilder(keyText());
        if (comment != null) {
            sb.append(" comment ").append(Names.quote(comment));
        }
        if (value != null) {
            sb.append(" : ").append(value.render(f));
        }
        return sb.toString();
    }
}
