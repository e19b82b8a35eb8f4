package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.rrl.RrlServerTest;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The rrl plugin across reloads (applied by hand, as {@link CorefileServerTest} does): its
 * accounts are kept while its line is unchanged, started afresh when it changes, and its series
 * go with the line. One answer per 100 s, so the second query of a name is over the limit however
 * slow the machine; slip-ratio 1 makes that visible (TC=1).
 */
class RrlReloadTest {
    static final String WEB = RrlServerTest.WEB;

    @TempDir
    Path dir;

    @Test
    void aReloadKeepsTheAccountsOfAnUnchangedLineAndRemovingTheLineRemovesItsSeries() throws Exception {
        String rrl = "rrl {\n responses-per-second 0.01\n slip-ratio 1\n}";
        CorefileSource source = new CorefileSource(RrlServerTest.write(dir, rrl, ""), Map.of(), 53,
                ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2);
        try (DnsServer server = DnsServerMain.start(source);
             UdpClient client = new UdpClient(RrlServerTest.FLOODER, InetAddress.getLoopbackAddress(), server.port())) {
            assertThat(client.exchange(Wire.query(1, WEB, Type.A)).getHeader().getFlag(Flags.TC)).isFalse();
            // another plugin changed: the account (used up for 100 s) is kept
            RrlServerTest.write(dir, rrl, "errors");
            server.reload(source::read);
            assertThat(client.exchange(Wire.query(2, WEB, Type.A)).getHeader().getFlag(Flags.TC)).isTrue();
            // the line changed: new accounts
            RrlServerTest.write(dir, rrl.replace("0.01", "0.02"), "errors");
            server.reload(source::read);
            assertThat(client.exchange(Wire.query(3, WEB, Type.A)).getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(client.exchange(Wire.query(4, WEB, Type.A)).getHeader().getFlag(Flags.TC)).isTrue();
            assertThat(new Scrape(server.scrape()).names()).contains("clusterdns_rrl_table_entries", "coredns_rrl_responses_exceeded_total");
            // the line removed: nothing limited, and its series are gone
            RrlServerTest.write(dir, "", "errors");
            server.reload(source::read);
            for (int i = 5; i < 10; i++) {
                assertThat(client.exchange(Wire.query(i, WEB, Type.A)).getSection(Section.ANSWER)).hasSize(1);
            }
            assertThat(new Scrape(server.scrape()).names()).noneMatch(n -> n.contains("rrl"));
        }
    }
}
