package io.clusterdns.server.plugin.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.listen.Wildcard;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.CorefilePlan;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code bind} lines → addresses, and the errors of bad ones; interfaces from a table, not the host's. */
class BindSetupTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");
    /** eth0 with an IPv4 and a global IPv6 address (link-local ones are already left out by the lookup). */
    static final Function<String, List<InetAddress>> INTERFACES = name -> switch (name) {
        case "eth0" -> List.of(IpAddresses.parse("10.0.0.5"), IpAddresses.parse("fd00::5"));
        case "lo" -> List.of(IpAddresses.parse("127.0.0.1"), IpAddresses.parse("::1"));
        case "down0" -> List.of();
        default -> null;
    };

    static Directive line(String text) {
        return CorefileParser.parse(". {\n" + text + "\n}\n", FILE, Map.of()).blocks().get(0).directives().get(0);
    }

    static List<String> bound(String text) {
        return BindSetup.parse(line(text), INTERFACES).addresses().stream().map(InetAddress::getHostAddress).toList();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            bind 127.0.0.1                               | 127.0.0.1
            bind 127.0.0.1 ::1                           | 127.0.0.1 0:0:0:0:0:0:0:1
            bind eth0                                    | 10.0.0.5 fd00:0:0:0:0:0:0:5
            bind eth0 lo { \\n except fd00::5 ::1 \\n }   | 10.0.0.5 127.0.0.1
            bind 10.0.0.5 eth0                           | 10.0.0.5 fd00:0:0:0:0:0:0:5
            bind lo { \\n except down0 \\n }              | 127.0.0.1 0:0:0:0:0:0:0:1
            """)
    void addressesAndInterfaces(String text, String want) {
        assertThat(bound(text.replace("\\n", "\n"))).containsExactly(want.split(" "));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bind                                         | /etc/coredns/Corefile:2: bind: wrong argument count: expected at least 1 argument, got 0
            bind nosuch0                                 | /etc/coredns/Corefile:2: bind: not a valid IP address or interface name: "nosuch0"
            bind 10.0.0.300                              | /etc/coredns/Corefile:2: bind: not a valid IP address or interface name: "10.0.0.300"
            bind down0                                   | /etc/coredns/Corefile:2: bind: interface down0 has no address to bind
            bind lo { \\n except \\n }                    | /etc/coredns/Corefile:3: bind/except: wrong argument count: expected at least 1 argument, got 0
            bind lo { \\n except eth9 \\n }               | /etc/coredns/Corefile:3: bind/except: not a valid IP address or interface name: "eth9"
            bind lo { \\n except lo \\n }                 | /etc/coredns/Corefile:2: bind: no address left to bind after except
            bind lo { \\n only 127.0.0.1 \\n }            | /etc/coredns/Corefile:3: bind: unknown property 'only'
            """)
    void refused(String text, String error) {
        assertThatThrownBy(() -> bound(text.replace("\\n", "\n"))).isInstanceOf(ConfigException.class).hasMessage(error);
    }

    static List<BlockPlan> plan(String corefile) {
        return CorefilePlan.blocks(CorefileParser.parse(corefile, FILE, Map.of()), 53);
    }

    @Test
    void severalBindLinesAreOneUnionAndTheHostsLoopbackInterfaceResolves() {
        BlockPlan b = plan("""
                . {
                    bind 127.0.0.2
                    bind lo {
                        except ::1
                    }
                    bind 127.0.0.2
                }
                """).get(0);
        assertThat(b.bind()).containsExactly(IpAddresses.parse("127.0.0.2"), IpAddresses.parse("127.0.0.1"));
        assertThat(b.plugins()).containsExactly(new BindConfig(b.bind()));
    }

    @Test
    void withoutBindEveryAddress() {
        assertThat(plan(". {\n}\n").get(0).bind()).containsExactly(Wildcard.ADDRESS);
    }

    @Test
    void theSameZoneAndPortOnDifferentAddressesIsAllowedOnTheSameAddressRefused() {
        List<BlockPlan> blocks = plan("""
                .:53 {
                    bind 127.0.0.1
                }
                .:53 {
                    bind 127.0.0.2
                }
                .:53 {
                }
                """);
        assertThat(blocks).extracting(BlockPlan::bind).containsExactly(List.of(IpAddresses.parse("127.0.0.1")),
                List.of(IpAddresses.parse("127.0.0.2")), List.of(Wildcard.ADDRESS));
        assertThatThrownBy(() -> plan("""
                .:53 {
                    bind 127.0.0.1 127.0.0.2
                }
                example.org .:53 {
                    bind 127.0.0.2
                }
                """)).isInstanceOf(ConfigException.class)
                .hasMessage("/etc/coredns/Corefile:4: cannot serve dns://.:53 on 127.0.0.2 - it is already defined (at /etc/coredns/Corefile:1)");
    }
}
