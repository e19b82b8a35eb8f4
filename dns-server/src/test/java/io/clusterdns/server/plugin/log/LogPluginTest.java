package io.clusterdns.server.plugin.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.Requests;
import org.junit.jupiter.api.Test;
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
}
