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
    public record Plan(NftTransaction transaction, Set<String> flushedStaleChains, Set<String> createdChains, int changedOwners) {
        public Plan {
            flushedStaleChains = Set.copyOf(flushedStaleChains);
            createdChains = Set.copyOf(createdChains);
        }

        public String script() {
            return transaction.script();
        }

        public boolean isEmpty() {
            return transaction.isEmpty();
        }
    }

    public static Plan full(NftModel model, KernelInventory inventory) {
        Family f = model.family();
        Script s = new Script(f);
        s.addTable();
        List<Fragment> all = new ArrayList<>();
        all.add(model.base());
        all.addAll(model.sortedServices());
        Set<String> wantedChains = new LinkedHashSet<>();
        Set<String> wantedSets = new LinkedHashSet<>();
        for (Fragment fr : all) {
            for (ChainDef c : fr.chains()) {
                wantedChains.add(c.name());
                if (c.isBase()) {
                    s.addChain(c.name(), null);
                    s.deleteChain(s.head, c.name());
                    s.addChain(c.name(), c.hook());
                } else {
                    s.addChain(c.name(), null);
                    if (inventory.chains().contains(c.name())) {
                        s.flushChain(c.name());
                    }
                }
                s.rules(c);
            }
            for (ContainerDef c : fr.containers()) {
                wantedSets.add(c.name());
                s.addContainer(c);
                if (!c.dynamic()) {
                    s.flushContainer(c);
                }
            }
        }
        Set<String> stale = new TreeSet<>();
        for (String c : inventory.chains()) {
            if (!wantedChains.contains(c)) {
                s.flushChain(c);
                stale.add(c);
            }
        }
        for (String set : new TreeSet<>(inventory.sets())) {
            if (!wantedSets.contains(set)) {
                s.deleteContainer("set", set);
            }
        }
        Map<String, List<Element>> adds = new LinkedHashMap<>();
        model.elementClaims().values().forEach(claims -> {
            Element e = claims.get(0).element();
            adds.computeIfAbsent(e.container(), k -> new ArrayList<>()).add(e);
        });
        s.elements(false, adds);
        return new Plan(s.transaction(), stale, wantedChains, model.services().size() + 1);
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
        Set<String> owners = next.changedOwnersSince(prev);
        if (owners != null) {
            for (String owner : new TreeSet<>(owners)) {
                Fragment old = prev.services().get(owner);
                Fragment now = next.services().get(owner);
                if (!Objects.equals(old, now)) {
                    fragment(s, old, now, touched, stale);
                    changed++;
                }
            }
        } else {
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
        s.elements(true, deletes);
        s.elements(false, adds);
        return new Plan(s.transaction(), stale, s.created, changed);
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
                s.flushChain(c.name());
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
                s.deleteChain(s.head, c.name());
            }
            s.addChain(c.name(), c.hook());
            s.created.add(c.name());
        } else {
            s.flushChain(c.name());
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
                    s.addContainer(c);
                }
            }
        }
        for (ContainerDef c : before.values()) {
            if (!kept.contains(c.name())) {
                s.deleteContainer(c.keyword(), c.name());
            }
        }
    }

    /** Deletes chains emptied by an earlier transaction (their own, small transaction). */
    public static NftTransaction deleteChains(Family f, Set<String> chains) {
        Script s = new Script(f);
        for (String c : new TreeSet<>(chains)) {
            s.deleteChain(s.deletes, c);
        }
        return s.transaction();
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

    /** Appends {@code op} in nft's words, one line ({@link NftTransaction#script}). */
    static void render(NftOp op, StringBuilder sb) {
        String table = op.family().nft() + " " + Names.TABLE;
        if (op instanceof NftOp.AddRule r) {
            sb.append("add rule ").append(table).append(' ').append(r.chain()).append(' ').append(r.rule().render(op.family()));
        } else if (op instanceof NftOp.Elements e) {
            sb.append(e.delete() ? "delete" : "add").append(" element ").append(table).append(' ').append(e.container()).append(" { ");
            List<Element> part = e.elements();
            for (int i = 0; i < part.size(); i++) {
                Element el = part.get(i);
                sb.append(i == 0 ? "" : ", ").append(e.delete() ? el.keyText() : el.render(op.family()));
            }
            sb.append(" }");
        } else if (op instanceof NftOp.AddTable t) {
            sb.append("add table ").append(table).append(" { comment ").append(Names.quote(t.comment())).append("; }");
        } else if (op instanceof NftOp.DeleteTable) {
            sb.append("delete table ").append(table);
        } else if (op instanceof NftOp.AddChain c) {
            sb.append("add chain ").append(table).append(' ').append(c.name());
            if (c.hook() != null) {
                sb.append(" { ").append(c.hook().render()).append(" }");
            }
        } else if (op instanceof NftOp.DeleteChain c) {
            sb.append("delete chain ").append(table).append(' ').append(c.name());
        } else if (op instanceof NftOp.FlushChain c) {
            sb.append("flush chain ").append(table).append(' ').append(c.name());
        } else if (op instanceof NftOp.AddContainer c) {
            sb.append("add ").append(c.def().keyword()).append(' ').append(table).append(' ').append(c.def().name())
                    .append(" { ").append(c.def().body()).append(" }");
        } else if (op instanceof NftOp.FlushContainer c) {
            sb.append("flush ").append(c.def().keyword()).append(' ').append(table).append(' ').append(c.def().name());
        } else if (op instanceof NftOp.DeleteContainer c) {
            sb.append("delete ").append(c.keyword()).append(' ').append(table).append(' ').append(c.name());
        } else {
            throw new IllegalArgumentException("command " + op);
        }
        sb.append('\n');
    }

    /**
     * The sections of a transaction, concatenated in an order that never references something
     * missing: create, then empty, then fill, then delete what nothing references any more.
     */
    private static final class Script {
        final Family family;
        final Section head = new Section();
        final Section flush = new Section();
        final Section rules = new Section();
        final Section elements = new Section();
        final Section deletes = new Section();
        final Set<String> created = new java.util.HashSet<>();

        Script(Family f) {
            this.family = f;
        }

        void addTable() {
            head.ops.add(new NftOp.AddTable(family, Names.TABLE_COMMENT));
        }

        void addChain(String name, Hook hook) {
            head.ops.add(new NftOp.AddChain(family, name, hook));
        }

        void deleteChain(Section section, String name) {
            section.ops.add(new NftOp.DeleteChain(family, name));
        }

        void flushChain(String name) {
            flush.ops.add(new NftOp.FlushChain(family, name));
        }

        void addContainer(ContainerDef c) {
            head.ops.add(new NftOp.AddContainer(family, c));
        }

        void flushContainer(ContainerDef c) {
            flush.ops.add(new NftOp.FlushContainer(family, c));
        }

        void deleteContainer(String keyword, String name) {
            deletes.ops.add(new NftOp.DeleteContainer(family, keyword, name));
        }

        void rules(ChainDef c) {
            for (Rule r : c.rules()) {
                rules.ops.add(new NftOp.AddRule(family, c.name(), r));
            }
        }

        void elements(boolean delete, Map<String, List<Element>> byContainer) {
            byContainer.forEach((container, list) -> {
                // a few thousand elements per command keeps each netlink batch message moderate
                for (int from = 0; from < list.size(); from += 2000) {
                    List<Element> part = list.subList(from, Math.min(list.size(), from + 2000));
                    elements.ops.add(new NftOp.Elements(family, container, delete, part));
                }
            });
        }

        NftTransaction transaction() {
            List<NftOp> ops = new ArrayList<>();
            for (Section s : List.of(head, flush, rules, elements, deletes)) {
                ops.addAll(s.ops);
            }
            return new NftTransaction(ops);
        }
    }

    private static final class Section {
        final List<NftOp> ops = new ArrayList<>();
    }
}
