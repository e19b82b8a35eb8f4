package io.clusterdns.agent.nft;

import io.clusterdns.agent.model.Cidr;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small interpreter of a rendered {@link NftModel}, kube-proxy's {@code helpers_test.go} tracer
 * in spirit: "a new connection from SRC to DST:PORT arrives from outside (or leaves a host
 * process): what happens?" It walks the base chains of the hooks the packet passes in priority
 * order, follows jump/goto/vmap/numgen/jhash/DNAT slots (every numgen branch and every endpoint of a Maglev table, collecting all DNAT targets), and
 * reports the final verdict, the DNAT targets and whether the packet was masqueraded.
 *
 * <p>It interprets the {@link Expr} records the renderer produced, so it checks the rules'
 * meaning while the golden files check their text.
 */
final class PacketTracer {
    enum Origin { OUTSIDE, HOST }

    enum Verdict { ACCEPT, DROP, REJECT }

    /** The outcome of one new connection. */
    record Result(Verdict verdict, List<String> dnat, boolean masquerade) {
        @Override
        public String toString() {
            return verdict + (dnat.isEmpty() ? "" : " DNAT " + dnat) + (masquerade ? " MASQ" : "");
        }
    }

    /** CONTINUE: go on with the next rule; RETURN: leave the current chain (return or goto fell through). */
    private enum Flow { CONTINUE, RETURN, ACCEPT, DROP, REJECT }

    /** Packet state along one numgen branch. */
    private record State(InetAddress src, InetAddress dst, int dport, int mark, String dnat, boolean masq) {
        State with(InetAddress newDst, int newPort, String target) {
            return new State(src, newDst, newPort, mark, target, masq);
        }
    }

    private record Outcome(State state, Flow flow) {
    }

    private final NftModel model;
    private final Family family;
    private final Set<InetAddress> localAddresses;
    private final Map<String, ChainDef> chains = new HashMap<>();
    private final Map<String, Set<String>> affinity = new HashMap<>();
    private Protocol proto;

    PacketTracer(NftModel model, List<String> localAddresses) {
        this.model = model;
        this.family = model.family();
        this.localAddresses = new LinkedHashSet<>();
        localAddresses.forEach(a -> this.localAddresses.add(IpAddresses.parse(a)));
        List<Fragment> all = new ArrayList<>(model.sortedServices());
        all.add(model.base());
        for (Fragment f : all) {
            f.chains().forEach(c -> chains.put(c.name(), c));
        }
    }

    /** Pretends {@code client} is in an affinity set (a previous connection chose that endpoint). */
    void remember(String affinitySet, String client) {
        affinity.computeIfAbsent(affinitySet, k -> new LinkedHashSet<>()).add(client);
    }

    Result trace(Origin origin, String src, String dst, Protocol protocol, int dport) {
        this.proto = protocol;
        List<State> states = List.of(new State(IpAddresses.parse(src), IpAddresses.parse(dst), dport, 0, null, false));
        List<Outcome> done = new ArrayList<>();
        if (origin == Origin.HOST) {
            states = hooks(states, done, "output", "postrouting");
        } else {
            states = hooks(states, done, "prerouting");
            List<State> input = states.stream().filter(s -> localAddresses.contains(s.dst)).toList();
            List<State> forward = states.stream().filter(s -> !localAddresses.contains(s.dst)).toList();
            collect(hooks(input, done, "input"), done);
            states = hooks(forward, done, "forward", "postrouting");
        }
        collect(states, done);
        return summarize(done);
    }

    private static void collect(List<State> states, List<Outcome> done) {
        states.forEach(s -> done.add(new Outcome(s, Flow.ACCEPT)));
    }

    private Result summarize(List<Outcome> done) {
        Set<Flow> flows = new LinkedHashSet<>();
        Set<String> targets = new java.util.TreeSet<>(); // sorted: branch order is not meaningful
        Set<Boolean> masq = new LinkedHashSet<>();
        for (Outcome o : done) {
            flows.add(o.flow);
            if (o.state.dnat != null) {
                targets.add(o.state.dnat);
            }
            masq.add(o.state.masq);
        }
        if (flows.size() != 1 || masq.size() != 1) {
            throw new AssertionError("numgen branches disagree: " + done);
        }
        Verdict v = switch (flows.iterator().next()) {
            case DROP -> Verdict.DROP;
            case REJECT -> Verdict.REJECT;
            default -> Verdict.ACCEPT;
        };
        return new Result(v, List.copyOf(targets), masq.iterator().next());
    }

    /** Runs the base chains of these hooks in priority order; packets that are dropped or rejected end in {@code done}. */
    private List<State> hooks(List<State> states, List<Outcome> done, String... hooks) {
        List<ChainDef> bases = new ArrayList<>();
        for (String h : hooks) {
            chains.values().stream().filter(c -> c.isBase() && c.hook().hook().equals(h))
                    .sorted(Comparator.comparingInt(c -> c.hook().priority())).forEach(bases::add);
        }
        List<State> current = states;
        for (ChainDef base : bases) {
            List<State> next = new ArrayList<>();
            for (State s : current) {
                for (Outcome o : run(base, s)) {
                    if (o.flow == Flow.DROP || o.flow == Flow.REJECT) {
                        done.add(o);
                    } else {
                        next.add(o.state);
                    }
                }
            }
            current = next;
        }
        return current;
    }

    private List<Outcome> run(ChainDef chain, State state) {
        return runFrom(chain, 0, state, 0);
    }

    private List<Outcome> runFrom(ChainDef chain, int ruleIndex, State state, int depth) {
        if (depth > 32) {
            throw new AssertionError("jump loop at " + chain.name());
        }
        for (int i = ruleIndex; i < chain.rules().size(); i++) {
            List<Outcome> r = rule(chain.rules().get(i), state, depth);
            if (r == null) {
                continue;
            }
            List<Outcome> out = new ArrayList<>();
            for (Outcome o : r) {
                if (o.flow == Flow.CONTINUE) {
                    out.addAll(runFrom(chain, i + 1, o.state, depth));
                } else if (o.flow == Flow.RETURN) {
                    out.add(new Outcome(o.state, Flow.CONTINUE)); // back in the caller, after its jump
                } else {
                    out.add(o);
                }
            }
            return out;
        }
        return List.of(new Outcome(state, Flow.CONTINUE));
    }

    /** null: the rule did not match (or had no verdict), go on with the next rule. */
    private List<Outcome> rule(Rule rule, State in, int depth) {
        return ruleFrom(rule, 0, in, in, depth);
    }

    private List<Outcome> ruleFrom(Rule rule, int from, State in, State start, int depth) {
        State s = in;
        for (int i = from; i < rule.exprs().size(); i++) {
            Expr e = rule.exprs().get(i);
            if (e instanceof Expr.MarkSet m) {
                s = new State(s.src, s.dst, s.dport, s.mark | m.mark(), s.dnat, s.masq);
            } else if (e instanceof Expr.MarkToggle m) {
                s = new State(s.src, s.dst, s.dport, s.mark ^ m.mark(), s.dnat, s.masq);
            } else if (e instanceof Expr.UpdateAffinity || e instanceof Expr.CtStateNew) {
                continue; // every traced packet is a new connection; affinity updates are not modelled
            } else if (e instanceof Expr.NumgenEq) {
                // random: follow both the packets this rule takes and those it leaves to the next rules
                List<Outcome> both = new ArrayList<>();
                both.add(new Outcome(start, Flow.CONTINUE));
                List<Outcome> taken = ruleFrom(rule, i + 1, s, start, depth);
                both.addAll(taken == null ? List.of(new Outcome(start, Flow.CONTINUE)) : taken);
                return both;
            } else if (isMatch(e)) {
                if (!matches(e, s)) {
                    return null;
                }
            } else {
                return action(e, s, depth);
            }
        }
        return s == start ? null : List.of(new Outcome(s, Flow.CONTINUE));
    }

    private static boolean isMatch(Expr e) {
        return e instanceof Expr.Addr || e instanceof Expr.AddrInSet || e instanceof Expr.FibLocal
                || e instanceof Expr.Dport || e instanceof Expr.L4Proto || e instanceof Expr.MarkClear
                || e instanceof Expr.CtStatusDnat || e instanceof Expr.AddrPairInSet;
    }

    private boolean matches(Expr e, State s) {
        if (e instanceof Expr.Addr a) {
            return a.negate() != matchesAny(a.dir() == Expr.Dir.SADDR ? s.src : s.dst, a.values());
        } else if (e instanceof Expr.AddrInSet a) {
            return inSet(a.set(), a.dir() == Expr.Dir.SADDR ? s.src : s.dst);
        } else if (e instanceof Expr.FibLocal fl) {
            return localAddresses.contains(fl.dir() == Expr.Dir.SADDR ? s.src : s.dst);
        } else if (e instanceof Expr.Dport d) {
            return d.protocol() == proto && d.port() == s.dport;
        } else if (e instanceof Expr.L4Proto l) {
            return l.protocol() == proto;
        } else if (e instanceof Expr.MarkClear m) {
            return (s.mark & m.mark()) == 0;
        } else if (e instanceof Expr.CtStatusDnat) {
            return s.dnat != null;
        } else if (e instanceof Expr.AddrPairInSet p) {
            String key = IpAddresses.format(s.src) + " . " + IpAddresses.format(s.dst);
            return model.element(new NftModel.ElementKey(p.set(), key)) != null;
        }
        throw new AssertionError("not a match: " + e);
    }

    /** Statements that end the rule: verdicts, maps, NAT, reject. */
    private List<Outcome> action(Expr e, State s, int depth) {
        if (e instanceof Expr.Reject) {
            return List.of(new Outcome(s, Flow.REJECT));
        } else if (e instanceof Expr.Masquerade) {
            return List.of(new Outcome(new State(s.src, s.dst, s.dport, s.mark, s.dnat, true), Flow.ACCEPT));
        } else if (e instanceof Expr.Dnat d) {
            String target = d.render(family).substring("dnat to ".length());
            return List.of(new Outcome(s.with(d.ip(), d.port(), target), Flow.ACCEPT));
        } else if (e instanceof Expr.DnatSlots d) {
            // every slot numgen can pick: each must hold an endpoint
            List<Outcome> all = new ArrayList<>();
            for (int k = 0; k < d.mod(); k++) {
                Element el = model.element(new NftModel.ElementKey(d.map(), Integer.toString(d.offset() + k)));
                if (el == null || !(el.value() instanceof Expr.AddrPort ap)) {
                    throw new AssertionError("slot " + (d.offset() + k) + " of " + d.map() + " holds no endpoint");
                }
                all.addAll(action(new Expr.Dnat(ap.ip(), ap.port()), s, depth));
            }
            return all;
        } else if (e instanceof Expr.Vmap v) {
            Element el = lookup(v, s);
            return el == null ? null : verdict((Expr.Verdict) el.value(), s, depth);
        } else if (e instanceof Expr.NumgenVmap n) {
            List<Outcome> all = new ArrayList<>();
            for (String c : n.chains()) {
                all.addAll(verdict(new Expr.Goto(c), s, depth));
            }
            return all;
        } else if (e instanceof Expr.JhashVmap j) {
            // the kernel's jhash is not modelled: follow every endpoint the table's slots can reach
            Set<Expr.Verdict> targets = new LinkedHashSet<>();
            for (Fragment f : model.sortedServices()) {
                f.elements().stream().filter(el -> el.container().equals(j.map())).forEach(el -> targets.add((Expr.Verdict) el.value()));
            }
            if (targets.isEmpty()) {
                throw new AssertionError("Maglev table " + j.map() + " is empty");
            }
            List<Outcome> all = new ArrayList<>();
            for (Expr.Verdict v : targets) {
                all.addAll(verdict(v, s, depth));
            }
            return all;
        } else if (e instanceof Expr.Verdict v) {
            return verdict(v, s, depth);
        }
        throw new AssertionError("the tracer does not know " + e);
    }

    private List<Outcome> verdict(Expr.Verdict v, State s, int depth) {
        if (v instanceof Expr.Drop) {
            return List.of(new Outcome(s, Flow.DROP));
        } else if (v instanceof Expr.Return) {
            return List.of(new Outcome(s, Flow.RETURN));
        } else if (v instanceof Expr.Jump j) {
            return runFrom(chain(j.chain()), 0, s, depth + 1);
        }
        // goto: the target's result is this chain's result; falling off its end returns to our caller
        String target = ((Expr.Goto) v).chain();
        return runFrom(chain(target), 0, s, depth + 1).stream()
                .map(o -> o.flow == Flow.CONTINUE ? new Outcome(o.state, Flow.RETURN) : o).toList();
    }

    private ChainDef chain(String name) {
        ChainDef c = chains.get(name);
        if (c == null) {
            throw new AssertionError("reference to missing chain " + name);
        }
        return c;
    }

    private Element lookup(Expr.Vmap v, State s) {
        String key = (v.key() == Expr.VmapKey.DADDR_PROTO_PORT ? IpAddresses.format(s.dst) + " . " : "")
                + proto.label() + " . " + s.dport;
        return model.element(new NftModel.ElementKey(v.map(), key));
    }

    private boolean inSet(String set, InetAddress addr) {
        if (set.startsWith(ChainNames.AFFINITY)) {
            return affinity.getOrDefault(set, Set.of()).contains(IpAddresses.format(addr));
        }
        return model.element(new NftModel.ElementKey(set, IpAddresses.format(addr))) != null;
    }

    private static boolean matchesAny(InetAddress addr, List<String> values) {
        for (String v : values) {
            if (Cidr.parse(v).contains(addr)) {
                return true;
            }
        }
        return false;
    }
}
