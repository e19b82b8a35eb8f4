package io.clusterdns.server.plugin.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The classification CoreDNS's cache goes by ({@code response.Typify}, plus 1.13's CNAME-chain
 * rule) and whether each kind may be stored.
 *
 * <p>Conventions: the question is {@code www.example.org. A} unless a case says otherwise; records
 * are written in zone-file text ({@link #rr}).
 */
class ResponseTypeTest {
    static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");
    static final String Q = "www.example.org.";
    static final String SOA = "example.org. 300 IN SOA ns.example.org. host.example.org. 1 7200 1800 86400 30";

    static Record rr(String text) {
        try {
            String[] f = text.split(" ", 5);
            return Record.fromString(Name.fromString(f[0]), Type.value(f[3]), DClass.value(f[2]), Long.parseLong(f[1]), f[4], Name.root);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** A response to {@code qtype Q} with {@code rcode}; {@code records} as "SECTION:record text". */
    static Message response(int qtype, int rcode, String... records) {
        Message m = new Message(1);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        m.addRecord(Record.newRecord(Name.fromConstantString(Q), qtype, DClass.IN), Section.QUESTION);
        for (String r : records) {
            int section = switch (r.substring(0, r.indexOf(':'))) {
                case "an" -> Section.ANSWER;
                case "ns" -> Section.AUTHORITY;
                default -> Section.ADDITIONAL;
            };
            m.addRecord(rr(r.substring(r.indexOf(':') + 1)), section);
        }
        return m;
    }

    static Stream<Arguments> cases() {
        Message notify = response(Type.SOA, Rcode.NOERROR);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        Message update = response(Type.SOA, Rcode.NOERROR);
        update.getHeader().setOpcode(Opcode.UPDATE);
        Message truncated = response(Type.A, Rcode.NOERROR, "an:" + Q + " 60 IN A 192.0.2.1");
        truncated.getHeader().setFlag(Flags.TC);
        return Stream.of(
                Arguments.of("answer", response(Type.A, Rcode.NOERROR, "an:" + Q + " 60 IN A 192.0.2.1"), ResponseType.NO_ERROR, true),
                Arguments.of("CNAME chain to the type", response(Type.A, Rcode.NOERROR, "an:" + Q + " 60 IN CNAME a.example.net.",
                        "an:a.example.net. 60 IN A 192.0.2.1"), ResponseType.NO_ERROR, true),
                Arguments.of("CNAME chain short of the type, no SOA", response(Type.A, Rcode.NOERROR,
                        "an:" + Q + " 60 IN CNAME a.example.net."), ResponseType.NO_ERROR, false),
                Arguments.of("CNAME chain short of the type, SOA", response(Type.A, Rcode.NOERROR,
                        "an:" + Q + " 60 IN CNAME a.example.net.", "ns:" + SOA), ResponseType.NO_DATA, true),
                Arguments.of("CNAME loop", response(Type.A, Rcode.NOERROR, "an:" + Q + " 60 IN CNAME a.example.net.",
                        "an:a.example.net. 60 IN CNAME " + Q), ResponseType.NO_ERROR, false),
                Arguments.of("CNAME question", response(Type.CNAME, Rcode.NOERROR, "an:" + Q + " 60 IN CNAME a.example.net."),
                        ResponseType.NO_ERROR, true),
                Arguments.of("NODATA", response(Type.AAAA, Rcode.NOERROR, "ns:" + SOA), ResponseType.NO_DATA, true),
                Arguments.of("NXDOMAIN", response(Type.A, Rcode.NXDOMAIN, "ns:" + SOA), ResponseType.NAME_ERROR, true),
                Arguments.of("NXDOMAIN without SOA", response(Type.A, Rcode.NXDOMAIN), ResponseType.OTHER_ERROR, false),
                Arguments.of("SERVFAIL", response(Type.A, Rcode.SERVFAIL), ResponseType.SERVER_ERROR, true),
                Arguments.of("NOTIMP", response(Type.A, Rcode.NOTIMP), ResponseType.SERVER_ERROR, true),
                Arguments.of("REFUSED", response(Type.A, Rcode.REFUSED), ResponseType.OTHER_ERROR, false),
                Arguments.of("FORMERR", response(Type.A, Rcode.FORMERR), ResponseType.OTHER_ERROR, false),
                Arguments.of("delegation", response(Type.A, Rcode.NOERROR, "ns:example.org. 300 IN NS ns.example.org."),
                        ResponseType.DELEGATION, true),
                Arguments.of("empty NOERROR", response(Type.A, Rcode.NOERROR), ResponseType.NO_ERROR, true),
                Arguments.of("AXFR", response(Type.AXFR, Rcode.NOERROR), ResponseType.META, false),
                Arguments.of("NOTIFY", notify, ResponseType.META, false),
                Arguments.of("UPDATE", update, ResponseType.UPDATE, false),
                Arguments.of("truncated", truncated, ResponseType.NO_ERROR, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void classifiesAsCoreDns(String name, Message m, ResponseType type, boolean cacheable) {
        ResponseType actual = ResponseType.of(m, false, NOW);

        assertThat(actual).isEqualTo(type);
        assertThat(actual.cacheable(m)).isEqualTo(cacheable);
    }

    @ParameterizedTest(name = "expired signature, DO {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void anExpiredSignatureIsAnErrorOnlyForDnssecQueries(boolean dnssecOk) {
        Message m = response(Type.A, Rcode.NOERROR, "an:" + Q + " 60 IN A 192.0.2.1",
                "an:" + Q + " 60 IN RRSIG A 13 3 60 20200101000000 20191201000000 12345 example.org. AAAA");

        assertThat(ResponseType.of(m, dnssecOk, NOW)).isEqualTo(dnssecOk ? ResponseType.OTHER_ERROR : ResponseType.NO_ERROR);
    }
}
