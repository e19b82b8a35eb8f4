package io.clusterdns.server.plugin.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.CorefilePlan;
import io.clusterdns.server.plugin.template.TemplateConfig.ExtendedError;
import io.clusterdns.server.plugin.template.TemplateConfig.Template;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code template} lines as CoreDNS 1.12 reads them (its own setup_test.go rows among them): each
 * good line's template, and the exact error of each bad one. Every line sits in a
 * {@code example.com:53} block at line 2 of {@code /etc/coredns/Corefile}, its options on the lines
 * after.
 */
class TemplateSetupTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");
    static final String WHERE = FILE + ":2";
    static final Name BLOCK = Name.fromConstantString("example.com.");
    static final Name EXAMPLE = Name.fromConstantString("example.");
    static final List<NameRegex> ANYTHING = List.of(NameRegex.compile(".*"));

    static Template parse(String line) {
        Directive d = CorefileParser.parse("example.com:53 {\n" + line + "\n}\n", FILE, Map.of()).blocks().get(0).directives().get(0);
        TemplateConfig c = TemplateSetup.parse(d, List.of(BLOCK));
        assertThat(c.templates()).hasSize(1);
        return c.templates().get(0);
    }

    static List<RrTemplate> rr(String section, String... texts) {
        return Stream.of(texts).map(t -> RrTemplate.parse(section, t)).toList();
    }

    static Template template(int qclass, int qtype, List<Name> zones, List<NameRegex> match, List<RrTemplate> answer,
                             List<RrTemplate> additional, List<RrTemplate> authority, int rcode, Optional<ExtendedError> ede,
                             Fallthrough fallthrough) {
        return new Template(qclass, qtype, zones, match, answer, additional, authority, rcode, ede, fallthrough, WHERE);
    }

    static Stream<Arguments> good() {
        String ipA = "^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$";
        return Stream.of(
                Arguments.of("template ANY ANY {\nrcode NXDOMAIN\n}", template(DClass.ANY, Type.ANY, List.of(BLOCK), ANYTHING, List.of(),
                        List.of(), List.of(), Rcode.NXDOMAIN, Optional.empty(), Fallthrough.NONE)),
                Arguments.of("template ANY ANY {\n\n}", template(DClass.ANY, Type.ANY, List.of(BLOCK), ANYTHING, List.of(), List.of(),
                        List.of(), Rcode.NOERROR, Optional.empty(), Fallthrough.NONE)),
                Arguments.of("template in aaaa", template(DClass.IN, Type.AAAA, List.of(BLOCK), ANYTHING, List.of(), List.of(), List.of(),
                        Rcode.NOERROR, Optional.empty(), Fallthrough.NONE)),
                Arguments.of("template IN A example {\nmatch " + ipA + "\nanswer \"{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}\"\n"
                                + "fallthrough\n}",
                        template(DClass.IN, Type.A, List.of(EXAMPLE), List.of(NameRegex.compile(ipA)),
                                rr("answer", "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"), List.of(), List.of(),
                                Rcode.NOERROR, Optional.empty(), Fallthrough.ALL)),
                Arguments.of("template IN MX example. {\nmatch " + ipA + " ^mx[.]example[.]$\nanswer \"{{ .Name }} 60 IN MX 10 {{ .Name }}\"\n"
                                + "additional \"{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}\"\n"
                                + "authority \"example. 60 IN NS ns0.example.\" \"example. 60 IN NS ns1.example.\"\n}",
                        template(DClass.IN, Type.MX, List.of(EXAMPLE), List.of(NameRegex.compile(ipA), NameRegex.compile("^mx[.]example[.]$")),
                                rr("answer", "{{ .Name }} 60 IN MX 10 {{ .Name }}"),
                                rr("additional", "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"),
                                rr("authority", "example. 60 IN NS ns0.example.", "example. 60 IN NS ns1.example."), Rcode.NOERROR,
                                Optional.empty(), Fallthrough.NONE)),
                Arguments.of("template ANY ANY invalid {\nrcode NXDOMAIN\n"
                                + "authority \"invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)\"\n"
                                + "ederror 21 \"Blocked according to RFC2606\"\n}",
                        template(DClass.ANY, Type.ANY, List.of(Name.fromConstantString("invalid.")), ANYTHING, List.of(), List.of(),
                                rr("authority", "invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)"), Rcode.NXDOMAIN,
                                Optional.of(new ExtendedError(21, "Blocked according to RFC2606")), Fallthrough.NONE)),
                Arguments.of("template IN PTR 10.0.0.0/8 in-addr.arpa {\nrcode nxdomain\nederror 0\nfallthrough 10.in-addr.arpa\nupstream 8.8.8.8\n}",
                        template(DClass.IN, Type.PTR, List.of(Name.fromConstantString("10.in-addr.arpa."), Name.fromConstantString("in-addr.arpa.")),
                                ANYTHING, List.of(), List.of(), List.of(), Rcode.NXDOMAIN, Optional.of(new ExtendedError(0, "")),
                                new Fallthrough(List.of(Name.fromConstantString("10.in-addr.arpa."))))),
                Arguments.of("template CH TXT {\nanswer \"{{ parseInt }}\"\nupstream\n}", template(DClass.CH, Type.TXT, List.of(BLOCK), ANYTHING,
                        rr("answer", "{{ parseInt }}"), List.of(), List.of(), Rcode.NOERROR, Optional.empty(), Fallthrough.NONE)),
                // CoreDNS's setup test: a misspelt field fails per query, not at setup
                Arguments.of("template ANY A {\nanswer \"{{ .Name }} A {{ .Grup.d }}\"\n}", template(DClass.ANY, Type.A, List.of(BLOCK), ANYTHING,
                        rr("answer", "{{ .Name }} A {{ .Grup.d }}"), List.of(), List.of(), Rcode.NOERROR, Optional.empty(), Fallthrough.NONE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void readsGoodLines(String line, Template expected) {
        assertThat(parse(line)).isEqualTo(expected);
    }

    static Stream<Arguments> bad() {
        String at2 = FILE + ":2: template: ";
        String at3 = FILE + ":3: template/";
        return Stream.of(
                Arguments.of("template", at2 + "wrong argument count: expected at least 2 arguments, got 0"),
                Arguments.of("template ANY", at2 + "wrong argument count: expected at least 2 arguments, got 1"),
                Arguments.of("template X A", at2 + "invalid query class X"),
                Arguments.of("template ANY X", at2 + "invalid RR type X"),
                Arguments.of("template ANY ANY bad..zone", at2 + "\"bad..zone\" is not a valid domain name"),
                Arguments.of("template ANY ANY {\nnotavailable\n}", FILE + ":3: template: unknown property 'notavailable'"),
                Arguments.of("template ANY ANY {\nmatch\n}", at3 + "match: wrong argument count: expected at least 1 argument, got 0"),
                Arguments.of("template ANY ANY {\nanswer\n}", at3 + "answer: wrong argument count: expected at least 1 argument, got 0"),
                Arguments.of("template ANY ANY {\nadditional\n}", at3 + "additional: wrong argument count: expected at least 1 argument, got 0"),
                Arguments.of("template ANY ANY {\nrcode\n}", at3 + "rcode: wrong argument count: expected 1 argument, got 0"),
                Arguments.of("template ANY ANY {\nrcode UNDEFINED\n}", at3 + "rcode: unknown rcode UNDEFINED"),
                Arguments.of("template ANY ANY {\nrcode BADCOOKIE\n}",
                        at3 + "rcode: extended rcode BADCOOKIE cannot be answered without EDNS; not supported by clusterdns"),
                Arguments.of("template ANY ANY {\nanswer \"{{\"\n}", at3 + "answer: could not compile template: unclosed action"),
                Arguments.of("template ANY ANY {\nadditional \"{{\"\n}", at3 + "additional: could not compile template: unclosed action"),
                Arguments.of("template ANY ANY {\nauthority \"{{\"\n}", at3 + "authority: could not compile template: unclosed action"),
                Arguments.of("template ANY ANY {\nanswer \"{{ notAFunction }}\"\n}",
                        at3 + "answer: could not compile template: function \"notAFunction\" not defined"),
                Arguments.of("template ANY ANY {\nmatch (?P<x>\n}", at3 + "match: could not parse regex: (?P<x>, Unclosed group"),
                Arguments.of("template ANY ANY {\nmatch a(b\n}", at3 + "match: could not parse regex: a(b, Unclosed group"),
                Arguments.of("template ANY ANY {\nmatch (?P<x\n}", at3 + "match: could not parse regex: (?P<x, invalid named capture in (?P<x"),
                Arguments.of("template ANY ANY {\nmatch " + "a".repeat(10001) + "\n}", at3 + "match: regex pattern too long: 10001 > 10000"),
                Arguments.of("template ANY ANY {\nederror invalid \"x\"\n}",
                        at3 + "ederror: error parsing extended DNS error code invalid (expected 0..65535)"),
                Arguments.of("template ANY ANY {\nederror too many arguments\n}", at3 + "ederror: wrong argument count: expected 1..2 arguments, got 3"),
                Arguments.of("template ANY ANY {\nfallthrough bad..zone\n}", at3 + "fallthrough: \"bad..zone\" is not a valid domain name"),
                Arguments.of("template ANY ANY {\nvar x 1\n}",
                        at3 + "var: not supported by clusterdns (CoreDNS's unreleased expr-lang options); use match groups in the templates"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void refusesBadLinesAtTheirLine(String line, String error) {
        assertThatThrownBy(() -> parse(line)).isInstanceOf(ConfigException.class).hasMessage(error);
    }

    @Test
    void severalLinesInABlockAreOneLinkTryingThemInWrittenOrder() {
        List<BlockPlan> blocks = CorefilePlan.blocks(CorefileParser.parse("""
                .:53 {
                    forward . 192.0.2.53
                    template IN A example {
                        answer "{{ .Name }} 60 IN A 192.0.2.1"
                    }
                    cache
                    template ANY ANY invalid {
                        rcode NXDOMAIN
                    }
                }
                """, FILE, Map.of()), 53);
        BlockPlan b = blocks.get(0);

        assertThat(b.plugins()).extracting(PluginConfig::name).containsExactly("cache", "template", "forward");
        assertThat(b.plugin(TemplateConfig.class).orElseThrow().templates()).extracting(Template::where, Template::zones).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FILE + ":3", List.of(EXAMPLE)),
                org.assertj.core.groups.Tuple.tuple(FILE + ":7", List.of(Name.fromConstantString("invalid."))));
    }
}
