package io.clusterdns.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;

/** Record copies with another TTL and owner, through dnsjava's setter and through the wire-form fallback alike. */
class RecordTtlTest {
    static final Name WEB = Name.fromConstantString("web.default.svc.cluster.local.");
    static final Name WEB_UPPER = Name.fromConstantString("WEB.Default.svc.cluster.local.");

    @Test
    void copiesWithAnotherTtlLeavingTheOriginalAlone() throws Exception {
        Record a = new ARecord(WEB, DClass.IN, 30, InetAddress.getByName("10.96.45.100"));

        Record copy = RecordTtl.copy(a, 7);

        assertThat(copy.getTTL()).isEqualTo(7);
        assertThat(copy.rdataToString()).isEqualTo("10.96.45.100");
        assertThat(a.getTTL()).isEqualTo(30);
    }

    @Test
    void copiesWithAnotherOwnerSpelling() {
        Record srv = new SRVRecord(Name.fromConstantString("_http._tcp.web.default.svc.cluster.local."), DClass.IN, 30, 0, 100, 80, WEB);

        Record copy = RecordTtl.copy(srv, WEB_UPPER, 12);

        assertThat(copy.getName().toString()).isEqualTo("WEB.Default.svc.cluster.local.");
        assertThat(copy.getTTL()).isEqualTo(12);
        assertThat(copy.rdataToString()).isEqualTo("0 100 80 web.default.svc.cluster.local.");
    }

    @Test
    void theWireFormFallbackGivesTheSameRecord() {
        Record srv = new SRVRecord(Name.fromConstantString("_http._tcp.web.default.svc.cluster.local."), DClass.IN, 30, 0, 100, 80, WEB);

        Record rebuilt = RecordTtl.rebuilt(srv, WEB_UPPER, 2_000_000_000L);

        assertThat(rebuilt.toString()).isEqualTo(RecordTtl.copy(srv, WEB_UPPER, 2_000_000_000L).toString());
        assertThat(rebuilt.getTTL()).isEqualTo(2_000_000_000L);
    }
}
