package io.clusterdns.server.plugin.loop;

import io.clusterdns.k8s.testing.Await;
import org.xbill.DNS.Message;
import java.util.Arrays;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.time.Duration;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Requests;
import io.clusterdns.server.wire.Responses;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The loop detector: its own question seen more than twice is a loop; anything else passes on. */
class LoopPluginTest {

    @Test
    void itsOwnQuestionSeenAThirdTimeIsALoop() {
        AtomicInteger loops = new AtomicInteger();
        LoopPlugin loop = new LoopPlugin(Name.root, loops::incrementAndGet);
        AtomicInteger passed = new AtomicInteger();
        Chain next = (request, writer) -> {
            passed.incrementAndGet();
            writer.write(Responses.start(request.message(), Rcode.NXDOMAIN));
        };
        String probe = loop.probe().toString();

        for (int i = 1; i <= 2; i++) {
            loop.serve(Requests.of(probe, Type.HINFO), new Requests.Capture(), next);
            assertThat(loops).as("seen %d times", i).hasValue(0);
        }
        loop.serve(Requests.of(probe, Type.HINFO), new Requests.Capture(), next);

        assertThat(loops).hasValue(1);
        assertThat(passed).as("the first two went on to the next plugin").hasValue(2);
        assertThat(probe).matches("\\d+\\.\\d+\\.");
    }

    @Test
    void otherQuestionsPassAsOftenAsTheyCome() {
        AtomicInteger loops = new AtomicInteger();
        LoopPlugin loop = new LoopPlugin(Name.fromConstantString("cluster.local."), loops::incrementAndGet);
        for (int i = 0; i < 5; i++) {
            loop.serve(Requests.of("web.default.svc.cluster.local.", Type.A), new Requests.Capture(), (r, w) -> w.fail(Rcode.SERVFAIL, null));
            loop.serve(Requests.of(loop.probe().toString(), Type.A), new Requests.Capture(), (r, w) -> w.fail(Rcode.SERVFAIL, null));
        }
        assertThat(loops).hasValue(0);
        assertThat(loop.probe().toString()).endsWith(".cluster.local.");
    }

    /**
     * The forwarder's upstream is dead: each question goes on to it and never gets a reply. Many
     * such questions are not a loop, since each unanswered exchange starts the count again (as
     * CoreDNS). A socket of the test plays the server: it passes every question through the
     * plugin and answers none.
     */
    @Test
    void questionsThatGetNoReplyAreNotALoop() throws Exception {
        AtomicInteger loops = new AtomicInteger();
        LoopPlugin loop = new LoopPlugin(Name.root, loops::incrementAndGet, Duration.ofMillis(50), Duration.ofMillis(10));
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            server.setSoTimeout((int) Await.DEADLINE.toMillis());
            loop.startProbing((InetSocketAddress) server.getLocalSocketAddress());
            for (int i = 0; i < 6; i++) {
                DatagramPacket p = new DatagramPacket(new byte[512], 512);
                server.receive(p);
                Message q = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                assertThat(q.getQuestion().getName()).isEqualTo(loop.probe());
                loop.serve(Requests.of(q.getQuestion().getName().toString(), Type.HINFO), new Requests.Capture(), (r, w) -> { });
            }
        }
        assertThat(loops).hasValue(0);
    }
}
