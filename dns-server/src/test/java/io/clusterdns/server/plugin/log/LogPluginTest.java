package io.clusterdns.server.plugin.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.Requests;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The query log line: CoreDNS's common format and its placeholders. */
class LogPluginTest {

    @Test
    void commonFormatAsCoreDnsWritesIt() {
        Request r = Requests.of("Web.Default.svc.cluster.local.", Type.A);

        String line = LogPlugin.format(LogConfig.COMMON, r, "NOERROR", "qr,aa,rd", 74, 76_310);

        assertThat(line).isEqualTo("127.0.0.1:40000 - 4242 \"A IN web.default.svc.cluster.local. udp " + r.size()
                + " false 512\" NOERROR qr,aa,rd 74 0.00007631s");
    }

    @Test
    void unknownPlaceholdersStayAndCombinedAddsTheOpcode() {
        Request r = Requests.of("example.com.", Type.AAAA);

        assertThat(LogPlugin.format("{type} {nonsense} {rcode}", r, "SERVFAIL", "qr", 0, 1)).isEqualTo("AAAA {nonsense} SERVFAIL");
        assertThat(LogPlugin.format(LogConfig.COMBINED, r, "NOERROR", "qr", 10, 1_000_000_000L)).endsWith(" 10 1s \"0\"");
    }

    /**
     * A query the chain fails (SERVFAIL written by the server, not a plugin) is logged with the
     * flags the client gets: QR and the query's RD echoed, as CoreDNS's log writes that response.
     */
    @Test
    void aFailedQueryIsLoggedWithTheFlagsOfItsErrorResponse() {
        List<String> lines = new ArrayList<>();
        LogPlugin p = new LogPlugin(new LogConfig(List.of(new LogConfig.Rule(List.of(Name.root), "{rcode} {>rflags}",
                EnumSet.allOf(LogConfig.ResponseClass.class)))), lines::add);

        p.serve(Requests.of("example.com.", Type.A), new Requests.Capture(), (request, writer) -> writer.fail(Rcode.SERVFAIL, "boom"));

        assertThat(lines).containsExactly("SERVFAIL qr,rd");
    }

    /** A query nobody answers (acl's drop) is still logged, as CoreDNS does: NOERROR, no flags, 0 bytes, class error. */
    @Test
    void aDroppedQueryIsLoggedAsAnErrorWithoutResponse() {
        List<String> lines = new ArrayList<>();
        LogPlugin errors = new LogPlugin(new LogConfig(List.of(new LogConfig.Rule(List.of(Name.root), "{rcode} {>rflags} {rsize}",
                EnumSet.of(LogConfig.ResponseClass.ERROR)))), lines::add);
        LogPlugin success = new LogPlugin(new LogConfig(List.of(new LogConfig.Rule(List.of(Name.root), "{rcode}",
                EnumSet.of(LogConfig.ResponseClass.SUCCESS)))), lines::add);
        Requests.Capture capture = new Requests.Capture();

        errors.serve(Requests.of("example.com.", Type.A), capture, (request, writer) -> writer.drop());
        success.serve(Requests.of("example.com.", Type.A), capture, (request, writer) -> writer.drop());

        assertThat(lines).containsExactly("NOERROR - 0");
        assertThat(capture.written).isEmpty();
    }
}
