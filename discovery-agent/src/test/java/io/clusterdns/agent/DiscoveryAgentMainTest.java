package io.clusterdns.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.nft.FakeNft;
import io.clusterdns.k8s.testing.ApiValidManifests;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's modes without touching the host: dry run on manifests, cleanup against a fake nft. */
class DiscoveryAgentMainTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final FakeNft nft = new FakeNft();

    int run(String... args) {
        return DiscoveryAgentMain.commandLine(new DiscoveryAgentMain(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> nft, () -> f -> 0, Map.of())).execute(args);
    }

    @Test
    void dryRunPrintsBothTablesAndWritesNothing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cluster.yaml"), Conventions.resource("conventions-cluster.yaml"));
        int code = run("--manifests", dir.toString(), "--node-name", "node-1", "--cluster-cidr", "10.244.0.0/16", "--dry-run");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("table ip clusterdns {").contains("table ip6 clusterdns {")
                .contains("10.96.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80");
        assertThat(nft.scripts()).isEmpty();
    }

    /** The dry run shows this node's dispatch: its Node's zone (from the manifests) narrows zone-hinted services. */
    @Test
    void dryRunHonoursTheNodesZone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cluster.yaml"), Conventions.resource("topology-cluster.yaml"));
        int code = run("--manifests", dir.toString(), "--node-name", "node-1", "--cluster-cidr", "10.244.0.0/16", "--dry-run");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains(": 10.244.1.11 . 8080", ": 10.244.2.12 . 8080").doesNotContain("10.244.3.13");
    }

    /** The dry run drops unallocated addresses of the manifests' ServiceCIDRs, as a sync does, not the default ranges. */
    @Test
    void dryRunUsesTheServiceCidrsOfTheManifests(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cluster.yaml"), Conventions.resource("conventions-cluster.yaml") + """
                ---
                apiVersion: networking.k8s.io/v1
                kind: ServiceCIDR
                metadata: {name: kubernetes}
                spec: {cidrs: [10.96.0.0/16, "fd00:10:96::/108"]}
                """);
        int code = run("--manifests", dir.toString(), "--node-name", "node-1", "--dry-run");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("ip daddr 10.96.0.0/16 drop comment \"Drop traffic to unallocated ClusterIPs\"",
                        "ip6 daddr fd00:10:96::/108 drop comment \"Drop traffic to unallocated ClusterIPs\"")
                .doesNotContain("10.96.0.0/12");
    }

    /** Objects every API server accepts (see ApiValidManifests): the agent starts, and the ignored slices make no rules. */
    @Test
    void dryRunAcceptsSlicesNoServiceOwnsAndFqdnSlices(@TempDir Path dir) {
        ApiValidManifests.write(dir);
        int code = run("--manifests", dir.toString(), "--node-name", ApiValidManifests.NODE, "--dry-run");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains(ApiValidManifests.WEB_IP + " . tcp . 80 : goto service-", ApiValidManifests.WEB_POD_IP)
                .doesNotContain(ApiValidManifests.UNOWNED_IP).doesNotContain("db.example.com");
        assertThat(nft.scripts()).isEmpty();
    }

    @Test
    void cleanupDeletesOnlyOurTables() {
        nft.apply("add table ip clusterdns\nadd table ip6 clusterdns\n");
        assertThat(run("--cleanup")).isZero();
        assertThat(nft.hasTable("ip")).isFalse();
        assertThat(nft.hasTable("ip6")).isFalse();
        assertThat(nft.scripts().get(1)).isEqualTo(io.clusterdns.agent.nft.NftScripts.cleanup());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Removed the nftables tables ip clusterdns and ip6 clusterdns");
    }

    @Test
    void aBrokenManifestIsReportedWithItsLocation(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 70000}]\n");
        assertThat(run("--manifests", dir.toString(), "--node-name", "node-1", "--dry-run")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("discovery-agent: ").contains("bad.yaml", "spec.ports[0].port");
    }
}
