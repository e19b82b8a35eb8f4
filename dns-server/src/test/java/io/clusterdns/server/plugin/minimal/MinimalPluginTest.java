package io.clusterdns.server.plugin.minimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.Requests;
import io.clusterdns.server.corefile.PluginLines;
import io.clusterdns.server.wire.Responses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@code minimal} lines, and which responses of the next plugins leave with their answer section only. */
class MinimalPluginTest {
    static final Path FILE = PluginLines.FILE;
    static final String NS = "au:example.org. 300 IN NS ns1.example.org.";
    static final String GLUE = "ad:ns1.example.org. 300 IN A 192.0.2.53";
    static final String SOA = "au:example.org. 300 IN SOA ns1.example.org. admin.example.org. 1 2 3 4 60";

    static MinimalConfig parse(String line) {
        return MinimalSetup.parse(PluginLines.of(line));
    }

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("minimal", null),
                Arguments.of("minimal {\n}", null),
                Arguments.of("minimal yes", FILE + ":2: minimal: wrong argument count: expected no arguments, got 1"),
                Arguments.of("minimal {\nadditional\n}", FILE + ":3: minimal: unknown property 'additional'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void setup(String line, String error) {
        if (error == null) {
            assertThat(parse(line)).isEqualTo(new MinimalConfig());
        } else {
            assertThatThrownBy(() -> parse(line)).isInstanceOf(ConfigException.class).hasMessage(error);
        }
    }

    /** A response to {@code type} with {@code rcode} and records written {@code an:|au:|ad:NAME TTL CLASS TYPE RDATA}. */
    static Message response(int type, int rcode, String... records) {
        Message m = Responses.start(Requests.of("www.example.org.", type).message(), rcode);
        for (String r : records) {
            int section = switch (r.substring(0, 3)) {
                case "an:" -> Section.ANSWER;
                case "au:" -> Section.AUTHORITY;
                default -> Section.ADDITIONAL;
            };
            String[] f = r.substring(3).split(" ", 5);
            try {
                m.addRecord(Record.fromString(Name.fromString(f[0]), Type.value(f[3]), DClass.value(f[2]), Long.parseLong(f[1]), f[4],
                        Name.root), section);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return m;
    }

    /** Answer, authority and additional record counts after the plugin. */
    static String through(Message response) {
        Requests.Capture capture = new Requests.Capture();
        new MinimalPlugin().serve(Requests.of("www.example.org.", response.getQuestion().getType()), capture,
                (request, writer) -> writer.write(response));
        Message m = capture.written.get(0);
        return m.getSection(Section.ANSWER).size() + "/" + m.getSection(Section.AUTHORITY).size() + "/"
                + m.getSection(Section.ADDITIONAL).size();
    }

    static Stream<Arguments> responses() {
        String a = "an:www.example.org. 300 IN A 192.0.2.1";
        return Stream.of(
                Arguments.of("answer with NS and glue", response(Type.A, Rcode.NOERROR, a, NS, GLUE), "1/0/0"),
                Arguments.of("SRV with its targets' addresses", response(Type.SRV, Rcode.NOERROR,
                        "an:www.example.org. 300 IN SRV 0 0 80 a.example.org.", "ad:a.example.org. 300 IN A 192.0.2.1"), "1/0/0"),
                Arguments.of("NXDOMAIN", response(Type.A, Rcode.NXDOMAIN, SOA), "0/1/0"),
                Arguments.of("NODATA", response(Type.AAAA, Rcode.NOERROR, SOA), "0/1/0"),
                Arguments.of("delegation", response(Type.A, Rcode.NOERROR, NS, GLUE), "0/1/1"),
                Arguments.of("SERVFAIL", response(Type.A, Rcode.SERVFAIL, GLUE), "0/0/1"),
                Arguments.of("REFUSED", response(Type.A, Rcode.REFUSED, NS), "0/1/0"),
                Arguments.of("AXFR", response(Type.AXFR, Rcode.NOERROR, "an:" + SOA.substring(3), NS), "1/1/0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void onlyPositiveAnswersAreTrimmed(String what, Message response, String counts) {
        assertThat(through(response)).isEqualTo(counts);
    }

    @Test
    void anOptRecordOfTheResponseGoesWithTheAdditionalSection() {
        Message m = response(Type.A, Rcode.NOERROR, "an:www.example.org. 300 IN A 192.0.2.1", GLUE);
        m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);

        // the encoder gives EDNS clients a fresh one (Responses.encode), as it does every response
        assertThat(through(m)).isEqualTo("1/0/0");
    }

    @Test
    void failuresPassUntouched() {
        Requests.Capture capture = new Requests.Capture();
        new MinimalPlugin().serve(Requests.of("www.example.org.", Type.A), capture, (request, writer) -> writer.fail(Rcode.SERVFAIL, "boom"));

        assertThat(capture.failed).containsExactly(Rcode.SERVFAIL);
        assertThat(capture.errors).containsExactly("boom");
    }
}
