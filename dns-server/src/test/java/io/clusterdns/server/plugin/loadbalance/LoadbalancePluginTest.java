package io.clusterdns.server.plugin.loadbalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.chain.Requests;
import io.clusterdns.server.wire.Responses;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Shuffled addresses, CNAMEs first, the rest in place; only NOERROR responses. */
class LoadbalancePluginTest {
    static final Name WEB = Name.fromConstantString("web.example.");

    static Record a(int last) {
        return new ARecord(WEB, DClass.IN, 30, new byte[] {10, 0, 0, (byte) last});
    }

    static List<String> answerOf(Message m) {
        return m.getSection(Section.ANSWER).stream().map(r -> r.rdataToString()).toList();
    }

    Message through(int rcode, Record... records) {
        Requests.Capture capture = new Requests.Capture();
        new LoadbalancePlugin().serve(Requests.of("web.example.", Type.A), capture, (request, writer) -> {
            Message m = Responses.start(request.message(), rcode);
            for (Record r : records) {
                m.addRecord(r, Section.ANSWER);
            }
            writer.write(m);
        });
        return capture.written.get(0);
    }

    @Test
    void everyAddressComesFirstSometimes() {
        Set<String> firsts = new HashSet<>();
        for (int i = 0; i < 200 && firsts.size() < 3; i++) {
            List<String> order = answerOf(through(Rcode.NOERROR, a(1), a(2), a(3)));
            assertThat(order).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.0.0.3");
            firsts.add(order.get(0));
        }
        assertThat(firsts).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.0.0.3");
    }

    @Test
    void cnamesFirstThenOtherRecordsThenTheAddresses() throws Exception {
        Record cname = new CNAMERecord(Name.fromConstantString("alias.example."), DClass.IN, 30, WEB);
        Record txt = new TXTRecord(WEB, DClass.IN, 30, "x");

        List<String> order = answerOf(through(Rcode.NOERROR, a(1), txt, cname, a(2)));

        assertThat(order.subList(0, 2)).containsExactly("web.example.", "x");
        assertThat(order.subList(2, 4)).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    }

    @Test
    void otherRcodesPassUnchanged() {
        for (int i = 0; i < 20; i++) {
            assertThat(answerOf(through(Rcode.NXDOMAIN, a(1), a(2), a(3)))).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        }
    }
}
