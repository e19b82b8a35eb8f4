package io.clusterdns.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.Wire;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The fuzzer's oracle fails what it must (a checker that passes everything would make the fuzz prove nothing). */
class ResponseCheckTest {
    static byte[] query(boolean edns, int version) {
        Message q = Wire.query(7, "web.shop.svc.cluster.local.", Type.A);
        return Wire.bytes(edns ? Wire.withEdns(q, 1232, version, true) : q);
    }

    static Message answer(byte[] query, int rcode) {
        Message r = new Message(7);
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RD);
        r.getHeader().setRcode(rcode);
        r.addRecord(Wire.parse(query).getQuestion(), org.xbill.DNS.Section.QUESTION);
        return r;
    }

    @Test
    void aCorrectAnswerPasses() {
        byte[] q = query(false, 0);
        assertThat(ResponseCheck.problem(q, answer(q, Rcode.NOERROR).toWire(), true)).isEmpty();
        byte[] e = query(true, 0);
        assertThat(ResponseCheck.problem(e, Wire.withEdns(answer(e, Rcode.NXDOMAIN), 1232, 0, true).toWire(), true)).isEmpty();
    }

    @Test
    void headerAndSizeMistakesFail() {
        byte[] q = query(false, 0);
        Message noQr = answer(q, Rcode.NOERROR);
        noQr.getHeader().unsetFlag(Flags.QR);
        assertThat(ResponseCheck.problem(q, noQr.toWire(), true)).hasValue("the response has QR=0");
        Message otherId = answer(q, Rcode.NOERROR);
        otherId.getHeader().setID(8);
        assertThat(ResponseCheck.problem(q, otherId.toWire(), true)).hasValueSatisfying(p -> assertThat(p).startsWith("ID 8"));
        byte[] big = java.util.Arrays.copyOf(answer(q, Rcode.NOERROR).toWire(), 600);
        assertThat(ResponseCheck.problem(q, big, true)).hasValueSatisfying(p -> assertThat(p).contains("accepting 512"));
        assertThat(ResponseCheck.problem(new byte[] {1, 2, 3}, answer(q, Rcode.FORMERR).toWire(), true)).isPresent();
        byte[] response = q.clone();
        response[2] |= (byte) 0x80;
        assertThat(ResponseCheck.problem(response, answer(q, Rcode.FORMERR).toWire(), true)).hasValue("a response (QR=1) was answered");
        Message noRd = answer(q, Rcode.NOERROR);
        noRd.getHeader().unsetFlag(Flags.RD);
        assertThat(ResponseCheck.problem(q, noRd.toWire(), true)).hasValue("RD=false answers RD=true");
        assertThat(ResponseCheck.problem(q, new byte[] {0, 7, (byte) 0x80}, true)).hasValueSatisfying(p -> assertThat(p).contains("parse"));
    }

    @Test
    void rcodeAndEdnsRulesFail() {
        byte[] v1 = query(true, 1);
        assertThat(ResponseCheck.problem(v1, Wire.withEdns(answer(v1, Rcode.NOERROR), 1232, 0, true).toWire(), true))
                .hasValue("rcode NOERROR, expected BADVERS");
        byte[] plain = query(false, 0);
        assertThat(ResponseCheck.problem(plain, Wire.withEdns(answer(plain, Rcode.NOERROR), 1232, 0, false).toWire(), true))
                .hasValue("an OPT record in the response to a query without (usable) EDNS");
        byte[] edns = query(true, 0);
        assertThat(ResponseCheck.problem(edns, answer(edns, Rcode.NOERROR).toWire(), true))
                .hasValue("no OPT record in the response to an EDNS query");
        byte[] notify = plain.clone();
        notify[2] |= (byte) (4 << 3);
        Message notImp = answer(plain, Rcode.NOTIMP);
        notImp.getHeader().setOpcode(4);
        assertThat(ResponseCheck.problem(notify, notImp.toWire(), true)).isEmpty();
        notImp.getHeader().setRcode(Rcode.NOERROR);
        assertThat(ResponseCheck.problem(notify, notImp.toWire(), true)).hasValue("rcode NOERROR, expected NOTIMP");
    }

    @Test
    void packetsAreTheSameForTheSameSeedAndIndex() {
        FuzzPackets a = new FuzzPackets(42);
        FuzzPackets b = new FuzzPackets(42);
        for (long i = 0; i < 1_000; i++) {
            assertThat(b.packet(i).bytes()).isEqualTo(a.packet(i).bytes());
        }
        assertThat(new FuzzPackets(43).packet(5).bytes()).isNotEqualTo(a.packet(5).bytes());
    }
}
