package io.clusterdns.agent.nft;

import io.clusterdns.agent.nft.NftModel.Claim;
import io.clusterdns.agent.nft.NftModel.ElementKey;
import io.clusterdns.k8s.model.ShardedMap;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The model's elements by (container, key), immutable, in two parts:
 *
 * <ul>
 *   <li>elements of shared containers (declared by the base fragment: {@code service-ips}, ...),
 *       claimed by any owner, in a {@link ShardedMap} by element key;</li>
 *   <li>elements of a container a service fragment declares itself (its lookup table, its affinity
 *       sets: named after the service port, so no other owner adds to them), by container, one
 *       map per container.</li>
 * </ul>
 *
 * Why two: a service's lookup table is M elements whose keys hash over every shard, so indexed by
 * element key a one-service change copied nearly every shard of the index (1.1 s at 200 services
 * × 4093 slots, README "What M costs"); by container it replaces one map.
 */
final class ElementIndex {
    static final ElementIndex EMPTY = new ElementIndex(ShardedMap.empty(), ShardedMap.empty(), 0);

    /** A service fragment's elements in a container it declares, by key text. */
    private record Owned(String owner, Map<String, List<Claim>> byKey) {
    }

    private final ShardedMap<ElementKey, List<Claim>> shared;
    private final ShardedMap<String, Owned> owned;
    private final int ownedCount;

    private ElementIndex(ShardedMap<ElementKey, List<Claim>> shared, ShardedMap<String, Owned> owned, int ownedCount) {
        this.shared = shared;
        this.owned = owned;
        this.ownedCount = ownedCount;
    }

    List<Claim> get(ElementKey key) {
        Owned o = owned.get(key.container());
        if (o != null) {
            List<Claim> c = o.byKey().get(key.keyText());
            if (c != null) {
                return c;
            }
        }
        return shared.get(key);
    }

    int size() {
        return shared.size() + ownedCount;
    }

    /** Every element's claims, as a read-only map (iteration: shared containers, then owned ones). */
    Map<ElementKey, List<Claim>> asMap() {
        return new AbstractMap<>() {
            @Override
            public List<Claim> get(Object key) {
                return key instanceof ElementKey k ? ElementIndex.this.get(k) : null;
            }

            @Override
            public boolean containsKey(Object key) {
                return get(key) != null;
            }

            /** Without making an entry and a key per owned element (a full sync walks them all). */
            @Override
            public java.util.Collection<List<Claim>> values() {
                return new java.util.AbstractCollection<>() {
                    @Override
                    public int size() {
                        return ElementIndex.this.size();
                    }

                    @Override
                    public Iterator<List<Claim>> iterator() {
                        Iterator<List<Claim>> sharedValues = shared.values().iterator();
                        Iterator<Owned> containers = owned.values().iterator();
                        return new Iterator<>() {
                            Iterator<List<Claim>> inner = sharedValues;

                            @Override
                            public boolean hasNext() {
                                while (!inner.hasNext() && containers.hasNext()) {
                                    inner = containers.next().byKey().values().iterator();
                                }
                                return inner.hasNext();
                            }

                            @Override
                            public List<Claim> next() {
                                if (!hasNext()) {
                                    throw new NoSuchElementException();
                                }
                                return inner.next();
                            }
                        };
                    }
                };
            }

            @Override
            public Set<Entry<ElementKey, List<Claim>>> entrySet() {
                return new AbstractSet<>() {
                    @Override
                    public int size() {
                        return ElementIndex.this.size();
                    }

                    @Override
                    public Iterator<Entry<ElementKey, List<Claim>>> iterator() {
                        return entries();
                    }
                };
            }
        };
    }

    private Iterator<Map.Entry<ElementKey, List<Claim>>> entries() {
        Iterator<Map.Entry<ElementKey, List<Claim>>> sharedEntries = shared.entrySet().iterator();
        Iterator<Map.Entry<String, Owned>> containers = owned.entrySet().iterator();
        return new Iterator<>() {
            String container;
            Iterator<Map.Entry<String, List<Claim>>> inner = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                if (sharedEntries.hasNext()) {
                    return true;
                }
                while (!inner.hasNext() && containers.hasNext()) {
                    Map.Entry<String, Owned> c = containers.next();
                    container = c.getKey();
                    inner = c.getValue().byKey().entrySet().iterator();
                }
                return inner.hasNext();
            }

            @Override
            public Map.Entry<ElementKey, List<Claim>> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                if (sharedEntries.hasNext()) {
                    return sharedEntries.next();
                }
                Map.Entry<String, List<Claim>> e = inner.next();
                return Map.entry(new ElementKey(container, e.getKey()), e.getValue());
            }
        };
    }

    Editor edit() {
        return new Editor(this);
    }

    /** Claims and unclaims fragments' elements; single use. */
    static final class Editor {
        private final ShardedMap.Editor<ElementKey, List<Claim>> shared;
        private final ShardedMap.Editor<String, Owned> owned;
        private int ownedCount;

        private Editor(ElementIndex base) {
            this.shared = base.shared.edit();
            this.owned = base.owned.edit();
            this.ownedCount = base.ownedCount;
        }

        void claim(Fragment f) {
            Set<String> declared = declared(f);
            Map<String, Map<String, List<Claim>>> mine = new HashMap<>();
            for (Element e : f.elements()) {
                if (declared.contains(e.container()) && owned.get(e.container()) == null) {
                    // the first of duplicate keys is in effect, as among claims
                    if (mine.computeIfAbsent(e.container(), c -> new HashMap<>()).putIfAbsent(e.keyText(), List.of(new Claim(f.owner(), e))) == null) {
                        ownedCount++;
                    }
                } else {
                    claimShared(new ElementKey(e.container(), e.keyText()), f.owner(), e);
                }
            }
            mine.forEach((container, byKey) -> owned.put(container, new Owned(f.owner(), java.util.Collections.unmodifiableMap(byKey))));
        }

        void unclaim(Fragment f) {
            Set<String> declared = declared(f);
            Set<String> removed = new HashSet<>();
            for (String container : declared) {
                Owned o = owned.get(container);
                if (o != null && o.owner().equals(f.owner())) {
                    ownedCount -= o.byKey().size();
                    owned.remove(container);
                    removed.add(container);
                }
            }
            for (Element e : f.elements()) {
                if (!removed.contains(e.container())) {
                    unclaimShared(new ElementKey(e.container(), e.keyText()), f.owner());
                }
            }
        }

        ElementIndex build() {
            return new ElementIndex(shared.build(), owned.build(), ownedCount);
        }

        /** The containers a service fragment declares (none for the base: its containers are shared). */
        private static Set<String> declared(Fragment f) {
            if (f.owner().equals(Fragment.BASE_OWNER) || f.containers().isEmpty()) {
                return Set.of();
            }
            Set<String> out = new HashSet<>();
            f.containers().forEach(c -> out.add(c.name()));
            return out;
        }

        private void claimShared(ElementKey k, String owner, Element e) {
            List<Claim> old = shared.get(k);
            if (old == null) {
                shared.put(k, List.of(new Claim(owner, e)));
                return;
            }
            List<Claim> next = new ArrayList<>(old.size() + 1);
            next.addAll(old);
            int at = 0;
            while (at < next.size() && next.get(at).owner().compareTo(owner) <= 0) {
                at++;
            }
            next.add(at, new Claim(owner, e));
            shared.put(k, List.copyOf(next));
        }

        private void unclaimShared(ElementKey k, String owner) {
            List<Claim> old = shared.get(k);
            if (old == null) {
                return;
            }
            List<Claim> next = new ArrayList<>(old);
            next.removeIf(c -> c.owner().equals(owner));
            if (next.isEmpty()) {
                shared.remove(k);
            } else {
                shared.put(k, List.copyOf(next));
            }
        }
    }
}
