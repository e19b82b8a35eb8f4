package io.clusterdns.server.plugin.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.CorefilePlan;
import io.clusterdns.server.plugin.rewrite.Edns0Rule.Action;
import io.clusterdns.server.plugin.rewrite.Edns0Rule.LocalData;
import io.clusterdns.server.plugin.rewrite.NameMatch.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * {@code rewrite} lines as CoreDNS 1.12 reads them: good lines and the rule they make (names
 * normalized to lower case with a final dot, exact rules always mapping their answers back, a
 * suffix rule's auto as a suffix swap), bad lines and their exact error.
 *
 * <p>Conventions: the Corefile is {@code /etc/coredns/Corefile}, the rewrite line on line 2, the
 * lines of its block from line 3.
 */
class RewriteSetupTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");
    static final String AT = "/etc/coredns/Corefile:2: ";

    static Directive directive(String lines) {
        return CorefileParser.parse(". {\n" + lines + "\n}\n", FILE, Map.of()).blocks().get(0).directives().get(0);
    }

    static Rule parse(String line) {
        List<Rule> rules = RewriteSetup.parse(directive(line)).rules();
        assertThat(rules).hasSize(1);
        return rules.get(0);
    }

    static NameMatch match(Kind kind, String text) {
        return new NameMatch(kind, text, kind == Kind.REGEX ? Regex.compile(text) : null);
    }

    static Rule.NameRule name(boolean stop, Kind kind, String from, String to, boolean auto, ResponseRule... answers) {
        return new Rule.NameRule(stop, match(kind, from), to, auto, List.of(answers));
    }

    static NameMapping template(String regex, String template) {
        return new NameMapping.Template(Regex.compile(regex), template);
    }

    static Stream<Arguments> valid() {
        NameMapping schmoogle = new NameMapping.Suffix(".google.com.", ".schmoogle.com.");
        LocalData abcd = new LocalData.Fixed("61626364");
        return Stream.of(
                // name: FROM TO alone is exact; exact always maps back
                Arguments.of("rewrite name db.legacy.example web.shop.svc.cluster.local",
                        name(true, Kind.EXACT, "db.legacy.example.", "web.shop.svc.cluster.local.", true)),
                Arguments.of("rewrite continue name exact DB.Legacy.Example. web.shop.svc.cluster.local.",
                        name(false, Kind.EXACT, "db.legacy.example.", "web.shop.svc.cluster.local.", true)),
                Arguments.of("rewrite STOP name EXACT a.example. b.example.", name(true, Kind.EXACT, "a.example.", "b.example.", true)),
                // CoreDNS normalizes prefix and substring strings to end with a dot too
                Arguments.of("rewrite stop name prefix legacy web", name(true, Kind.PREFIX, "legacy.", "web.", false)),
                Arguments.of("rewrite name substring service.us-west-1.example.org service.us-west-1.consul",
                        name(true, Kind.SUBSTRING, "service.us-west-1.example.org.", "service.us-west-1.consul.", false)),
                Arguments.of("rewrite name suffix .schmoogle.com. .google.com.", name(true, Kind.SUFFIX, ".schmoogle.com.", ".google.com.", false)),
                Arguments.of("rewrite name suffix .schmoogle.com .google.com answer auto", name(true, Kind.SUFFIX, ".schmoogle.com.",
                        ".google.com.", false, new ResponseRule.Owner(schmoogle), new ResponseRule.Value(schmoogle))),
                Arguments.of("rewrite name regex (.*)-(us-west-1)\\.example\\.org {1}.service.{2}.consul answer auto",
                        name(true, Kind.REGEX, "(.*)-(us-west-1)\\.example\\.org", "{1}.service.{2}.consul.", true)),
                Arguments.of("rewrite name regex (?P<host>.*)\\.x\\. {1}.Y", name(true, Kind.REGEX, "(?P<host>.*)\\.x\\.", "{1}.y.", false)),
                Arguments.of("""
                        rewrite stop {
                            name regex (.*)-(us-west-1)\\.coredns\\.rocks {1}.service.{2}.consul
                            answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.coredns.rocks
                        }""", name(true, Kind.REGEX, "(.*)-(us-west-1)\\.coredns\\.rocks", "{1}.service.{2}.consul.", false,
                        new ResponseRule.Owner(template("(.*)\\.service\\.(us-west-1)\\.consul", "{1}-{2}.coredns.rocks.")))),
                Arguments.of("rewrite name exact a.example. b.example. answer value (.*)\\.b\\.example\\. {1}.a.example.",
                        name(true, Kind.EXACT, "a.example.", "b.example.", true,
                                new ResponseRule.Value(template("(.*)\\.b\\.example\\.", "{1}.a.example.")))),
                // after the first answer option the word answer may be left out
                Arguments.of("rewrite name regex (.*)\\.x\\. {1}.y. answer name (.*)\\.y\\. {1}.x. value (.*)\\.y\\. {1}.x.",
                        name(true, Kind.REGEX, "(.*)\\.x\\.", "{1}.y.", false, new ResponseRule.Owner(template("(.*)\\.y\\.", "{1}.x.")),
                                new ResponseRule.Value(template("(.*)\\.y\\.", "{1}.x.")))),
                Arguments.of("rewrite name regex (.*)\\.x\\. {1}.y. answer auto answer value (.*)\\.y\\. {1}.x.",
                        name(true, Kind.REGEX, "(.*)\\.x\\.", "{1}.y.", true, new ResponseRule.Value(template("(.*)\\.y\\.", "{1}.x.")))),
                Arguments.of("rewrite type ANY HINFO", new Rule.TypeRule(true, Type.ANY, Type.HINFO)),
                Arguments.of("rewrite continue type aaaa a", new Rule.TypeRule(false, Type.AAAA, Type.A)),
                Arguments.of("rewrite class CH IN", new Rule.ClassRule(true, DClass.CH, DClass.IN)),
                Arguments.of("rewrite ttl example.com. 30-300", new Rule.ResponseChange(true, match(Kind.EXACT, "example.com."), new ResponseRule.Ttl(30, 300))),
                Arguments.of("rewrite continue {\n ttl regex (.*)\\.coredns\\.rocks 15\n}",
                        new Rule.ResponseChange(false, match(Kind.REGEX, "(.*)\\.coredns\\.rocks"), new ResponseRule.Ttl(15, 15))),
                Arguments.of("rewrite ttl suffix .svc.cluster.local -30",
                        new Rule.ResponseChange(true, match(Kind.SUFFIX, ".svc.cluster.local."), new ResponseRule.Ttl(0, 30))),
                Arguments.of("rewrite ttl Example.com 30-", new Rule.ResponseChange(true, match(Kind.EXACT, "example.com."),
                        new ResponseRule.Ttl(30, Integer.MAX_VALUE))),
                Arguments.of("rewrite rcode regex (.*)\\.coredns\\.rocks SERVFAIL NOERROR",
                        new Rule.ResponseChange(true, match(Kind.REGEX, "(.*)\\.coredns\\.rocks"), new ResponseRule.Rcode(2, 0))),
                Arguments.of("rewrite rcode a.example. 3 refused", new Rule.ResponseChange(true, match(Kind.EXACT, "a.example."), new ResponseRule.Rcode(3, 5))),
                // hex and text data are the same bytes
                Arguments.of("rewrite edns0 local set 0xffee 0x61626364", new Edns0Rule.Local(true, Action.SET, 0xffee, abcd, false)),
                Arguments.of("rewrite edns0 local set 0xffee abcd", new Edns0Rule.Local(true, Action.SET, 0xffee, abcd, false)),
                Arguments.of("rewrite continue edns0 local append 65518 {client_ip} revert",
                        new Edns0Rule.Local(false, Action.APPEND, 0xffee, LocalData.Variable.CLIENT_IP, true)),
                Arguments.of("rewrite edns0 local replace 0177756 {qname}", new Edns0Rule.Local(true, Action.REPLACE, 0xffee, LocalData.Variable.QNAME, false)),
                Arguments.of("rewrite edns0 local unset 0xffee", new Edns0Rule.Local(true, Action.UNSET, 0xffee, new LocalData.Fixed(""), false)),
                Arguments.of("rewrite edns0 nsid set", new Edns0Rule.Nsid(true, Action.SET, false)),
                Arguments.of("rewrite edns0 subnet replace 24 56 revert", new Edns0Rule.Subnet(true, Action.REPLACE, 24, 56, true)),
                Arguments.of("rewrite edns0 subnet unset", new Edns0Rule.Subnet(true, Action.UNSET, 0, 0, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validLinesMakeTheirRule(String line, Rule expected) {
        assertThat(parse(line)).isEqualTo(expected);
    }

    static Stream<Arguments> errors() {
        String usage = "rewrite [continue|stop] name|type|class|ttl|rcode|edns0 ...";
        String regex = "rewrite name regex (.*)\\.x\\. {1}.y. ";
        return Stream.of(
                Arguments.of("rewrite", AT + "rewrite: no rule given: " + usage),
                Arguments.of("rewrite continue", AT + "rewrite: continue must be followed by a rule: " + usage),
                Arguments.of("rewrite foo a. b.", AT + "rewrite: invalid rule type \"foo\" (name, type, class, ttl, rcode or edns0)"),
                Arguments.of("rewrite cname exact a. b.", AT + "rewrite/cname: CNAME target rewrites are not supported by clusterdns (yet)"),
                Arguments.of("rewrite answer auto", AT + "rewrite: answer rules belong to a name rule: name MATCH FROM TO answer ..."),
                Arguments.of("rewrite name a.example.", AT + "rewrite/name: too few arguments: name [exact|prefix|suffix|substring|regex] FROM TO [answer ...]"),
                Arguments.of("rewrite name fuzzy a. b.", AT + "rewrite/name: invalid match type \"fuzzy\" (exact, prefix, suffix, substring or regex)"),
                Arguments.of("rewrite name a..example. b.example.", AT + "rewrite/name: \"a..example.\" is not a valid domain name"),
                Arguments.of("rewrite name regex (.*\\.x {1}.y", AT + "rewrite/name: invalid regular expression \"(.*\\.x\": Unclosed group"),
                Arguments.of("rewrite name regex " + "x".repeat(10_001) + " y", AT + "rewrite/name: regular expression too long: 10001 > 10000 characters"),
                Arguments.of("rewrite name regex (.*)\\.x {2}.y", AT + "rewrite/name: \"{2}.y\" uses {2} but \"(.*)\\.x\" has 1 group"),
                Arguments.of("rewrite name exact a. b. auto",
                        AT + "rewrite/name: unexpected \"auto\": only answer options follow a name rule (one rule per line or block)"),
                Arguments.of("rewrite continue {\n name exact a. b.\n ttl exact b. 30\n}",
                        "/etc/coredns/Corefile:4: rewrite/name: unexpected \"ttl\": only answer options follow a name rule (one rule per line or block)"),
                Arguments.of(regex + "answer", AT + "rewrite/name: answer needs auto, name FROM TO or value FROM TO"),
                Arguments.of(regex + "answer bogus", AT + "rewrite/name: invalid answer rule \"bogus\" (auto, name FROM TO or value FROM TO)"),
                Arguments.of(regex + "answer name (.*)",
                        AT + "rewrite/name: answer name needs FROM TO (a regular expression and a name with {N} groups)"),
                Arguments.of(regex + "answer auto answer name (.*)\\.y\\. {1}.x.", AT + "rewrite/name: answer auto cannot be combined with answer name"),
                Arguments.of("rewrite stop {\n name regex (.*)\\.x {1}.y\n answer name (.*)\\.y {2}.x\n}",
                        "/etc/coredns/Corefile:4: rewrite/name: \"{2}.x\" uses {2} but \"(.*)\\.y\" has 1 group"),
                Arguments.of("rewrite name exact a. b. {\n answer auto\n}",
                        AT + "rewrite: a rule on the rewrite line takes no block (a block holds the whole rule: rewrite [continue|stop] { RULE })"),
                Arguments.of("rewrite {\n name exact a. b. {\n  x\n }\n}", "/etc/coredns/Corefile:3: rewrite: a rule's lines take no block"),
                Arguments.of("rewrite type ANY", AT + "rewrite/type: needs exactly two arguments: type FROM TO (DNS types such as ANY HINFO)"),
                Arguments.of("rewrite type ANY BOGUS", AT + "rewrite/type: invalid type \"BOGUS\""),
                Arguments.of("rewrite class CH XX", AT + "rewrite/class: invalid class \"XX\""),
                Arguments.of("rewrite ttl example.com. abc", AT + "rewrite/ttl: invalid TTL \"abc\" (SECONDS, MIN-MAX, MIN- or -MAX, MIN at most MAX)"),
                Arguments.of("rewrite ttl example.com. -", AT + "rewrite/ttl: invalid TTL \"-\" (SECONDS, MIN-MAX, MIN- or -MAX, MIN at most MAX)"),
                Arguments.of("rewrite ttl example.com. 300-30", AT + "rewrite/ttl: invalid TTL \"300-30\" (SECONDS, MIN-MAX, MIN- or -MAX, MIN at most MAX)"),
                Arguments.of("rewrite ttl example.com. 4294967296",
                        AT + "rewrite/ttl: invalid TTL \"4294967296\" (SECONDS, MIN-MAX, MIN- or -MAX, MIN at most MAX)"),
                Arguments.of("rewrite ttl example.com.",
                        AT + "rewrite/ttl: needs [exact|prefix|suffix|substring|regex] NAME SECONDS|MIN-MAX, got 1 arguments"),
                Arguments.of("rewrite ttl fuzzy example.com. 30",
                        AT + "rewrite/ttl: invalid match type \"fuzzy\" (exact, prefix, suffix, substring or regex)"),
                Arguments.of("rewrite rcode a. SERVFAIL BOGUS",
                        AT + "rewrite/rcode: invalid rcode \"BOGUS\" (0..23 or a name such as NOERROR, SERVFAIL, NXDOMAIN, REFUSED)"),
                Arguments.of("rewrite rcode a. 24 0", AT + "rewrite/rcode: invalid rcode \"24\" (0..23 or a name such as NOERROR, SERVFAIL, NXDOMAIN, REFUSED)"),
                Arguments.of("rewrite edns0 local", AT + "rewrite/edns0: too few arguments: edns0 local|nsid|subnet set|append|replace|unset ..."),
                Arguments.of("rewrite edns0 local delete 1 x", AT + "rewrite/edns0: invalid action \"delete\" (set, append, replace or unset)"),
                Arguments.of("rewrite edns0 bogus set", AT + "rewrite/edns0: invalid EDNS0 option \"bogus\" (local, nsid or subnet)"),
                Arguments.of("rewrite edns0 local set 0xffee", AT + "rewrite/edns0: needs local set CODE DATA [revert]"),
                Arguments.of("rewrite edns0 local unset 0xffee x", AT + "rewrite/edns0: needs local unset CODE"),
                Arguments.of("rewrite edns0 local set 70000 x", AT + "rewrite/edns0: invalid option code \"70000\" (0..65535, e.g. 0xffee)"),
                Arguments.of("rewrite edns0 local set 0xffee 0xzz", AT + "rewrite/edns0: invalid hex data \"0xzz\""),
                Arguments.of("rewrite edns0 local set 0xffee {server_ip}", AT
                        + "rewrite/edns0: {server_ip} is not supported by clusterdns (the local address of a query to a wildcard listener is not known)"),
                Arguments.of("rewrite edns0 local set 0xffee {kubernetes/namespace}", AT
                        + "rewrite/edns0: metadata variables such as {kubernetes/namespace} are not supported by clusterdns (it has no metadata plugin)"),
                Arguments.of("rewrite edns0 local set 0xffee {bogus}", AT
                        + "rewrite/edns0: unsupported variable {bogus} ({qname}, {qtype}, {client_ip}, {client_port}, {protocol} or {server_port})"),
                Arguments.of("rewrite edns0 nsid set x", AT + "rewrite/edns0: nsid takes no arguments: nsid set [revert]"),
                Arguments.of("rewrite edns0 subnet set 33 56", AT + "rewrite/edns0: invalid IPv4 bit mask length \"33\" (0..32)"),
                Arguments.of("rewrite edns0 subnet set 24 129", AT + "rewrite/edns0: invalid IPv6 bit mask length \"129\" (0..128)"),
                Arguments.of("rewrite edns0 subnet unset 24", AT + "rewrite/edns0: needs subnet unset"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badLinesNameFileLineAndField(String line, String message) {
        assertThatThrownBy(() -> RewriteSetup.parse(directive(line))).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    /** Several rewrite lines in a block are one plugin, its rules in written order, between cache and kubernetes (plugin.cfg). */
    @Test
    void severalLinesAreOnePluginWithTheirRulesInOrder() {
        BlockPlan b = CorefilePlan.blocks(CorefileParser.parse("""
                .:53 {
                    forward . 192.0.2.53
                    rewrite continue name exact a.example. b.example.
                    cache
                    rewrite type MX A
                    errors
                    rewrite {
                        ttl b.example. 5
                    }
                }
                """, FILE, Map.of()), 53).get(0);

        assertThat(b.plugins().stream().map(PluginConfig::name)).containsExactly("errors", "cache", "rewrite", "forward");
        assertThat(b.plugin(RewriteConfig.class).orElseThrow().rules()).containsExactly(
                name(false, Kind.EXACT, "a.example.", "b.example.", true), new Rule.TypeRule(true, Type.MX, Type.A),
                new Rule.ResponseChange(true, match(Kind.EXACT, "b.example."), new ResponseRule.Ttl(5, 5)));
    }
}
