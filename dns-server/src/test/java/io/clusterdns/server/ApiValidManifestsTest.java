package io.clusterdns.server;

import io.clusterdns.server.http.HttpConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.testing.ApiValidManifests;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The server started as {@code main} does on a folder an API server would accept in full: an
 * EndpointSlice without the service-name label, an FQDN slice, and a headless service with
 * {@code publishNotReadyAddresses} (see {@link ApiValidManifests} for the names and addresses).
 */
class ApiValidManifestsTest {
    @TempDir
    Path dir;

    @Test
    void servesAndPublishesNotReadyAddressesAsCoreDnsDoes() {
        ServerConfig config = ServerConfig.defaults(ApiValidManifests.write(dir))
                .withListen(ListenAddress.of("127.0.0.1:0")).withHttp(HttpConfig.off());
        try (DnsServer server = DnsServerMain.start(config); UdpClient client = new UdpClient(server.port())) {
            assertThat(answer(client, 1, "web.shop.svc.cluster.local.")).containsExactly("web.shop.svc.cluster.local. 5 A " + ApiValidManifests.WEB_IP);
            // publishNotReadyAddresses: the not-ready db-1 is answered too; the FQDN slice adds nothing
            assertThat(answer(client, 2, "db.shop.svc.cluster.local.")).containsExactlyInAnyOrder(
                    "db.shop.svc.cluster.local. 5 A " + ApiValidManifests.DB_READY_IP,
                    "db.shop.svc.cluster.local. 5 A " + ApiValidManifests.DB_NOT_READY_IP);
            // the same pods without it: ready ones only
            assertThat(answer(client, 3, "db-ready.shop.svc.cluster.local."))
                    .containsExactly("db-ready.shop.svc.cluster.local. 5 A " + ApiValidManifests.DB_READY_IP);
            // the label-less slice belongs to no service
            Message unowned = client.exchange(Wire.query(4, "unowned.shop.svc.cluster.local.", Type.A));
            assertThat(unowned.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(client.exchange(Wire.query(5, "99.1.244.10.in-addr.arpa.", Type.PTR)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        }
    }

    private static List<String> answer(UdpClient client, int id, String name) {
        Message m = client.exchange(Wire.query(id, name, Type.A));
        assertThat(m.getRcode()).as(name).isEqualTo(Rcode.NOERROR);
        return Wire.texts(m, Section.ANSWER);
    }
}
