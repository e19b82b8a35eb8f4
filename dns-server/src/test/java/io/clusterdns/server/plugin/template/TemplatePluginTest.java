package io.clusterdns.server.plugin.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.Wire;
import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.Requests;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.CorefilePlan;
import io.clusterdns.server.wire.ClientEdns;
import io.clusterdns.server.wire.Responses;
import io.clusterdns.server.wire.Transport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The template link without sockets, in a block whose next plugin answers {@code google.com.} A
 * and AAAA and everything else with {@code NAME 0 TXT next}. Each row is a Corefile block (the
 * examples of CoreDNS's template README and AKS's), a question, and the outcome written as
 * {@code RCODE [aa] | answer | authority | additional}, or {@code fail RCODE} when the link answered
 * with an rcode alone.
 */
class TemplatePluginTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");

    /** The plugin after the template: stands for forward. */
    static final Plugin NEXT = new Plugin() {
        @Override
        public String name() {
            return "next";
        }

        @Override
        public void serve(Request request, ResponseWriter writer, Chain next) {
            Message m = Responses.start(request.message(), Rcode.NOERROR);
            Name q = request.qname();
            if (q.equals(Name.fromConstantString("google.com.")) && request.qtype() == Type.A) {
                m.addRecord(new ARecord(q, DClass.IN, 300, InetAddressOf("142.250.0.1")), Section.ANSWER);
            } else if (q.equals(Name.fromConstantString("google.com.")) && request.qtype() == Type.AAAA) {
                m.addRecord(new AAAARecord(q, DClass.IN, 300, InetAddressOf("2001:db8::1")), Section.ANSWER);
            } else {
                m.addRecord(new TXTRecord(q, DClass.IN, 0, "next"), Section.ANSWER);
            }
            writer.write(m);
        }
    };

    static InetAddress InetAddressOf(String ip) {
        return io.clusterdns.k8s.model.IpAddresses.parse(ip);
    }

    static BlockChain block(String corefile, SimpleMeterRegistry registry) {
        BlockPlan b = CorefilePlan.blocks(CorefileParser.parse(corefile, FILE, Map.of()), 53).get(0);
        return BlockChain.of(b.zones(), List.of(new TemplatePlugin(b.plugin(TemplateConfig.class).orElseThrow(), registry), NEXT));
    }

    static Request request(BlockChain block, String name, int type, int dclass) {
        Message q = new Message(4242);
        q.getHeader().setFlag(Flags.RD);
        q.addRecord(Record.newRecord(Name.fromConstantString(name), type, dclass), Section.QUESTION);
        return new Request(q, ClientEdns.ABSENT, 512, Transport.UDP, new InetSocketAddress(InetAddressOf("192.0.2.7"), 40000),
                Requests.LISTENER, block, Name.root, q.toWire().length, System.nanoTime());
    }

    /** What the chain made of the question, as the rows write it. */
    static String outcome(BlockChain block, String name, int type, int dclass) {
        Requests.Capture w = new Requests.Capture();
        block.head().serve(request(block, name, type, dclass), w);
        if (!w.failed.isEmpty()) {
            return "fail " + Rcode.string(w.failed.get(0));
        }
        assertThat(w.written).hasSize(1);
        return summary(w.written.get(0));
    }

    /** {@code RCODE [aa] | answer | authority | additional}, empty sections at the end left out. */
    static String summary(Message m) {
        List<String> parts = new ArrayList<>();
        parts.add(Rcode.string(m.getRcode()) + (m.getHeader().getFlag(Flags.AA) ? " aa" : ""));
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            parts.add(String.join(", ", Wire.texts(m, section)));
        }
        return String.join(" | ", parts).replaceAll("(\\s*\\|\\s*)+$", "");
    }

    /** A root block of {@code templates} before a forward (the next plugin here, a real one over sockets). */
    static String root(String templates) {
        return ". {\n    forward . 192.0.2.53\n" + templates + "}\n";
    }

    static final String NXDOMAIN_ALL = """
            . {
                template ANY ANY {
                  rcode NXDOMAIN
                }
            }
            """;
    static final String INVALID_TEMPLATE = """
                template ANY ANY invalid {
                  rcode NXDOMAIN
                  authority "invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)"
                  ederror 21 "Blocked according to RFC2606"
                }
            """;
    static final String INVALID = root(INVALID_TEMPLATE);
    /** AKS's Corefile's. */
    static final String AKS_TEMPLATES = """
                template ANY ANY internal.cloudapp.net {
                  match "^(?:[^.]+\\.){4,}internal\\.cloudapp\\.net\\.$"
                  rcode NXDOMAIN
                  fallthrough
                }
                template ANY ANY reddog.microsoft.com {
                  rcode NXDOMAIN
                }
            """;
    static final String AKS = root(AKS_TEMPLATES);
    static final String SEARCH_ZONE = """
            . {
                template IN ANY example.com.dc1.example.com {
                  rcode NXDOMAIN
                  authority "{{ .Zone }} 60 IN SOA ns.example.com hostmaster.example.com (1 60 60 60 60)"
                }
            }
            """;
    static final String SEARCH_REGEX = """
            . {
                template IN ANY example.com {
                  match "example\\.com\\.(dc1\\.example\\.com\\.)$"
                  rcode NXDOMAIN
                  authority "{{ index .Match 1 }} 60 IN SOA ns.{{ index .Match 1 }} hostmaster.{{ index .Match 1 }} (1 60 60 60 60)"
                  fallthrough
                }
            }
            """;
    static final String A_PTR_TEMPLATES = """
                template IN A example {
                  match (^|[.])ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
                  answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
                  fallthrough
                }
                template IN PTR in-addr.arpa {
                  match ^(?P<d>[0-9]*)[.](?P<c>[0-9]*)[.](?P<b>[0-9]*)[.](?P<a>[0-9]*)[.]in-addr[.]arpa[.]$
                  answer "{{ .Name }} 60 IN PTR ip-{{ .Group.a }}-{{ .Group.b }}-{{ .Group.c }}-{{ .Group.d }}.example."
                }
            """;
    static final String A_PTR = root(A_PTR_TEMPLATES);
    static final String HEX = """
            . {
                template IN A example {
                  match "^ip0a(?P<b>[a-f0-9]{2})(?P<c>[a-f0-9]{2})(?P<d>[a-f0-9]{2})[.]example[.]$"
                  answer "{{ .Name }} 60 IN A 10.{{ parseInt .Group.b 16 8 }}.{{ parseInt .Group.c 16 8 }}.{{ parseInt .Group.d 16 8 }}"
                  fallthrough
                }
            }
            """;
    static final String MULTI = """
            . {
                template IN A example {
                  match "^ip-(?P<a>10)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]dc[.]example[.]$"
                  match "^(?P<a>[0-9]*)[.](?P<b>[0-9]*)[.](?P<c>[0-9]*)[.](?P<d>[0-9]*)[.]ext[.]example[.]$"
                  answer "{{ .Name }} 60 IN A {{ .Group.a}}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
                  fallthrough
                }
            }
            """;
    static final String MX = """
            . {
                template IN A example {
                  match ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
                  answer "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
                  authority  "example. 60 IN NS ns0.example."
                  additional "ns0.example. 60 IN A 203.0.113.8"
                  fallthrough
                }
                template IN MX example {
                  match ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
                  answer "{{ .Name }} 60 IN MX 10 {{ .Name }}"
                  additional "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
                  fallthrough
                }
            }
            """;
    static final String SOA_NS = """
            engineering.coredns.io. {
                template IN SOA {
                  match ^engineering\\.coredns\\.io\\.$
                  answer "{{ .Zone }} 3600 IN SOA ns1.{{ .Zone }} admin.{{ .Zone }} (1 60 120 86400 3600)"
                  fallthrough
                }
                template IN SOA {
                  authority "{{ .Zone }} 3600 IN SOA host.engineering.coredns.io. engineering.coredns.io. (1 60 120 86400 3600)"
                }
                template IN NS {
                  match ^engineering\\.coredns\\.io\\.$
                  answer "{{ .Zone }} 900 IN NS ns1.engineering.coredns.io."
                  answer "{{ .Zone }} 900 IN NS ns2.engineering.coredns.io."
                  fallthrough
                }
                template IN NS {
                  authority "{{ .Zone }} 3600 IN SOA host.engineering.coredns.io. engineering.coredns.io. (1 60 120 86400 3600)"
                }
            }
            """;
    static final String CNAME_TEMPLATE = """
                template IN ANY foogle.com {
                  match "^foogle\\.com\\.$"
                  answer "foogle.com 60 IN CNAME google.com"
                }
            """;
    static final String CNAME = root(CNAME_TEMPLATE);
    static final String STRICT = """
            . {
              template IN A example {
                match ^ip-
                answer "{{ .Name }} 60 IN A 192.0.2.1"
              }
              template ANY TXT example {
                answer "{{ .Name }} 60 {{ .Class }} TXT \\"{{ .Type }} from {{ .Remote }}\\""
              }
              template IN AAAA servfail.example {
                rcode SERVFAIL
              }
            }
            """;

    static Stream<Arguments> rows() {
        String soa = "example.com.dc1.example.com. 60 SOA ns.example.com. hostmaster.example.com. 1 60 60 60 60";
        String soaRegex = "dc1.example.com. 60 SOA ns.dc1.example.com. hostmaster.dc1.example.com. 1 60 60 60 60";
        String engSoa = "engineering.coredns.io. 3600 SOA host.engineering.coredns.io. engineering.coredns.io. 1 60 120 86400 3600";
        return Stream.of(
                // Resolve everything to NXDOMAIN
                Arguments.of(NXDOMAIN_ALL, "anything.example.org.", Type.A, DClass.IN, "NXDOMAIN aa"),
                Arguments.of(NXDOMAIN_ALL, "version.bind.", Type.TXT, DClass.CH, "NXDOMAIN aa"),
                // Resolve .invalid as NXDOMAIN, in any class, with a SOA of that class
                Arguments.of(INVALID, "host.invalid.", Type.A, DClass.IN,
                        "NXDOMAIN aa |  | invalid. 60 SOA ns.invalid. hostmaster.invalid. 1 60 60 60 60"),
                Arguments.of(INVALID, "example.org.", Type.A, DClass.IN, "NOERROR | example.org. 0 TXT next"),
                // AKS: search-path junk under internal.cloudapp.net and reddog.microsoft.com, no round trip
                Arguments.of(AKS, "www.google.com.default.svc.internal.cloudapp.net.", Type.A, DClass.IN, "NXDOMAIN aa"),
                Arguments.of(AKS, "a.b.c.d.internal.cloudapp.net.", Type.AAAA, DClass.IN, "NXDOMAIN aa"),
                Arguments.of(AKS, "vm-1.internal.cloudapp.net.", Type.A, DClass.IN, "NOERROR | vm-1.internal.cloudapp.net. 0 TXT next"),
                Arguments.of(AKS, "www.google.com.reddog.microsoft.com.", Type.A, DClass.IN, "NXDOMAIN aa"),
                Arguments.of(AKS, "www.google.com.", Type.A, DClass.IN, "NOERROR | www.google.com. 0 TXT next"),
                // Block invalid search domain completions, zone and regex versions
                Arguments.of(SEARCH_ZONE, "something.example.com.dc1.example.com.", Type.A, DClass.IN, "NXDOMAIN aa |  | " + soa),
                Arguments.of(SEARCH_ZONE, "dc1.example.com.", Type.A, DClass.IN, "NOERROR | dc1.example.com. 0 TXT next"),
                Arguments.of(SEARCH_REGEX, "something.example.com.dc1.example.com.", Type.A, DClass.IN, "NXDOMAIN aa |  | " + soaRegex),
                Arguments.of(SEARCH_REGEX, "www.example.com.", Type.A, DClass.IN, "NOERROR | www.example.com. 0 TXT next"),
                // Resolve A/PTR for .example: groups, a wildcard below, reverse names, fallthrough
                Arguments.of(A_PTR, "ip-10-0-0-1.example.", Type.A, DClass.IN, "NOERROR aa | ip-10-0-0-1.example. 60 A 10.0.0.1"),
                Arguments.of(A_PTR, "www.IP-192-0-2-9.Example.", Type.A, DClass.IN, "NOERROR aa | www.ip-192-0-2-9.example. 60 A 192.0.2.9"),
                Arguments.of(A_PTR, "1.0.0.10.in-addr.arpa.", Type.PTR, DClass.IN,
                        "NOERROR aa | 1.0.0.10.in-addr.arpa. 60 PTR ip-10-0-0-1.example."),
                Arguments.of(A_PTR, "other.example.", Type.A, DClass.IN, "NOERROR | other.example. 0 TXT next"),
                Arguments.of(A_PTR, "ip-10-0-0-1.example.", Type.AAAA, DClass.IN, "NOERROR | ip-10-0-0-1.example. 0 TXT next"),
                Arguments.of(A_PTR, "1.0.10.in-addr.arpa.", Type.PTR, DClass.IN, "fail SERVFAIL"),
                // parseInt on hexadecimal groups
                Arguments.of(HEX, "ip0a7b7b7b.example.", Type.A, DClass.IN, "NOERROR aa | ip0a7b7b7b.example. 60 A 10.123.123.123"),
                // several patterns for one answer
                Arguments.of(MULTI, "ip-10-1-2-3.dc.example.", Type.A, DClass.IN, "NOERROR aa | ip-10-1-2-3.dc.example. 60 A 10.1.2.3"),
                Arguments.of(MULTI, "1.2.3.4.ext.example.", Type.A, DClass.IN, "NOERROR aa | 1.2.3.4.ext.example. 60 A 1.2.3.4"),
                // A and MX, with authority and additional records
                Arguments.of(MX, "ip-10-1-2-3.example.", Type.A, DClass.IN,
                        "NOERROR aa | ip-10-1-2-3.example. 60 A 10.1.2.3 | example. 60 NS ns0.example. | ns0.example. 60 A 203.0.113.8"),
                Arguments.of(MX, "ip-10-1-2-3.example.", Type.MX, DClass.IN,
                        "NOERROR aa | ip-10-1-2-3.example. 60 MX 10 ip-10-1-2-3.example. |  | ip-10-1-2-3.example. 60 A 10.1.2.3"),
                // SOA and NS of a dynamic domain: answers at the apex, NODATA with the SOA below it
                Arguments.of(SOA_NS, "engineering.coredns.io.", Type.SOA, DClass.IN,
                        "NOERROR aa | engineering.coredns.io. 3600 SOA ns1.engineering.coredns.io. admin.engineering.coredns.io. 1 60 120 86400 3600"),
                Arguments.of(SOA_NS, "host.engineering.coredns.io.", Type.SOA, DClass.IN, "NOERROR aa |  | " + engSoa),
                Arguments.of(SOA_NS, "engineering.coredns.io.", Type.NS, DClass.IN,
                        "NOERROR aa | engineering.coredns.io. 900 NS ns1.engineering.coredns.io., engineering.coredns.io. 900 NS ns2.engineering.coredns.io."),
                Arguments.of(SOA_NS, "x.engineering.coredns.io.", Type.NS, DClass.IN, "NOERROR aa |  | " + engSoa),
                // Fabricate a CNAME: the target of an A or AAAA question is resolved through the server
                Arguments.of(CNAME, "foogle.com.", Type.A, DClass.IN, "NOERROR aa | foogle.com. 60 CNAME google.com., google.com. 300 A 142.250.0.1"),
                Arguments.of(CNAME, "foogle.com.", Type.AAAA, DClass.IN,
                        "NOERROR aa | foogle.com. 60 CNAME google.com., google.com. 300 AAAA 2001:db8::1"),
                Arguments.of(CNAME, "foogle.com.", Type.TXT, DClass.IN, "NOERROR aa | foogle.com. 60 CNAME google.com."),
                Arguments.of(CNAME, "www.foogle.com.", Type.A, DClass.IN, "fail SERVFAIL"),
                // no fallthrough: a name in the zone that no regex matches is SERVFAIL; class, type and zone misses go on
                Arguments.of(STRICT, "ip-1.example.", Type.A, DClass.IN, "NOERROR aa | ip-1.example. 60 A 192.0.2.1"),
                Arguments.of(STRICT, "web.example.", Type.A, DClass.IN, "fail SERVFAIL"),
                Arguments.of(STRICT, "web.example.", Type.MX, DClass.IN, "NOERROR | web.example. 0 TXT next"),
                Arguments.of(STRICT, "web.example.", Type.TXT, DClass.IN, "NOERROR aa | web.example. 60 TXT \"TXT from 192.0.2.7\""),
                // a question of type ANY takes the template's type for .Type, and ANY class its class
                Arguments.of(STRICT, "web.example.", Type.ANY, DClass.CH, "NOERROR aa | web.example. 60 TXT \"TXT from 192.0.2.7\""),
                Arguments.of(STRICT, "servfail.example.", Type.AAAA, DClass.IN, "fail SERVFAIL"),
                Arguments.of(STRICT, "web.example.org.", Type.A, DClass.IN, "NOERROR | web.example.org. 0 TXT next"));
    }

    @ParameterizedTest(name = "{2} {1}")
    @MethodSource("rows")
    void answersAsCorednsDocuments(String corefile, String name, int type, int dclass, String expected) {
        assertThat(outcome(block(corefile, new SimpleMeterRegistry()), name, type, dclass)).isEqualTo(expected);
    }

    @Test
    void countsMatchesAndFailuresWithCorednsLabels() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BlockChain block = block("""
                . {
                    template IN A example {
                      match ^good[.]
                      match ^bad-rr[.]
                      match ^bad-template[.]
                      answer "{{ if eq (index .Match 0) \\"bad-rr.\\" }}nonsense{{ else if eq (index .Match 0) \\"bad-template.\\" }}{{ .Nope }}{{ else }}{{ .Name }} 5 IN A 192.0.2.1{{ end }}"
                    }
                }
                """, registry);

        assertThat(outcome(block, "good.example.", Type.A, DClass.IN)).isEqualTo("NOERROR aa | good.example. 5 A 192.0.2.1");
        assertThat(outcome(block, "bad-rr.example.", Type.A, DClass.IN)).isEqualTo("fail SERVFAIL");
        assertThat(outcome(block, "bad-template.example.", Type.A, DClass.IN)).isEqualTo("fail SERVFAIL");

        String server = Requests.LISTENER.label();
        String label = "{{if eq (index .Match 0) \"bad-rr.\"}}nonsense{{else}}{{if eq (index .Match 0) \"bad-template.\"}}{{.Nope}}"
                + "{{else}}{{.Name}} 5 IN A 192.0.2.1{{end}}{{end}}";
        assertThat(registry.get("coredns.template.matches").tags("server", server, "zone", "example.", "view", "", "class", "IN", "type", "A")
                .counter().count()).isEqualTo(3);
        assertThat(registry.get("coredns.template.rr_failures").tags("server", server, "zone", "example.", "view", "", "class", "IN",
                "type", "A", "section", "answer", "template", label).counter().count()).isEqualTo(1);
        assertThat(registry.get("coredns.template.template_failures").tags("server", server, "zone", "example.", "view", "", "class", "IN",
                "type", "A", "section", "answer", "template", label).counter().count()).isEqualTo(1);
    }

    @Test
    void aFailedTemplateTellsTheErrorsPluginWhy() {
        BlockChain block = block(". {\n template IN A {\n  answer \"{{ .Name }} 60 IN A 10.0.0.1.\"\n }\n}", new SimpleMeterRegistry());
        Requests.Capture w = new Requests.Capture();
        block.head().serve(request(block, "x.example.", Type.A, DClass.IN), w);

        assertThat(w.failed).containsExactly(Rcode.SERVFAIL);
        assertThat(w.errors.get(0)).startsWith("template " + FILE + ":2: answer: bad resource record \"x.example. 60 IN A 10.0.0.1.\": ");
    }

    @Test
    void cnameTargetsThatLoopStopAtTheLookupDepth() {
        // a. -> b. -> a. ...: every lookup is a template answer again; CoreDNS would recurse until its stack ran out
        BlockChain block = block("""
                . {
                    template IN A a {
                      answer "a. 60 IN CNAME b."
                    }
                    template IN A b {
                      answer "b. 60 IN CNAME a."
                    }
                }
                """, new SimpleMeterRegistry());
        String out = outcome(block, "a.", Type.A, DClass.IN);

        assertThat(out).startsWith("NOERROR aa | a. 60 CNAME b., b. 60 CNAME a., a. 60 CNAME b.");
        assertThat(out.split("CNAME")).as("one CNAME per lookup level, then SERVFAIL adds nothing")
                .hasSize(io.clusterdns.server.chain.ServerLookup.MAX_DEPTH + 2);
    }
}
