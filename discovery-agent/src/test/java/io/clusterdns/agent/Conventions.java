package io.clusterdns.agent;

import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.DesiredStateBuilder;
import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.agent.nft.FamilyRenderer;
import io.clusterdns.agent.nft.NftModel;
import io.clusterdns.k8s.manifest.ManifestSnapshots;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The conventions of the rule tests (kube-proxy's proxier_test.go keeps the same kind of block):
 *
 * <pre>
 * this node        node-1, 192.168.0.2 / 2001:db8::2; pods 10.244.1.0/24, fd00:10:244:1::/64
 * other node       node-2, 192.168.0.3;               pods 10.244.2.0/24, fd00:10:244:2::/64
 * cluster CIDR     10.244.0.0/16, fd00:10:244::/48
 * service CIDR     10.96.0.0/12, fd00:10:96::/112
 * LB / external IPs 192.0.2.0/24 (TEST-NET-1), 2001:db8:1::/64
 * external clients 203.0.113.50 (inside the test source range 203.0.113.0/25), 198.51.100.50 (outside)
 * masquerade mark  0x4000
 * </pre>
 */
public final class Conventions {
    public static final String NODE = "node-1";
    public static final String NODE_IP = "192.168.0.2";
    public static final String NODE_IP6 = "2001:db8::2";
    public static final String CLUSTER_CIDR = "10.244.0.0/16";
    public static final String CLUSTER_CIDR6 = "fd00:10:244::/48";
    public static final String SERVICE_CIDR = "10.96.0.0/12";
    public static final String SERVICE_CIDR6 = "fd00:10:96::/112";
    public static final String EXTERNAL_CLIENT = "203.0.113.50";
    public static final String BLOCKED_CLIENT = "198.51.100.50";
    public static final int MARK = 0x4000;

    private Conventions() {
    }

    public static NodeContext context(IpFamily family) {
        boolean v4 = family == IpFamily.IPV4;
        return new NodeContext(family, IpAddresses.parse(v4 ? NODE_IP : NODE_IP6),
                List.of(Cidr.parse(v4 ? CLUSTER_CIDR : CLUSTER_CIDR6)), null,
                List.of(Cidr.parse(v4 ? SERVICE_CIDR : SERVICE_CIDR6)), false, MARK,
                NodeContext.DEFAULT_ENDPOINT_CHAIN_THRESHOLD);
    }

    public static ClusterSnapshot snapshot(String yaml) {
        return ManifestSnapshots.parse(yaml);
    }

    public static NftModel render(String yaml, NodeContext ctx) {
        return FamilyRenderer.renderAll(snapshot(yaml), new DesiredStateBuilder(NODE), ctx);
    }

    public static NftModel render(String yaml) {
        return render(yaml, context(IpFamily.IPV4));
    }

    /** A test resource as text. */
    public static String resource(String name) {
        try (var in = Conventions.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compares with a golden file under src/test/resources/golden; {@code -Dgolden.update=true}
     * rewrites it instead (review the diff before committing).
     */
    public static void assertGolden(String name, String actual) {
        Path file = Path.of("src/test/resources/golden", name);
        if (Boolean.getBoolean("golden.update")) {
            try {
                Files.writeString(file, actual);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        String expected = resource("golden/" + name);
        org.assertj.core.api.Assertions.assertThat(actual).as("golden file %s (-Dgolden.update=true rewrites it)", file)
                .isEqualTo(expected);
    }
}
