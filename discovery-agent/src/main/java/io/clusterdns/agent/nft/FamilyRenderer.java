package io.clusterdns.agent.nft;

import io.clusterdns.agent.model.DesiredStateBuilder;
import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.agent.model.ServicePortState;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps one family's model up to date from snapshots, re-rendering only service ports whose
 * {@link ServicePortState} changed (kube-proxy's "skip unchanged services"). Rendering itself is
 * pure ({@link ServiceRules}, {@link BaseRules}); this class only caches the last states so that
 * a one-service change in a 10,000-service cluster renders one fragment. Used by one thread.
 */
public final class FamilyRenderer {
    /** The new model and the service ports whose state changed (new state, or null when gone). */
    public record Result(NftModel model, Map<String, ServicePortState> changedStates) {
    }

    private final Family family;
    private final DesiredStateBuilder builder;
    private final Map<ServiceKey, List<ServicePortState>> statesByService = new HashMap<>();
    /** Every current service port by owner, and the owners of each {@link DnatSlotBlocks#block}. */
    private final Map<String, ServicePortState> stateByOwner = new HashMap<>();
    private final Map<Integer, List<String>> ownersByBlock = new HashMap<>();
    /** Each owner's {@link DnatSlotBlocks#block}, hashed once when it appears rather than on every render. */
    private final Map<String, Integer> blockByOwner = new HashMap<>();
    private NftModel model;
    private NodeContext context;
    /** {@link DesiredStateBuilder#knowsNode} at the last render: when it flips, every endpoint's {@code remote} may change. */
    private boolean nodeKnown;

    public FamilyRenderer(Family family, DesiredStateBuilder builder) {
        this.family = family;
        this.builder = builder;
        this.model = NftModel.empty(family);
    }

    /** One-shot rendering of a whole snapshot (dry run, golden tests, benchmarks). */
    public static NftModel renderAll(ClusterSnapshot snapshot, DesiredStateBuilder builder, NodeContext ctx) {
        return new FamilyRenderer(Family.of(ctx.family()), builder).render(snapshot, null, ctx).model();
    }

    /**
     * @param changed services that may have changed since the last call, or null for "any": every
     *                service is then recomputed, but still only changed states are re-rendered
     */
    public Result render(ClusterSnapshot snapshot, Collection<ServiceKey> changed, NodeContext ctx) {
        if (Family.of(ctx.family()) != family) {
            throw new IllegalArgumentException("context of family " + ctx.family() + " for the " + family + " table");
        }
        boolean contextChanged = !ctx.equals(context);
        context = ctx;
        boolean knows = builder.knowsNode(snapshot);
        boolean nodeKnownChanged = knows != nodeKnown;
        nodeKnown = knows;
        Set<ServiceKey> keys = new HashSet<>();
        if (changed == null || contextChanged || nodeKnownChanged) {
            keys.addAll(snapshot.services().keySet());
            keys.addAll(statesByService.keySet());
        } else {
            keys.addAll(changed);
        }
        Map<String, ServicePortState> toRender = new HashMap<>();
        Set<String> gone = new HashSet<>();
        Map<String, ServicePortState> changedStates = new LinkedHashMap<>();
        for (ServiceKey key : keys) {
            ServiceInfo svc = snapshot.service(key);
            List<ServicePortState> next = svc == null ? List.of() : builder.build(svc, snapshot.slices(key), family.ipFamily(), ctx.zone(), nodeKnown);
            List<ServicePortState> prev = statesByService.getOrDefault(key, List.of());
            if (!contextChanged && next.equals(prev)) {
                continue;
            }
            diffPorts(prev, next, contextChanged, toRender, gone, changedStates);
            if (next.isEmpty()) {
                statesByService.remove(key);
            } else {
                statesByService.put(key, next);
            }
        }
        Map<String, Fragment> updates = new HashMap<>();
        for (String owner : sharingChanges(toRender, gone)) {
            toRender.putIfAbsent(owner, stateByOwner.get(owner));
        }
        toRender.forEach((owner, state) -> updates.put(owner, ServiceRules.render(state, context, !sharesBlock(owner))));
        gone.forEach(owner -> updates.put(owner, null));
        Fragment base = contextChanged ? BaseRules.render(ctx) : null;
        model = model.with(base, updates);
        return new Result(model, changedStates);
    }

    private void diffPorts(List<ServicePortState> prev, List<ServicePortState> next, boolean force,
                           Map<String, ServicePortState> toRender, Set<String> gone, Map<String, ServicePortState> changedStates) {
        Map<String, ServicePortState> before = new HashMap<>();
        prev.forEach(s -> before.put(s.name().chainBase(), s));
        for (ServicePortState s : next) {
            String owner = s.name().chainBase();
            ServicePortState old = before.remove(owner);
            if (force || !s.equals(old)) {
                toRender.put(owner, s);
            }
            if (!Objects.equals(s, old)) {
                changedStates.put(owner, s);
            }
        }
        for (String g : before.keySet()) {
            gone.add(g);
            changedStates.put(g, null);
        }
    }

    /**
     * Records the current owners ({@code toRender} may be new, {@code gone} are removed) and
     * returns the other owners whose block became shared or exclusive: their rules change too.
     */
    private Set<String> sharingChanges(Map<String, ServicePortState> toRender, Set<String> gone) {
        Map<Integer, Boolean> sharedBefore = new HashMap<>();
        for (String owner : gone) {
            if (stateByOwner.remove(owner) != null) {
                int b = blockOf(owner);
                blockByOwner.remove(owner);
                sharedBefore.putIfAbsent(b, ownersByBlock.get(b).size() > 1);
                List<String> owners = ownersByBlock.get(b);
                owners.remove(owner);
                if (owners.isEmpty()) {
                    ownersByBlock.remove(b);
                }
            }
        }
        for (Map.Entry<String, ServicePortState> e : toRender.entrySet()) {
            if (stateByOwner.put(e.getKey(), e.getValue()) == null) {
                int b = DnatSlotBlocks.block(e.getKey());
                blockByOwner.put(e.getKey(), b);
                List<String> owners = ownersByBlock.computeIfAbsent(b, k -> new ArrayList<>(1));
                sharedBefore.putIfAbsent(b, owners.size() > 1);
                owners.add(e.getKey());
            }
        }
        Set<String> others = new HashSet<>();
        sharedBefore.forEach((b, was) -> {
            List<String> owners = ownersByBlock.getOrDefault(b, List.of());
            if (was != owners.size() > 1) {
                owners.stream().filter(o -> !toRender.containsKey(o)).forEach(others::add);
            }
        });
        return others;
    }

    private boolean sharesBlock(String owner) {
        return ownersByBlock.getOrDefault(blockOf(owner), List.of()).size() > 1;
    }

    private int blockOf(String owner) {
        Integer b = blockByOwner.get(owner);
        return b != null ? b : DnatSlotBlocks.block(owner);
    }

    public NftModel model() {
        return model;
    }

    /** Current states of every service port of this family (for health checks and metrics). */
    public List<ServicePortState> states() {
        List<ServicePortState> out = new ArrayList<>();
        statesByService.values().forEach(out::addAll);
        return out;
    }
}
