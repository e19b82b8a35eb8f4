package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.kernel.ConntrackFilter;
import io.clusterdns.agent.netlink.NetlinkConntrack;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Conntrack cleanup over ctnetlink in a namespace: entries made with {@code conntrack -I}, several
 * filters applied in one call, counted per filter, and exactly the matching entries gone
 * ({@code conntrack -D} semantics: protocol, original destination and port, DNAT target). Needs root.
 */
class NetlinkConntrackTest {
    NetNamespaces netns;
    String ns;

    @BeforeEach
    void namespace() {
        NetNamespaces.requirePrivileges("conntrack over netlink");
        Privileged.requireTool("conntrack", "conntrack");
        netns = new NetNamespaces("ct");
        netns.deleteLeftovers();
        ns = netns.create("a");
    }

    @AfterEach
    void deleteNamespace() {
        if (netns != null) {
            netns.close();
        }
    }

    /** A UDP/TCP entry client:sport → vip:dport, answered by endpoint:dport (DNAT). */
    void insert(String proto, String vip, int dport, String endpoint, int sport) {
        List<String> cmd = new java.util.ArrayList<>(List.of("conntrack", "-I", "-p", proto, "-s", "10.244.1.5", "-d", vip,
                "--sport", Integer.toString(sport), "--dport", Integer.toString(dport), "--dst-nat", endpoint, "-t", "300", "-u", "SEEN_REPLY"));
        if (proto.equals("tcp")) {
            cmd.addAll(List.of("--state", "ESTABLISHED"));
        }
        var r = NetNamespaces.exec(ns, cmd.toArray(String[]::new));
        assertThat(r.ok()).as(r.output()).isTrue();
    }

    @Test
    void oneCallDeletesExactlyTheEntriesOfEachFilter() throws Exception {
        insert("udp", "10.96.0.10", 53, "10.244.2.7", 40001);
        insert("udp", "10.96.0.10", 53, "10.244.2.8", 40002);
        insert("udp", "10.96.0.11", 53, "10.244.2.7", 40003);
        insert("udp", "10.96.0.12", 9000, "10.244.2.7", 40004);
        insert("tcp", "10.96.0.12", 9000, "10.244.2.7", 40005);
        List<ConntrackFilter> filters = List.of(
                new ConntrackFilter(IpFamily.IPV4, Protocol.UDP, IpAddresses.parse("10.96.0.10"), 53, IpAddresses.parse("10.244.2.7")),
                new ConntrackFilter(IpFamily.IPV4, Protocol.UDP, IpAddresses.parse("10.96.0.11"), 53, null),
                new ConntrackFilter(IpFamily.IPV4, Protocol.TCP, IpAddresses.parse("10.96.0.12"), 9000, null),
                new ConntrackFilter(IpFamily.IPV6, Protocol.UDP, IpAddresses.parse("fd00:10:96::a"), 53, null));
        try (NetlinkConntrack ct = NetlinkConntrack.open(Path.of("/var/run/netns", ns))) {
            assertThat(ct.deleteAll(filters)).containsExactly(1, 1, 1, 0);
            assertThat(ct.deleteAll(filters)).as("nothing left to delete is not a failure").containsExactly(0, 0, 0, 0);
        }
        String left = NetNamespaces.exec(ns, "conntrack", "-L").output();
        assertThat(left).contains("sport=40002", "sport=40004").doesNotContain("sport=40001", "sport=40003", "sport=40005");
    }
}
