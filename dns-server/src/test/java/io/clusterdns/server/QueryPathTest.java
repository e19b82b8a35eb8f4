package io.clusterdns.server;

import static io.clusterdns.server.TestCluster.SOA;
import static io.clusterdns.server.TestCluster.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.wire.Transport;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The bytes → bytes query path without sockets: header rules, rcodes, the mapping of every
 * resolver answer, EDNS(0) and truncation.
 *
 * <p>Conventions: the cluster is {@link TestCluster} (zones cluster.local and in-addr.arpa, TTL 5,
 * default/web = 10.96.45.100, default/big = 100 ready endpoints); hand-made packets are
 * {@link Packets} (ID 0xBEEF, RD set); queries built with dnsjava use small IDs.
 */
class QueryPathTest {
    static QueryPath handler;

    @BeforeAll
    static void setUp() {
        handler = QueryPath.of(TestCluster.resolver());
    }

    static List<Packets.Fixture> fixtures() {
        return Packets.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void answersEveryFixtureWithTheExpectedRcode(Packets.Fixture fixture) {
        byte[] outcome = handler.handle(fixture.bytes(), Transport.UDP);

        if (fixture.rcode() == Packets.DROPPED) {
            assertThat(outcome).as("dropped").isNull();
            return;
        }
        assertThat(outcome).as("a response").isNotNull();
        Message response = Wire.parse(outcome);
        assertThat(response.getHeader().getID()).isEqualTo(Packets.ID);
        assertThat(Wire.rcode(response)).as(Rcode.string(Wire.rcode(response))).isEqualTo(fixture.rcode());
        assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(response.getHeader().getFlag(Flags.RD)).as("RD copied").isTrue();
        assertThat(response.getHeader().getFlag(Flags.RA)).as("RA").isFalse();
        assertThat(response.getHeader().getCount(Section.QUESTION)).as("question echoed").isEqualTo(fixture.echoesQuestion() ? 1 : 0);
        if (!fixture.echoesQuestion()) {
            assertThat(response.getHeader().getCount(Section.ANSWER) + response.getHeader().getCount(Section.AUTHORITY)
                    + response.getHeader().getCount(Section.ADDITIONAL)).isZero();
        }
    }

    @Test
    void answersAClusterIpServiceAuthoritatively() {
        Message response = udp(Wire.query(1, WEB, Type.A));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(Wire.texts(response, Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
        assertThat(response.getSection(Section.AUTHORITY)).isEmpty();
        assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(response.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(response.getHeader().getFlag(Flags.RA)).isFalse();
        assertThat(response.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(response.getHeader().getID()).isEqualTo(1);
        assertThat(response.getSection(Section.ADDITIONAL)).as("no OPT without EDNS in the query").isEmpty();
    }

    @Test
    void echoesTheQuestionWithItsCase() {
        Message response = udp(Wire.query(2, "WeB.Default.SVC.cluster.LOCAL.", Type.A));

        assertThat(response.getQuestion().getName().toString()).isEqualTo("WeB.Default.SVC.cluster.LOCAL.");
        assertThat(Wire.texts(response, Section.ANSWER)).containsExactly("WeB.Default.SVC.cluster.LOCAL. 5 A 10.96.45.100");
    }

    @Test
    void copiesRdOnlyWhenSetAndAlwaysCopiesCd() {
        Message query = Wire.query(3, WEB, Type.A);
        query.getHeader().unsetFlag(Flags.RD);
        query.getHeader().setFlag(Flags.CD);

        Message response = udp(query);

        assertThat(response.getHeader().getFlag(Flags.RD)).isFalse();
        assertThat(response.getHeader().getFlag(Flags.CD)).isTrue();
    }

    @Test
    void mapsEveryResolverAnswer() {
        Message nx = udp(Wire.query(4, "nope.default.svc.cluster.local.", Type.A));
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(nx.getSection(Section.ANSWER)).isEmpty();
        assertThat(Wire.texts(nx, Section.AUTHORITY)).containsExactly(SOA);

        Message noData = udp(Wire.query(5, WEB, Type.AAAA));
        assertThat(noData.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(noData.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(noData.getSection(Section.ANSWER)).isEmpty();
        assertThat(Wire.texts(noData, Section.AUTHORITY)).containsExactly(SOA);

        Message srv = udp(Wire.query(6, "_http._tcp." + WEB, Type.SRV));
        assertThat(Wire.texts(srv, Section.ANSWER)).containsExactly("_http._tcp." + WEB + " 5 SRV 0 100 80 " + WEB);
        assertThat(Wire.texts(srv, Section.ADDITIONAL)).containsExactly(WEB + " 5 A 10.96.45.100");

        Message ptr = udp(Wire.query(7, "100.45.96.10.in-addr.arpa.", Type.PTR));
        assertThat(Wire.texts(ptr, Section.ANSWER)).containsExactly("100.45.96.10.in-addr.arpa. 5 PTR " + WEB);
        assertThat(ptr.getHeader().getFlag(Flags.AA)).isTrue();

        Message refused = udp(Wire.query(8, "example.com.", Type.A));
        assertThat(refused.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(refused.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(refused.getSection(Section.AUTHORITY)).isEmpty();
    }

    @Test
    void answersServfailForTheZoneUntilTheClusterStateHasSynced() {
        QueryPath unsynced = QueryPath.of(new Resolver(TestCluster.config().resolver()));

        Message inZone = Wire.parse(wire(unsynced.handle(Wire.bytes(Wire.query(9, WEB, Type.A)), Transport.UDP)));
        Message outside = Wire.parse(wire(unsynced.handle(Wire.bytes(Wire.query(10, "example.com.", Type.A)), Transport.UDP)));

        assertThat(inZone.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(inZone.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(outside.getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void echoesOptOnlyWhenTheQueryHadOneAdvertising1232AndDo() {
        Message plain = udp(Wire.query(11, WEB, Type.A));
        Message withDo = udp(Wire.withEdns(Wire.query(12, WEB, Type.A), 4096, 0, true));
        Message withoutDo = udp(Wire.withEdns(Wire.query(13, WEB, Type.A), 1400, 0, false));

        assertThat(plain.getOPT()).isNull();
        OPTRecord opt = withDo.getOPT();
        assertThat(opt.getPayloadSize()).isEqualTo(1232);
        assertThat(opt.getVersion()).isZero();
        assertThat(opt.getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
        assertThat(withoutDo.getOPT().getFlags() & ExtendedFlags.DO).isZero();
        assertThat(Wire.texts(withDo, Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
    }

    @Test
    void answersBadversToEdnsVersionsAboveZero() {
        Message response = udp(Wire.withEdns(Wire.query(14, WEB, Type.A), 1232, 1, true));

        assertThat(response.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(response.getHeader().getRcode()).as("lower 4 bits in the header").isZero();
        assertThat(response.getOPT().getVersion()).isZero();
        assertThat(response.getOPT().getExtendedRcode()).isEqualTo(1);
        assertThat(response.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void truncatesToTheClientsSizeKeepingTheRecordsThatFit() {
        String big = "big.default.svc.cluster.local.";
        byte[] noEdns = wire(handler.handle(Wire.bytes(Wire.query(15, big, Type.A)), Transport.UDP));
        byte[] edns1232 = wire(handler.handle(Wire.bytes(Wire.withEdns(Wire.query(16, big, Type.A), 1232, 0, false)), Transport.UDP));
        byte[] tiny = wire(handler.handle(Wire.bytes(Wire.withEdns(Wire.query(17, big, Type.A), 100, 0, false)), Transport.UDP));
        byte[] edns4096 = wire(handler.handle(Wire.bytes(Wire.withEdns(Wire.query(18, big, Type.A), 4096, 0, false)), Transport.UDP));
        byte[] tcp = wire(handler.handle(Wire.bytes(Wire.query(19, big, Type.A)), Transport.TCP));

        assertTruncated(noEdns, 512, false);
        assertTruncated(edns1232, 1232, true);
        assertTruncated(tiny, 512, true);
        assertThat(Wire.parse(edns4096).getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(Wire.parse(edns4096).getSection(Section.ANSWER)).hasSize(TestCluster.BIG_ENDPOINTS);
        assertThat(Wire.parse(tcp).getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(Wire.parse(tcp).getSection(Section.ANSWER)).hasSize(TestCluster.BIG_ENDPOINTS);
    }

    @Test
    void aFailingLookupCostsOnlyThatQuery() {
        QueryPath failing = QueryPath.of(TestCluster.config().zones(), new Plugin() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public void serve(Request request, ResponseWriter writer, Chain next) {
                throw new IllegalStateException("boom");
            }
        });

        Message response = Wire.parse(wire(failing.handle(Wire.bytes(Wire.query(20, WEB, Type.A)), Transport.UDP)));

        assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(response.getHeader().getID()).isEqualTo(20);
        assertThat(Wire.texts(udp(Wire.query(21, WEB, Type.A)), Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
    }

    private static void assertTruncated(byte[] wire, int limit, boolean opt) {
        assertThat(wire.length).isLessThanOrEqualTo(limit);
        Message m = Wire.parse(wire);
        assertThat(m.getHeader().getFlag(Flags.TC)).isTrue();
        Wire.assertTruncatedKeepingWhatFits(wire, limit, TestCluster.BIG_ENDPOINTS);
        assertThat(m.getQuestion().getName().toString()).isEqualTo("big.default.svc.cluster.local.");
        assertThat(m.getOPT() != null).isEqualTo(opt);
    }

    private static Message udp(Message query) {
        return Wire.parse(wire(handler.handle(Wire.bytes(query), Transport.UDP)));
    }

    private static byte[] wire(byte[] outcome) {
        assertThat(outcome).as("a response").isNotNull();
        return outcome;
    }
}
