package io.clusterdns.server.plugin.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.Requests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code acl} link, one request at a time without sockets: which policy decides for a source
 * address, type and name, and what each action writes. Lines are read by {@link AclSetupTest#parse}
 * (a {@code cluster.local} block); "next" means the query went on to the next plugin.
 */
class AclPluginTest {
    static final String WEB = "web.shop.svc.cluster.local.";
    static final String POD = "10-244-1-5.shop.pod.cluster.local.";
    static final String README = "acl {\n allow net 192.168.1.0/24\n block net 192.168.0.0/16\n}";
    static final String ONLY = "acl {\n allow net 192.168.0.0/24 192.168.1.0/24\n block\n}";
    static final String TYPES = "acl {\n filter type AAAA net fd00::/8\n drop net 2001:db8::/32\n block type A net 192.168.0.0/16\n}";
    static final String POOL = "acl svc.cluster.local {\n block net 10.244.3.0/24\n}";
    static final String TWO_LINES = "acl svc.cluster.local {\n allow net 10.244.3.0/24\n}\nacl {\n block type TXT\n}";
    static final String EDGES = "acl {\n drop net ::1\n allow net 0.0.0.0/1\n block net 128.0.0.0/1 ::/0\n}";

    static InetAddress address(String text) {
        return IpAddresses.parse(text);
    }

    static Request from(InetAddress client, String name, int type) {
        Request r = Requests.of(name, type);
        return new Request(r.message(), r.edns(), r.limit(), r.transport(), new InetSocketAddress(client, 53000), r.listener(), r.block(),
                r.zone(), r.size(), r.received());
    }

    /** What happened to the query: next, REFUSED (blocked), FILTERED or DROPPED. */
    static String outcome(AclPlugin acl, InetAddress client, String name, int type) {
        Requests.Capture out = new Requests.Capture();
        List<String> next = new ArrayList<>();
        acl.serve(from(client, name, type), out, (request, writer) -> next.add("next"));
        if (!next.isEmpty()) {
            assertThat(out.written).isEmpty();
            return "next";
        }
        if (out.dropped == 1) {
            assertThat(out.written).isEmpty();
            return "DROPPED";
        }
        assertThat(out.written).hasSize(1);
        Message m = out.written.get(0);
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
        List<EDNSOption> errors = m.getOPT().getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR);
        int code = ((ExtendedErrorCodeOption) errors.get(0)).getErrorCode();
        if (m.getRcode() == Rcode.REFUSED && code == ExtendedErrorCodeOption.BLOCKED) {
            return "REFUSED";
        }
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(code).isEqualTo(ExtendedErrorCodeOption.FILTERED);
        return "FILTERED";
    }

    static AclPlugin plugin(String lines) {
        return new AclPlugin(AclSetupTest.parse(lines), new SimpleMeterRegistry());
    }

    static Arguments c(String lines, String client, String name, int type, String outcome) {
        return Arguments.of(lines, address(client), name, type, outcome);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // CoreDNS's examples: the first policy matching decides
                c(README, "192.168.1.5", WEB, Type.A, "next"),
                c(README, "192.168.2.5", WEB, Type.A, "REFUSED"),
                c(README, "10.0.0.1", WEB, Type.A, "next"),
                c(ONLY, "192.168.0.9", WEB, Type.A, "next"),
                c(ONLY, "192.168.2.1", WEB, Type.A, "REFUSED"),
                c(ONLY, "fd00::1", WEB, Type.A, "REFUSED"),
                // types and families
                c(TYPES, "fd12::1", WEB, Type.AAAA, "FILTERED"),
                c(TYPES, "fd12::1", WEB, Type.A, "next"),
                c(TYPES, "2001:db8::5", WEB, Type.A, "DROPPED"),
                c(TYPES, "2001:db9::5", WEB, Type.A, "next"),
                c(TYPES, "192.168.7.7", WEB, Type.A, "REFUSED"),
                c(TYPES, "192.168.7.7", WEB, Type.AAAA, "next"),
                // zones: a rule applies to names under its zones only
                c(POOL, "10.244.3.7", WEB, Type.A, "REFUSED"),
                c(POOL, "10.244.3.7", POD, Type.A, "next"),
                c(POOL, "10.244.4.7", WEB, Type.A, "next"),
                // several lines: allow stops every later rule; a rule whose zones do not hold the name is skipped
                c(TWO_LINES, "10.244.3.7", WEB, Type.TXT, "next"),
                c(TWO_LINES, "10.244.4.7", WEB, Type.TXT, "REFUSED"),
                c(TWO_LINES, "10.244.3.7", POD, Type.TXT, "REFUSED"),
                c(TWO_LINES, "10.244.3.7", POD, Type.A, "next"),
                // single addresses, /0, /1, /128
                c(EDGES, "::1", WEB, Type.A, "DROPPED"),
                c(EDGES, "::2", WEB, Type.A, "REFUSED"),
                c(EDGES, "127.0.0.1", WEB, Type.A, "next"),
                c(EDGES, "128.0.0.1", WEB, Type.A, "REFUSED"),
                c(EDGES, "255.255.255.255", WEB, Type.A, "REFUSED"));
    }

    @ParameterizedTest(name = "{1} {2} {3}: {4}")
    @MethodSource("cases")
    void theFirstMatchingPolicyDecides(String lines, InetAddress client, String name, int type, String expected) {
        assertThat(outcome(plugin(lines), client, name, type)).isEqualTo(expected);
    }

    @Test
    void anIpv4MappedIpv6SourceIsItsIpv4Address() throws UnknownHostException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(address("192.168.2.5").getAddress(), 0, mapped, 12, 4);
        InetAddress client = Inet6Address.getByAddress(null, mapped, null);
        assertThat(client.getAddress()).hasSize(16);
        assertThat(outcome(plugin(README), client, WEB, Type.A)).isEqualTo("REFUSED");
    }

    @Test
    void hundredsOfPrefixesMatchExactly() {
        // 10.0.0.0/24, 10.0.2.0/24, ... 10.3.230.0/24: every other /24 of a node pool range, plus some /32s
        String nets = IntStream.range(0, 500).mapToObj(i -> "10." + (2 * i / 256) + "." + (2 * i % 256) + ".0/24")
                .collect(Collectors.joining(" "));
        AclPlugin acl = plugin("acl {\n block net " + nets + " 172.16.0.1 172.16.0.3 fd00::/64 fd00:0:0:2::/64\n}");
        assertThat(outcome(acl, address("10.0.0.1"), WEB, Type.A)).isEqualTo("REFUSED");
        assertThat(outcome(acl, address("10.0.1.1"), WEB, Type.A)).isEqualTo("next");
        assertThat(outcome(acl, address("10.3.230.255"), WEB, Type.A)).isEqualTo("REFUSED");
        assertThat(outcome(acl, address("10.3.231.0"), WEB, Type.A)).isEqualTo("next");
        assertThat(outcome(acl, address("10.3.232.0"), WEB, Type.A)).isEqualTo("next");
        assertThat(outcome(acl, address("172.16.0.3"), WEB, Type.A)).isEqualTo("REFUSED");
        assertThat(outcome(acl, address("172.16.0.2"), WEB, Type.A)).isEqualTo("next");
        assertThat(outcome(acl, address("fd00::ffff"), WEB, Type.A)).isEqualTo("REFUSED");
        assertThat(outcome(acl, address("fd00:0:0:1::1"), WEB, Type.A)).isEqualTo("next");
        assertThat(outcome(acl, address("fd00:0:0:2:ffff::"), WEB, Type.A)).isEqualTo("REFUSED");
    }

    @Test
    void prefixesAreKeptAsNetworks() {
        assertThat(AclConfig.Prefix.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
        assertThat(AclConfig.Prefix.parse("10.1.2.3")).hasToString("10.1.2.3/32");
        assertThat(AclConfig.Prefix.parse("fd00::1:2/112")).hasToString("fd00::1:0/112");
        assertThat(AclConfig.Prefix.parse("fd00::1:2/0")).hasToString("::/0");
        assertThat(AclConfig.Prefix.parse("10.1.2.3/")).isNull();
    }

    @Test
    void countsEachOutcomeWithCorednsLabels() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AclPlugin acl = new AclPlugin(AclSetupTest.parse(TYPES + "\nacl svc.cluster.local {\n block type MX\n}"), registry);
        Requests.Capture out = new Requests.Capture();
        acl.serve(from(address("fd12::1"), WEB, Type.AAAA), out, (r, w) -> { });
        acl.serve(from(address("2001:db8::5"), WEB, Type.A), out, (r, w) -> { });
        acl.serve(from(address("192.168.0.1"), WEB, Type.A), out, (r, w) -> { });
        acl.serve(from(address("192.168.0.1"), WEB, Type.MX), out, (r, w) -> { });
        acl.serve(from(address("10.0.0.1"), WEB, Type.A), out, (r, w) -> { });
        acl.serve(from(address("10.0.0.1"), WEB, Type.A), out, (r, w) -> { });
        String server = Requests.LISTENER.label();
        assertThat(count(registry, "coredns.acl.filtered.requests", server, "cluster.local.")).isEqualTo(1);
        assertThat(count(registry, "coredns.acl.dropped.requests", server, "cluster.local.")).isEqualTo(1);
        assertThat(count(registry, "coredns.acl.blocked.requests", server, "cluster.local.")).isEqualTo(1);
        assertThat(count(registry, "coredns.acl.blocked.requests", server, "svc.cluster.local.")).isEqualTo(1);
        Counter allowed = registry.find("coredns.acl.allowed.requests").tags("server", server, "view", "").counter();
        assertThat(allowed.count()).isEqualTo(2);
        assertThat(allowed.getId().getTags()).hasSize(2);
    }

    private static double count(SimpleMeterRegistry registry, String name, String server, String zone) {
        return registry.find(name).tags("server", server, "zone", zone, "view", "").counter().count();
    }
}
