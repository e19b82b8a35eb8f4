package io.clusterdns.agent.nft;

import static io.clusterdns.agent.nft.PacketTracer.Origin.OUTSIDE;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.lb.LoadBalancing;
import io.clusterdns.agent.lb.LoadBalancingConfig;
import io.clusterdns.agent.lb.LookupTable;
import io.clusterdns.agent.lb.MaglevTable;
import io.clusterdns.agent.lb.RendezvousTable;
import io.clusterdns.agent.model.DesiredStateBuilder;
import io.clusterdns.agent.model.Endpoint;
import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.agent.model.ServicePortName;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The load balancing modes change only how an endpoint is picked: every packet scenario of
 * {@link ServiceRulesTest} ends the same under each mode, affinity still wins, and the rules carry
 * the mode's pick ({@code numgen inc}, {@code jhash} over the Maglev or rendezvous table).
 */
class LoadBalancingRulesTest {
    static NodeContext context(LoadBalancing mode) {
        return Conventions.context(IpFamily.IPV4).withLoadBalancing(new LoadBalancingConfig(mode, 4093));
    }

    static Stream<Arguments> casesPerMode() {
        List<Arguments> out = new ArrayList<>();
        for (LoadBalancing mode : List.of(LoadBalancing.ROUND_ROBIN, LoadBalancing.MAGLEV, LoadBalancing.MAGLEV_SOURCE,
                LoadBalancing.RENDEZVOUS, LoadBalancing.RENDEZVOUS_SOURCE)) {
            ServiceRulesTest.cases().forEach(a -> {
                Object[] args = a.get();
                Object[] withMode = new Object[args.length + 1];
                withMode[0] = mode;
                System.arraycopy(args, 0, withMode, 1, args.length);
                out.add(Arguments.of(withMode));
            });
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("casesPerMode")
    void everyScenarioEndsAsWithRandom(LoadBalancing mode, String name, PacketTracer.Origin origin, String src, String dst,
                                       Protocol proto, int port, String expected) {
        NftModel model = Conventions.render(RulesetTextTest.CLUSTER, context(mode));
        assertThat(new PacketTracer(model, List.of(Conventions.NODE_IP, "127.0.0.1")).trace(origin, src, dst, proto, port))
                .hasToString(expected);
    }

    @ParameterizedTest
    @EnumSource(value = LoadBalancing.class, names = {"ROUND_ROBIN", "MAGLEV", "MAGLEV_SOURCE", "RENDEZVOUS", "RENDEZVOUS_SOURCE"})
    void clientIpAffinityComesBeforeThePick(LoadBalancing mode) {
        ServicePortName svc4 = new ServicePortName(ServiceKey.of("ns4", "svc4"), "p80", Protocol.TCP);
        Endpoint second = new Endpoint(IpAddresses.parse("10.244.2.45"), 80, true, true, false, false);
        NftModel model = Conventions.render(RulesetTextTest.CLUSTER, context(mode));
        PacketTracer t = new PacketTracer(model, List.of(Conventions.NODE_IP, "127.0.0.1"));
        t.remember(ChainNames.affinity(svc4, second), Conventions.EXTERNAL_CLIENT);
        assertThat(t.trace(OUTSIDE, Conventions.EXTERNAL_CLIENT, "192.0.2.11", Protocol.TCP, 80)).hasToString("ACCEPT DNAT [10.244.2.45:80] MASQ");
        List<Rule> rules = chain(model, ChainNames.service(svc4)).rules();
        assertThat(rules.get(rules.size() - 1).exprs().get(0)).as("the pick is last, after the affinity rules")
                .isInstanceOf(mode == LoadBalancing.ROUND_ROBIN ? Expr.NumgenVmap.class : Expr.JhashVmap.class);
    }

    static final String ANNOTATED = """
            apiVersion: v1
            kind: Service
            metadata: {name: %1$s, namespace: lb, annotations: {clusterdns.io/load-balancing: "%2$s"}}
            spec:
              clusterIP: %3$s
              ports: [{name: p80, port: 80}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: %1$s-a, namespace: lb, labels: {kubernetes.io/service-name: %1$s}}
            addressType: IPv4
            ports: [{name: p80, port: 8080, protocol: TCP}]
            endpoints:
            - {addresses: [10.244.1.1], nodeName: node-1, conditions: {ready: true}}
            - {addresses: [10.244.2.2], nodeName: node-2, conditions: {ready: true}}
            - {addresses: [10.244.2.3], nodeName: node-2, conditions: {ready: true}}
            """;

    static String annotated(String name, String value, String ip) {
        return ANNOTATED.formatted(name, value, ip);
    }

    /** With {@code clusterdns.io/maglev-table-size: size} too. */
    static String annotated(String name, String value, String ip, String size) {
        return annotated(name, value, ip).replace("annotations: {", "annotations: {clusterdns.io/maglev-table-size: \"" + size + "\", ");
    }

    static final String CLUSTER = String.join("---\n",
            annotated("rr", "round-robin", "10.96.1.1"),
            annotated("maglev", "maglev", "10.96.1.2"),
            annotated("source", " Maglev-Source ", "10.96.1.3"),
            annotated("bogus", "least-connections", "10.96.1.4"),
            annotated("random", "random", "10.96.1.5"),
            annotated("hrw", "rendezvous", "10.96.1.10"),
            annotated("hrw-source", "rendezvous-source", "10.96.1.11", "1021"),
            annotated("maglev-big", "maglev", "10.96.1.12", " 16381 "),
            annotated("bad-size", "rendezvous", "10.96.1.13", "4096"),
            annotated("nan-size", "maglev", "10.96.1.14", "large"));

    static String pick(NftModel model, String service) {
        List<Rule> rules = chain(model, ChainNames.service(new ServicePortName(ServiceKey.of("lb", service), "p80", Protocol.TCP))).rules();
        return rules.get(rules.size() - 1).render(model.family());
    }

    @Test
    void theAnnotationChoosesTheModeAndAnUnknownValueFallsBackToTheNodes() {
        NftModel model = Conventions.render(CLUSTER, context(LoadBalancing.RANDOM));
        assertThat(pick(model, "rr")).startsWith("numgen inc mod 3 vmap { 0 : goto endpoint-");
        assertThat(pick(model, "maglev")).isEqualTo("jhash ip saddr . ip daddr . meta l4proto . th sport . th dport mod 4093 seed 0x5eed vmap @"
                + ChainNames.maglev(new ServicePortName(ServiceKey.of("lb", "maglev"), "p80", Protocol.TCP)));
        assertThat(pick(model, "source")).startsWith("jhash ip saddr mod 4093 seed 0x5eed vmap @maglev-");
        assertThat(pick(model, "bogus")).as("node default random, through DNAT slots").matches("meta l4proto tcp dnat ip addr \\. port to numgen random mod 3 offset \\d+ map @dnat-slots-tcp-\\d+");
        assertThat(pick(model, "random")).matches("meta l4proto tcp dnat ip addr \\. port to numgen random mod 3 offset \\d+ map @dnat-slots-tcp-\\d+");

        NftModel maglevNode = Conventions.render(CLUSTER, context(LoadBalancing.MAGLEV));
        assertThat(pick(maglevNode, "bogus")).as("node default maglev").startsWith("jhash ip saddr . ip daddr");
        assertThat(pick(maglevNode, "random")).as("the annotation wins over the node").startsWith("meta l4proto tcp dnat ip addr . port to numgen random mod 3");
        assertThat(pick(maglevNode, "rr")).startsWith("numgen inc mod 3");
        for (String svc : List.of("rr", "maglev", "source", "bogus")) {
            assertThat(new PacketTracer(maglevNode, List.of(Conventions.NODE_IP)).trace(OUTSIDE, "10.244.1.9", "10.96.1." + (List.of("rr", "maglev", "source", "bogus").indexOf(svc) + 1), Protocol.TCP, 80))
                    .hasToString("ACCEPT DNAT [10.244.1.1:8080, 10.244.2.2:8080, 10.244.2.3:8080]");
        }
    }

    @Test
    void theTableSizeAnnotationSetsMAndAnInvalidOneFallsBackToTheNodes() {
        NftModel model = Conventions.render(CLUSTER, context(LoadBalancing.RANDOM));
        assertThat(pick(model, "hrw")).as("rendezvous, the node's M").isEqualTo("jhash ip saddr . ip daddr . meta l4proto . th sport . th dport mod 4093 seed 0x5eed vmap @"
                + ChainNames.maglev(new ServicePortName(ServiceKey.of("lb", "hrw"), "p80", Protocol.TCP)));
        assertThat(pick(model, "hrw-source")).startsWith("jhash ip saddr mod 1021 seed 0x5eed vmap @maglev-");
        assertThat(pick(model, "maglev-big")).startsWith("jhash ip saddr . ip daddr . meta l4proto . th sport . th dport mod 16381 ");
        assertThat(pick(model, "bad-size")).as("4096 is not prime").contains(" mod 4093 ");
        assertThat(pick(model, "nan-size")).contains(" mod 4093 ");
        assertThat(model.element(new NftModel.ElementKey(ChainNames.maglev(new ServicePortName(ServiceKey.of("lb", "hrw-source"), "p80", Protocol.TCP)), "1021")))
                .as("no slot past the service's table").isNull();
        for (String svc : List.of("hrw", "hrw-source", "maglev-big", "bad-size")) {
            assertThat(new PacketTracer(model, List.of(Conventions.NODE_IP)).trace(OUTSIDE, "10.244.1.9",
                    "10.96.1." + (10 + List.of("hrw", "hrw-source", "maglev-big", "bad-size").indexOf(svc)), Protocol.TCP, 80))
                    .as(svc).hasToString("ACCEPT DNAT [10.244.1.1:8080, 10.244.2.2:8080, 10.244.2.3:8080]");
        }
    }

    @Test
    void onlyClusterdnsAnnotationsAreKept() {
        String yaml = annotated("kept", "maglev", "10.96.1.7").replace("annotations: {", "annotations: {kubectl.kubernetes.io/last-applied-configuration: '{}', ");
        var svc = Conventions.snapshot(yaml).services().values().iterator().next();
        assertThat(svc.annotations()).containsExactly(java.util.Map.entry("clusterdns.io/load-balancing", "maglev"));
    }

    @Test
    void ipv6HashesIpv6Addresses() {
        String v6 = """
                apiVersion: v1
                kind: Service
                metadata: {name: six, namespace: lb, annotations: {clusterdns.io/load-balancing: maglev}}
                spec:
                  ipFamilies: [IPv6]
                  clusterIP: fd00:10:96::61
                  ports: [{name: p80, port: 80}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: six-a, namespace: lb, labels: {kubernetes.io/service-name: six}}
                addressType: IPv6
                ports: [{name: p80, port: 80, protocol: TCP}]
                endpoints:
                - {addresses: ["fd00:10:244:1::1"], conditions: {ready: true}}
                - {addresses: ["fd00:10:244:2::2"], conditions: {ready: true}}
                """;
        NftModel model = Conventions.render(v6, Conventions.context(IpFamily.IPV6));
        assertThat(pick(model, "six")).startsWith("jhash ip6 saddr . ip6 daddr . meta l4proto . th sport . th dport mod 4093 seed 0x5eed");
        assertThat(new PacketTracer(model, List.of(Conventions.NODE_IP6)).trace(OUTSIDE, "fd00:10:244:1::9", "fd00:10:96::61", Protocol.TCP, 80))
                .hasToString("ACCEPT DNAT [[fd00:10:244:1::1]:80, [fd00:10:244:2::2]:80]");
    }

    @ParameterizedTest
    @EnumSource(value = LoadBalancing.class, names = {"MAGLEV", "RENDEZVOUS"})
    void theRuleIsTheModesTableAndTheSameOnEveryNode(LoadBalancing mode) {
        String service = mode == LoadBalancing.MAGLEV ? "maglev" : "hrw";
        NftModel here = Conventions.render(CLUSTER, context(LoadBalancing.RANDOM));
        NftModel there = FamilyRenderer.renderAll(Conventions.snapshot(CLUSTER), new DesiredStateBuilder("node-2"), context(LoadBalancing.RANDOM));
        assertThat(pick(there, service)).as("the rule on another node").isEqualTo(pick(here, service));

        ServicePortName name = new ServicePortName(ServiceKey.of("lb", service), "p80", Protocol.TCP);
        List<String> backends = List.of("10.244.1.1:8080", "10.244.2.2:8080", "10.244.2.3:8080");
        LookupTable table = mode.table(backends, 4093);
        assertThat(table).isInstanceOf(mode == LoadBalancing.MAGLEV ? MaglevTable.class : RendezvousTable.class);
        for (NftModel m : List.of(here, there)) {
            for (int s = 0; s < table.size(); s++) {
                Element slot = m.element(new NftModel.ElementKey(ChainNames.maglev(name), Integer.toString(s)));
                assertThat(slot).as("slot %d", s).isNotNull();
                assertThat(slot.value()).as("slot %d", s).isEqualTo(new Expr.Goto(ChainNames.endpoint(name, endpoint(table.owner(s)))));
            }
            assertThat(m.element(new NftModel.ElementKey(ChainNames.maglev(name), "4093"))).as("no slot past the table").isNull();
        }
        assertThat(RulesetText.render(here)).contains("map " + ChainNames.maglev(name) + " {\n\t\ttypeof numgen inc mod 2 : verdict");
    }

    /** 600 endpoints × 65,537 slots is over {@link RendezvousTable#MAX_WEIGHTS}: built by Maglev, same map, same key. */
    @Test
    void aRendezvousTableTooCostlyToBuildIsMaglevs() {
        String endpoints = IntStream.range(0, 600).mapToObj(i -> "- {addresses: [10.244." + (10 + i / 200) + "." + (i % 200 + 1) + "], conditions: {ready: true}}")
                .collect(Collectors.joining("\n"));
        String big = annotated("huge", "rendezvous-source", "10.96.1.9", "65537").replaceAll("(?s)endpoints:\n.*", "endpoints:\n" + endpoints + "\n");
        NftModel model = Conventions.render(big, context(LoadBalancing.RANDOM));
        assertThat(pick(model, "huge")).startsWith("jhash ip saddr mod 65537 ");
        ServicePortName name = new ServicePortName(ServiceKey.of("lb", "huge"), "p80", Protocol.TCP);
        List<String> backends = IntStream.range(0, 600).mapToObj(i -> "10.244." + (10 + i / 200) + "." + (i % 200 + 1) + ":8080").toList();
        MaglevTable table = MaglevTable.build(backends, 65537);
        for (int s = 0; s < table.size(); s += 97) {
            assertThat(model.element(new NftModel.ElementKey(ChainNames.maglev(name), Integer.toString(s))).value()).as("slot %d", s)
                    .isEqualTo(new Expr.Goto(ChainNames.endpoint(name, endpoint(table.owner(s)))));
        }
        assertThat(RendezvousTable.affordable(511, 65537)).isTrue();
        assertThat(RendezvousTable.affordable(512, 65537)).isFalse();
        assertThat(RendezvousTable.affordable(1638, 16381)).as("every size the slot threshold allows at 16381").isTrue();
    }

    @Test
    void aServiceTooBigForTheTablePicksAtRandom() {
        String endpoints = IntStream.range(1, 31).mapToObj(i -> "- {addresses: [10.244.3." + i + "], conditions: {ready: true}}")
                .collect(Collectors.joining("\n"));
        String big = annotated("big", "maglev", "10.96.1.9").replaceAll("(?s)endpoints:\n.*", "endpoints:\n" + endpoints + "\n");
        NodeContext small = Conventions.context(IpFamily.IPV4).withLoadBalancing(new LoadBalancingConfig(LoadBalancing.RANDOM, 251));
        assertThat(pick(Conventions.render(big, small), "big")).as("30 endpoints x 10 > 251 slots").startsWith("numgen random mod 30 vmap");
        NodeContext enough = Conventions.context(IpFamily.IPV4).withLoadBalancing(new LoadBalancingConfig(LoadBalancing.RANDOM, 307));
        assertThat(pick(Conventions.render(big, enough), "big")).startsWith("jhash ");
    }

    private static Endpoint endpoint(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new Endpoint(IpAddresses.parse(hostPort.substring(0, colon)), Integer.parseInt(hostPort.substring(colon + 1)),
                true, true, false, false);
    }

    private static ChainDef chain(NftModel model, String name) {
        return Stream.concat(model.sortedServices().stream(), Stream.of(model.base()))
                .flatMap(f -> f.chains().stream()).filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no chain " + name));
    }
}
