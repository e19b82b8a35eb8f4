package io.clusterdns.server.plugin.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.CorefilePlan;
import io.clusterdns.server.plugin.acl.AclConfig.Action;
import io.clusterdns.server.plugin.acl.AclConfig.Policy;
import io.clusterdns.server.plugin.acl.AclConfig.Prefix;
import io.clusterdns.server.plugin.acl.AclConfig.Rule;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * {@code acl} lines as CoreDNS reads them, from line 2 of a {@code cluster.local:53} block of
 * {@code /etc/coredns/Corefile}, policies on the lines after: every form of a policy, several
 * lines merged into one plugin in written order, and the exact error of each bad line.
 */
class AclSetupTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");
    static final Name CLUSTER = Name.fromConstantString("cluster.local.");
    static final Name SVC = Name.fromConstantString("svc.cluster.local.");

    static AclConfig parse(String lines) {
        List<BlockPlan> blocks = CorefilePlan.blocks(CorefileParser.parse("cluster.local:53 {\n" + lines + "\n}\n", FILE, Map.of()), 53);
        return blocks.get(0).plugin(AclConfig.class).orElseThrow();
    }

    static Prefix p(String cidr) {
        return Prefix.parse(cidr);
    }

    static AclConfig one(List<Name> zones, Policy... policies) {
        return new AclConfig(List.of(new Rule(zones, List.of(policies))));
    }

    static Policy policy(Action a, Set<Integer> types, Prefix... sources) {
        return new Policy(a, types, List.of(sources));
    }

    static Stream<Arguments> good() {
        List<Name> block = List.of(CLUSTER);
        return Stream.of(
                Arguments.of("acl", one(block)),
                Arguments.of("acl {\n block\n}", one(block, policy(Action.BLOCK, Set.of()))),
                Arguments.of("acl svc.cluster.local {\n BLOCK net 10.244.3.0/24\n}",
                        one(List.of(SVC), policy(Action.BLOCK, Set.of(), p("10.244.3.0/24")))),
                Arguments.of("acl {\n filter type A AAAA net 192.168.0.0/16\n}",
                        one(block, policy(Action.FILTER, Set.of(Type.A, Type.AAAA), p("192.168.0.0/16")))),
                Arguments.of("acl {\n drop NET 192.0.2.7 fd00::1 TYPE any\n}",
                        one(block, policy(Action.DROP, Set.of(Type.ANY), p("192.0.2.7/32"), p("fd00::1/128")))),
                // host bits are cleared, as Go's ParseCIDR does
                Arguments.of("acl {\n allow net 10.1.2.3/8 fd00::1:2/112\n}",
                        one(block, policy(Action.ALLOW, Set.of(), p("10.0.0.0/8"), p("fd00::1:0/112")))),
                // * is every type, every source
                Arguments.of("acl {\n block type * net *\n}", one(block, policy(Action.BLOCK, Set.of()))),
                Arguments.of("acl {\n block type * A net * 10.0.0.0/8\n}", one(block, policy(Action.BLOCK, Set.of()))),
                Arguments.of("acl {\n allow net 192.168.1.0/24\n block net 192.168.0.0/16\n}", one(block,
                        policy(Action.ALLOW, Set.of(), p("192.168.1.0/24")), policy(Action.BLOCK, Set.of(), p("192.168.0.0/16")))),
                // several lines: one plugin, the rules in written order
                Arguments.of("acl svc.cluster.local {\n allow net 10.0.0.0/8\n}\nacl {\n block type TXT\n}", new AclConfig(List.of(
                        new Rule(List.of(SVC), List.of(policy(Action.ALLOW, Set.of(), p("10.0.0.0/8")))),
                        new Rule(block, List.of(policy(Action.BLOCK, Set.of(Type.TXT))))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void readsGoodLines(String lines, AclConfig expected) {
        assertThat(parse(lines)).isEqualTo(expected);
    }

    static Stream<Arguments> bad() {
        String at3 = FILE + ":3: acl";
        return Stream.of(
                Arguments.of("acl {\n deny net 10.0.0.0/8\n}", at3 + ": unexpected token \"deny\"; expect 'allow', 'block', 'filter' or 'drop'"),
                Arguments.of("acl {\n block 10.0.0.0/8\n}", at3 + "/block: unexpected token \"10.0.0.0/8\"; expect 'type | net'"),
                Arguments.of("acl {\n block net\n}", at3 + "/block: no token specified in \"net\" section"),
                Arguments.of("acl {\n block type net 10.0.0.0/8\n}", at3 + "/block: no token specified in \"type\" section"),
                Arguments.of("acl {\n filter type AXX\n}", at3 + "/filter: unexpected token \"AXX\"; expect legal QTYPE"),
                Arguments.of("acl {\n allow net 10.0.0.0/33\n}", at3 + "/allow: illegal CIDR notation \"10.0.0.0/33\""),
                Arguments.of("acl {\n allow net 10.0.0.256\n}", at3 + "/allow: illegal CIDR notation \"10.0.0.256\""),
                Arguments.of("acl {\n allow net fd00::/129\n}", at3 + "/allow: illegal CIDR notation \"fd00::/129\""),
                Arguments.of("acl {\n allow net example.com\n}", at3 + "/allow: illegal CIDR notation \"example.com\""),
                Arguments.of("acl bad..zone", FILE + ":2: acl: \"bad..zone\" is not a valid domain name"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bad")
    void refusesBadLines(String lines, String message) {
        assertThatThrownBy(() -> parse(lines)).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
