package io.clusterdns.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@link Responses#encode}: how records are written, as CoreDNS (miekg/dns) writes them. */
class ResponsesTest {
    private static final Name SRV = name("_mongo._tcp.mongo-headless.default.svc.cluster.local.");

    private static Name name(String text) {
        try {
            return Name.fromString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A StatefulSet's SRV answer: one SRV per pod, each pod's A record in the additional section. */
    private static Message srvAnswer(Message query, int pods) throws Exception {
        Message response = Responses.start(query, Rcode.NOERROR);
        for (int i = 0; i < pods; i++) {
            Name target = name("mongo-" + i + ".mongo-headless.default.svc.cluster.local.");
            response.addRecord(new SRVRecord(SRV, DClass.IN, 30, 0, 20, 27017, target), Section.ANSWER);
            response.addRecord(new ARecord(target, DClass.IN, 30, InetAddress.getByName("10.244.1." + (i + 10))), Section.ADDITIONAL);
        }
        return response;
    }

    @Test
    void theAdditionalRecordsOfAnSrvTargetPointToIt() throws Exception {
        Message query = Message.newQuery(Record.newRecord(SRV, Type.SRV, DClass.IN));
        byte[] dnsjava = srvAnswer(query, 5).toWire();

        byte[] wire = Responses.encode(srvAnswer(query, 5), query, ClientEdns.ABSENT, 65535);

        // each A owner was its first label and a pointer to the rest in the question; now a pointer to the SRV target
        int firstLabel = name("mongo-0.x.").getLabel(0).length;
        assertThat(dnsjava.length - wire.length).isEqualTo(5 * firstLabel);
        Message parsed = new Message(wire);
        assertThat(parsed.getSection(Section.ANSWER)).isEqualTo(srvAnswer(query, 5).getSection(Section.ANSWER));
        assertThat(parsed.getSection(Section.ADDITIONAL)).isEqualTo(srvAnswer(query, 5).getSection(Section.ADDITIONAL));
        List<Record> additional = parsed.getSection(Section.ADDITIONAL);
        assertThat(additional.get(4).getName().toString()).isEqualTo("mongo-4.mongo-headless.default.svc.cluster.local.");
    }

    @Test
    void anAdditionalRecordSpellsItsNameAsTheSrvTargetDoesWhateverTheQuestionsCase() throws Exception {
        // the question typed in mixed case; the targets' service part is lower case (the zone part follows the question's)
        Name typed = name("_mongo._tcp.MONGO-headless.Default.svc.cluster.local.");
        Message query = Message.newQuery(Record.newRecord(typed, Type.SRV, DClass.IN));
        Message response = Responses.start(query, Rcode.NOERROR);
        Name target = name("mongo-0.mongo-headless.default.svc.cluster.local.");
        response.addRecord(new SRVRecord(typed, DClass.IN, 30, 0, 100, 27017, target), Section.ANSWER);
        response.addRecord(new ARecord(target, DClass.IN, 30, InetAddress.getByName("10.244.1.10")), Section.ADDITIONAL);

        Message parsed = new Message(Responses.encode(response, query, ClientEdns.ABSENT, 512));

        // before, the owner's suffix pointed into the question: mongo-0.MONGO-headless.Default.svc...
        String srvTarget = ((SRVRecord) parsed.getSection(Section.ANSWER).get(0)).getTarget().toString();
        assertThat(parsed.getSection(Section.ADDITIONAL).get(0).getName().toString()).isEqualTo(srvTarget)
                .isEqualTo("mongo-0.mongo-headless.default.svc.cluster.local.");
    }

    @Test
    void anSrvAnswerThatFitsOnlyWrittenAsCoreDnsWritesItIsNotTruncated() throws Exception {
        Message query = Message.newQuery(Record.newRecord(SRV, Type.SRV, DClass.IN));
        int size = Responses.encode(srvAnswer(query, 5), query, ClientEdns.ABSENT, 65535).length;
        assertThat(srvAnswer(query, 5).toWire().length).isGreaterThan(size);

        Message fits = new Message(Responses.encode(srvAnswer(query, 5), query, ClientEdns.ABSENT, size));
        assertThat(fits.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(fits.getSection(Section.ADDITIONAL)).hasSize(5);

        Message cut = new Message(Responses.encode(srvAnswer(query, 5), query, ClientEdns.ABSENT, size - 1));
        assertThat(cut.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(cut.getSection(Section.ANSWER)).hasSize(5);
        assertThat(cut.getSection(Section.ADDITIONAL)).hasSize(4);
    }
}
