package io.clusterdns.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.AgentConfig;
import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.MutableClock;
import io.clusterdns.agent.lb.LoadBalancing;
import io.clusterdns.agent.lb.LoadBalancingConfig;
import io.clusterdns.agent.nft.FakeNft;
import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.k8s.model.IpAddresses;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import io.clusterdns.agent.lb.RendezvousTable;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The load balancing modes through a sync: an endpoint change sends only the table slots that changed; a bad annotation is counted. */
class LoadBalancingSyncTest {
    static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: lb, annotations: {clusterdns.io/load-balancing: "%s"}}
            spec:
              clusterIP: 10.96.3.1
              ports: [{name: http, port: 80}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-a, namespace: lb, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            ports: [{name: http, port: 8080, protocol: TCP}]
            endpoints:
            """;

    static String cluster(String mode, int endpoints) {
        StringBuilder sb = new StringBuilder(SERVICE.formatted(mode));
        for (int i = 1; i <= endpoints; i++) {
            sb.append("- {addresses: [10.244.3.").append(i).append("], conditions: {ready: true}}\n");
        }
        return sb.toString();
    }

    final FakeNft nft = new FakeNft();
    final AgentMetrics metrics = new AgentMetrics();
    final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    RuleSyncer syncer() {
        AgentConfig config = AgentConfig.manifests(Conventions.NODE, Path.of("unused"))
                .withNetwork(List.of(IpAddresses.parse(Conventions.NODE_IP)), List.of(), null)
                .withLoadBalancing(new LoadBalancingConfig(LoadBalancing.RANDOM, 1021));
        return new RuleSyncer(config.families(), Conventions.NODE, nft, f -> 0, new NodeContexts(config.nodeNetwork(), List::of),
                metrics, new ProxierHealth(clock, clock::nanos, Duration.ofMinutes(1)), clock, clock);
    }

    @Test
    void oneEndpointMoreSendsOnlyTheSlotsItTakes() {
        RuleSyncer syncer = syncer();
        assertThat(syncer.sync(Conventions.snapshot(cluster("maglev", 10)), null, false).ok()).isTrue();
        assertThat(nft.scripts().get(0)).contains("typeof numgen inc mod 2 : verdict", "jhash ip saddr . ip daddr . meta l4proto . th sport . th dport mod 1021 seed 0x5eed vmap @maglev-");
        assertThat(syncer.sync(Conventions.snapshot(cluster("maglev", 11)), null, false).ok()).isTrue();
        String diff = nft.scripts().get(1);
        int added = diff.split(" : goto ", -1).length - 1;
        // the new endpoint takes ~1021/11 = 92 slots; a few more move between the others (Maglev's extra disruption)
        assertThat(added).as("slots rewritten, of 1021").isBetween(92, 200);
        assertThat(diff).doesNotContain("flush map", "delete map");
    }

    @Test
    void withRendezvousOneEndpointMoreSendsExactlyTheSlotsItTakes() {
        RuleSyncer syncer = syncer();
        assertThat(syncer.sync(Conventions.snapshot(cluster("rendezvous", 10)), null, false).ok()).isTrue();
        assertThat(syncer.sync(Conventions.snapshot(cluster("rendezvous", 11)), null, false).ok()).isTrue();
        String diff = nft.scripts().get(1);
        List<String> before = IntStream.rangeClosed(1, 10).mapToObj(i -> "10.244.3." + i + ":8080").toList();
        List<String> after = IntStream.rangeClosed(1, 11).mapToObj(i -> "10.244.3." + i + ":8080").toList();
        RendezvousTable table = RendezvousTable.build(after, 1021);
        int taken = table.slotCounts()[table.backends().indexOf("10.244.3.11:8080")];
        // rendezvous moves no slot between the others: the diff is the new endpoint's slots, no more
        assertThat(diff.split(" : goto ", -1).length - 1).as("slots rewritten, of 1021").isEqualTo(taken);
        assertThat(diff.split(" : goto ", -1).length - 1).as("all to the new endpoint").isEqualTo(diff.split(" : goto endpoint-[^,}]*10\\.244\\.3\\.11/8080", -1).length - 1);
        assertThat(RendezvousTable.build(before, 1021).movedFraction(RendezvousTable.build(after, 1021))).isEqualTo(taken / 1021.0);
    }

    @Test
    void anInvalidTableSizeIsCountedAndTheNodesUsed() {
        RuleSyncer syncer = syncer();
        String bad = cluster("rendezvous", 3).replace("annotations: {", "annotations: {clusterdns.io/maglev-table-size: \"4096\", ");
        assertThat(syncer.sync(Conventions.snapshot(bad), null, false).ok()).isTrue();
        assertThat(metrics.scrape()).contains("clusterdns_agent_services_invalid_annotation{annotation=\"clusterdns.io/maglev-table-size\"} 1.0",
                "clusterdns_agent_services_invalid_annotation{annotation=\"clusterdns.io/load-balancing\"} 0.0");
        assertThat(nft.scripts().get(0)).contains(" mod 1021 seed 0x5eed vmap @maglev-");
        String good = cluster("rendezvous", 3).replace("annotations: {", "annotations: {clusterdns.io/maglev-table-size: \"2039\", ");
        assertThat(syncer.sync(Conventions.snapshot(good), null, false).ok()).isTrue();
        assertThat(metrics.scrape()).contains("clusterdns_agent_services_invalid_annotation{annotation=\"clusterdns.io/maglev-table-size\"} 0.0");
        assertThat(nft.scripts().get(1)).contains(" mod 2039 seed 0x5eed vmap @maglev-");
    }

    @Test
    void aServiceWithAnUnknownModeIsCountedAndStillProgrammed() {
        RuleSyncer syncer = syncer();
        assertThat(syncer.sync(Conventions.snapshot(cluster("fastest", 3)), null, false).ok()).isTrue();
        assertThat(metrics.scrape()).contains("clusterdns_agent_services_invalid_annotation{annotation=\"clusterdns.io/load-balancing\"} 1.0");
        assertThat(nft.scripts().get(0)).contains("dnat ip addr . port to numgen random mod 3 offset ", " : 10.244.3.3 . 8080");
        assertThat(syncer.sync(Conventions.snapshot(cluster("round-robin", 3)), null, false).ok()).isTrue();
        assertThat(metrics.scrape()).contains("clusterdns_agent_services_invalid_annotation{annotation=\"clusterdns.io/load-balancing\"} 0.0");
        assertThat(nft.scripts().get(1)).contains("numgen inc mod 3 vmap");
    }
}
