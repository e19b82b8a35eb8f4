package io.clusterdns.agent.nft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The declarative text of a model, {@code table ip clusterdns { ... }}, in a fixed order: the
 * skeleton first, then service ports by name; elements sorted. It is valid {@code nft -f} input
 * (what {@code --dry-run} prints) and what the golden tests compare. Pure.
 */
public final class RulesetText {
    private RulesetText() {
    }

    public static String render(NftModel model) {
        Family f = model.family();
        StringBuilder sb = new StringBuilder(4096);
        sb.append("table ").append(f.nft()).append(' ').append(Names.TABLE).append(" {\n");
        sb.append("\tcomment ").append(Names.quote(Names.TABLE_COMMENT)).append('\n');
        Map<String, List<Element>> elements = elementsByContainer(model);
        List<Fragment> fragments = new ArrayList<>();
        fragments.add(model.base());
        fragments.addAll(model.sortedServices());
        for (Fragment fr : fragments) {
            for (ContainerDef c : fr.containers()) {
                container(sb, f, c, elements.getOrDefault(c.name(), List.of()));
            }
        }
        for (Fragment fr : fragments) {
            for (ChainDef c : fr.chains()) {
                chain(sb, f, c);
            }
        }
        return sb.append("}\n").toString();
    }

    private static Map<String, List<Element>> elementsByContainer(NftModel model) {
        Map<String, TreeMap<String, Element>> sorted = new TreeMap<>();
        model.elementClaims().forEach((k, claims) ->
                sorted.computeIfAbsent(k.container(), c -> new TreeMap<>()).put(k.keyText(), claims.get(0).element()));
        Map<String, List<Element>> out = new TreeMap<>();
        sorted.forEach((c, m) -> out.put(c, new ArrayList<>(m.values())));
        return out;
    }

    private static void container(StringBuilder sb, Family f, ContainerDef c, List<Element> elements) {
        sb.append("\n\t").append(c.keyword()).append(' ').append(c.name()).append(" {\n");
        sb.append("\t\t").append(c.typeClause()).append('\n');
        if (c.dynamic()) {
            sb.append("\t\tflags dynamic,timeout\n\t\ttimeout ").append(c.timeoutSeconds()).append("s\n");
        }
        if (c.comment() != null) {
            sb.append("\t\tcomment ").append(Names.quote(c.comment())).append('\n');
        }
        if (!elements.isEmpty()) {
            sb.append("\t\telements = {");
            for (int i = 0; i < elements.size(); i++) {
                sb.append(i == 0 ? "\n\t\t\t" : ",\n\t\t\t").append(elements.get(i).render(f));
            }
            sb.append("\n\t\t}\n");
        }
        sb.append("\t}\n");
    }

    private static void chain(StringBuilder sb, Family f, ChainDef c) {
        sb.append("\n\tchain ").append(c.name()).append(" {\n");
        if (c.hook() != null) {
            sb.append("\t\t").append(c.hook().render()).append('\n');
        }
        for (Rule r : c.rules()) {
            sb.append("\t\t").append(r.render(f)).append('\n');
        }
        sb.append("\t}\n");
    }
}
