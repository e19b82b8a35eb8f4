package io.clusterdns.agent.nft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code nft -f} transactions that bring a table to a model. Pure functions of their inputs.
 *
 * <ul>
 *   <li>{@link #full}: the whole table. Every wanted object is added and emptied, then refilled;
 *       objects found in the kernel but not wanted are flushed (chains, removed later) or deleted
 *       (sets). Base chains are re-created so that hooks and priorities always match this
 *       version. Session affinity sets are kept with their contents.</li>
 *   <li>{@link #diff}: only what differs between two models: chains of changed service ports are
 *       flushed and refilled, elements are deleted and added one by one, chains no longer wanted
 *       are flushed now and deleted by {@link #deleteChains} in a later sync (a map element that
 *       pointed to a chain is only noticed as gone by older kernels a moment after the
 *       transaction).</li>
 * </ul>
 */
public final class NftScripts {
    private NftScripts() {
    }

    /** A transaction and the chains it emptied that should be deleted later. */
    public record Plan(String script, Set<String> flushedStaleChains, Set<String> createdChains, int changedOwners) {
        public Plan {
            flushedStaleChains = Set.copyOf(flushedStaleChains);
            createdChains = Set.copyOf(createdChains);
        }

        public boolean isEmpty() {
            return script.isEmpty();
        }
    }

    public static Plan full(NftModel model, KernelInventory inventory) {
        Family f = model.family();
        Script s = new Script(f);
        s.head.append("add table ").append(s.table).append(" { comment ").append(Names.quote(Names.TABLE_COMMENT)).append("; }\n");
        List<Fragment> all = new ArrayList<>();
        all.add(model.base());
        all.addAll(model.sortedServices());
        Set<String> wantedChains = new LinkedHashSet<>();
        Set<String> wantedSets = new LinkedHashSet<>();
        for (Fragment fr : all) {
            for (ChainDef c : fr.chains()) {
                wantedChains.add(c.name());
                if (c.isBase()) {
                    s.add("chain", c.name(), null);
                    s.line(s.head, "delete chain", c.name(), null);
                    s.add("chain", c.name(), "{ " + c.hook().render() + " }");
                } else {
                    s.add("chain", c.name(), null);
                    if (inventory.chains().contains(c.name())) {
                        s.line(s.flush, "flush chain", c.name(), null);
                    }
                }
                s.rules(c);
            }
            for (ContainerDef c : fr.containers()) {
                wantedSets.add(c.name());
                s.add(c.keyword(), c.name(), "{ " + c.body() + " }");
                if (!c.dynamic()) {
                    s.line(s.flush, "flush " + c.keyword(), c.name(), null);
                }
            }
        }
        Set<String> stale = new TreeSet<>();
        for (String c : inventory.chains()) {
            if (!wantedChains.contains(c)) {
                s.line(s.flush, "flush chain", c, null);
                stale.add(c);
            }
        }
        for (String set : new TreeSet<>(inventory.sets())) {
            if (!wantedSets.contains(set)) {
                s.line(s.deletes, "delete set", set, null);
            }
        }
        Map<String, List<Element>> adds = new LinkedHashMap<>();
        model.elementClaims().values().forEach(claims -> {
            Element e = claims.get(0).element();
            adds.computeIfAbsent(e.container(), k -> new ArrayList<>()).add(e);
        });
        s.elements("add", adds);
        return new Plan(s.text(), stale, wantedChains, model.services().size() + 1);
    }

    /** The transaction from {@code prev} (what the kernel holds) to {@code next}; empty when nothing differs. */
    public static Plan diff(NftModel prev, NftModel next) {
        if (prev.family() != next.family()) {
            throw new IllegalArgumentException("models of different families");
        }
        Script s = new Script(next.family());
        Set<NftModel.ElementKey> touched = new LinkedHashSet<>();
        Set<String> stale = new TreeSet<>();
        int changed = 0;
        if (!prev.base().equals(next.base())) {
            fragment(s, prev.base(), next.base(), touched, stale);
            changed++;
        }
        for (Map.Entry<String, Fragment> e : next.services().entrySet()) {
            Fragment old = prev.services().get(e.getKey());
            if (old != e.getValue() && !e.getValue().equals(old)) {
                fragment(s, old, e.getValue(), touched, stale);
                changed++;
            }
        }
        for (Map.Entry<String, Fragment> e : prev.services().entrySet()) {
            if (!next.services().containsKey(e.getKey())) {
                fragment(s, e.getValue(), null, touched, stale);
                changed++;
            }
        }
        Map<String, List<Element>> deletes = new LinkedHashMap<>();
        Map<String, List<Element>> adds = new LinkedHashMap<>();
        for (NftModel.ElementKey k : touched) {
            Element before = prev.element(k);
            Element after = next.element(k);
            if (Objects.equals(before, after)) {
                continue;
            }
            if (before != null && (after == null || !sameValue(before, after))) {
                deletes.computeIfAbsent(k.container(), c -> new ArrayList<>()).add(before);
            }
            if (after != null && (before == null || !sameValue(before, after))) {
                adds.computeIfAbsent(k.container(), c -> new ArrayList<>()).add(after);
            }
        }
        s.elements("delete", deletes);
        s.elements("add", adds);
        return new Plan(s.text(), stale, s.created, changed);
    }

    /** A comment change alone needs no kernel change worth a delete+add. */
    private static boolean sameValue(Element a, Element b) {
        return Objects.equals(a.value(), b.value());
    }

    private static void fragment(Script s, Fragment old, Fragment next, Set<NftModel.ElementKey> touched, Set<String> stale) {
        Map<String, ChainDef> before = new HashMap<>();
        if (old != null) {
            old.chains().forEach(c -> before.put(c.name(), c));
        }
        Set<String> kept = new java.util.HashSet<>();
        if (next != null) {
            for (ChainDef c : next.chains()) {
                kept.add(c.name());
                chain(s, before.get(c.name()), c);
            }
        }
        for (ChainDef c : before.values()) {
            if (!kept.contains(c.name())) {
                s.line(s.flush, "flush chain", c.name(), null);
                stale.add(c.name());
            }
        }
        containers(s, old, next);
        for (Fragment fr : new Fragment[] {old, next}) {
            if (fr != null) {
                fr.elements().forEach(e -> touched.add(new NftModel.ElementKey(e.container(), e.keyText())));
            }
        }
    }

    private static void chain(Script s, ChainDef old, ChainDef c) {
        if (c.equals(old)) {
            return;
        }
        if (old == null || !Objects.equals(old.hook(), c.hook())) {
            if (old != null) {
                s.line(s.head, "delete chain", c.name(), null);
            }
            s.add("chain", c.name(), c.isBase() ? "{ " + c.hook().render() + " }" : null);
            s.created.add(c.name());
        } else {
            s.line(s.flush, "flush chain", c.name(), null);
        }
        s.rules(c);
    }

    private static void containers(Script s, Fragment old, Fragment next) {
        Map<String, ContainerDef> before = new HashMap<>();
        if (old != null) {
            old.containers().forEach(c -> before.put(c.name(), c));
        }
        Set<String> kept = new java.util.HashSet<>();
        if (next != null) {
            for (ContainerDef c : next.containers()) {
                kept.add(c.name());
                if (!c.equals(before.get(c.name()))) {
                    // also updates a changed definition (an affinity timeout) in place
                    s.add(c.keyword(), c.name(), "{ " + c.body() + " }");
                }
            }
        }
        for (ContainerDef c : before.values()) {
            if (!kept.contains(c.name())) {
                s.line(s.deletes, "delete " + c.keyword(), c.name(), null);
            }
        }
    }

    /** Deletes chains emptied by an earlier transaction (their own, small transaction). */
    public static String deleteChains(Family f, Set<String> chains) {
        Script s = new Script(f);
        for (String c : new TreeSet<>(chains)) {
            s.line(s.deletes, "delete chain", c, null);
        }
        return s.text();
    }

    /** Removes both of the agent's tables, and nothing else; succeeds when they do not exist. */
    public static String cleanup() {
        StringBuilder sb = new StringBuilder();
        for (Family f : Family.values()) {
            String t = f.nft() + " " + Names.TABLE;
            sb.append("add table ").append(t).append('\n').append("delete table ").append(t).append('\n');
        }
        return sb.toString();
    }

    /**
     * The sections of a transaction, concatenated in an order that never references something
     * missing: create, then empty, then fill, then delete what nothing references any more.
     */
    private static final class Script {
        final String table;
        final Family family;
        final StringBuilder head = new StringBuilder();
        final StringBuilder flush = new StringBuilder();
        final StringBuilder rules = new StringBuilder();
        final StringBuilder elements = new StringBuilder();
        final StringBuilder deletes = new StringBuilder();
        final Set<String> created = new java.util.HashSet<>();

        Script(Family f) {
            this.family = f;
            this.table = f.nft() + " " + Names.TABLE;
        }

        void add(String kind, String name, String body) {
            line(head, "add " + kind, name, body);
        }

        void line(StringBuilder section, String verb, String name, String body) {
            section.append(verb).append(' ').append(table).append(' ').append(name);
            if (body != null) {
                section.append(' ').append(body);
            }
            section.append('\n');
        }

        void rules(ChainDef c) {
            String prefix = "add rule " + table + " " + c.name() + " ";
            for (Rule r : c.rules()) {
                rules.append(prefix).append(r.render(family)).append('\n');
            }
        }

        void elements(String verb, Map<String, List<Element>> byContainer) {
            byContainer.forEach((container, list) -> {
                // a few thousand elements per command keeps each netlink batch message moderate
                for (int from = 0; from < list.size(); from += 2000) {
                    elements.append(verb).append(" element ").append(table).append(' ').append(container).append(" { ");
                    List<Element> part = list.subList(from, Math.min(list.size(), from + 2000));
                    for (int i = 0; i < part.size(); i++) {
                        Element e = part.get(i);
                        elements.append(i == 0 ? "" : ", ").append(verb.equals("delete") ? e.keyText() : e.render(family));
                    }
                    elements.append(" }\n");
                }
            });
        }

        String text() {
            return head.toString() + flush + rules + elements + deletes;
        }
    }
}
