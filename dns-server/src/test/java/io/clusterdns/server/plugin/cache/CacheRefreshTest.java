package io.clusterdns.server.plugin.cache;

import static io.clusterdns.server.plugin.cache.CacheHarness.addresses;
import static io.clusterdns.server.plugin.cache.CacheHarness.failing;
import static io.clusterdns.server.plugin.cache.CacheHarness.ttl;
import static io.clusterdns.server.plugin.cache.CacheHarness.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.server.wire.Transport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Refreshing entries: prefetch before they expire, serving them stale after, and next plugins
 * that complete later on another thread (as forward does). Same harness as
 * {@link CachePluginTest}: block {@code .}, backend A TTL 30, fake clock.
 */
class CacheRefreshTest {
    static final String WEB = "web.example.org.";
    static final String[] LABELS = CachePluginTest.LABELS;

    /** Completes a held request on a thread of its own, as an upstream reply arrives on another event loop. */
    static void completeElsewhere(CacheHarness.Held held, CacheHarness.Answer answer) throws InterruptedException {
        Thread t = new Thread(() -> answer.answer(held.request(), held.writer()));
        t.start();
        t.join();
    }

    @Test
    void prefetchesAPopularEntryWhenLittleOfItsTtlIsLeft() {
        CacheHarness h = new CacheHarness("cache {\nprefetch 2 1m 10%\n}");
        h.ask(h.query(WEB, Type.A));
        h.advance(Duration.ofSeconds(1));
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).isEqualTo(29);
        h.advance(Duration.ofSeconds(25));
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).as("4 s left: above ceil(10% of 30)").isEqualTo(4);
        assertThat(h.backend.asked()).isEqualTo(1);

        h.advance(Duration.ofSeconds(1));
        Message answered = h.ask(h.query(WEB, Type.A));

        assertThat(ttl(answered)).as("the client gets the entry it hit").isEqualTo(3);
        assertThat(h.backend.asked()).as("and the entry is refreshed behind it").isEqualTo(2);
        assertThat(h.backend.requests.stream().skip(1).findFirst().orElseThrow().transport())
                .as("refreshed as TCP: nothing truncated").isEqualTo(Transport.TCP);
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).isEqualTo(30);
        assertThat(h.backend.asked()).isEqualTo(2);
        assertThat(h.counter("coredns.cache.prefetch", LABELS)).isEqualTo(1);
    }

    @Test
    void doesNotPrefetchEntriesAskedForLessOftenThanTheAmountWithinTheWindow() {
        CacheHarness h = new CacheHarness("cache 100 {\nprefetch 2 10s 50%\n}");
        h.backend.answer = addresses(100, 1);
        h.ask(h.query(WEB, Type.A));
        h.advance(Duration.ofSeconds(45));
        h.ask(h.query(WEB, Type.A));
        h.advance(Duration.ofSeconds(11));
        // 44 s left is below 50 of 100, but the previous hit was 11 s ago: the count starts again at 1
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).isEqualTo(44);

        assertThat(h.backend.asked()).isEqualTo(1);
        h.advance(Duration.ofSeconds(1));
        h.ask(h.query(WEB, Type.A));
        assertThat(h.backend.asked()).isEqualTo(2);
    }

    @Test
    void runsOneRefreshOfAnEntryAtATimeAndStoresItsLateAnswer() throws InterruptedException {
        CacheHarness h = new CacheHarness("cache {\nprefetch 1 1m 50%\n}");
        h.ask(h.query(WEB, Type.A));
        h.backend.defer = true;
        h.advance(Duration.ofSeconds(20));

        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).isEqualTo(10);
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).isEqualTo(10);
        assertThat(h.backend.asked()).as("the second hit finds the refresh running").isEqualTo(2);

        completeElsewhere(h.backend.held.take(), addresses(60, 1));
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).isEqualTo(60);
        assertThat(h.counter("coredns.cache.prefetch", LABELS)).isEqualTo(1);
    }

    @Test
    void storesAMissAnsweredLaterOnAnotherThread() throws InterruptedException {
        CacheHarness h = new CacheHarness("cache");
        h.backend.defer = true;

        CacheHarness.Client client = h.send(h.query(WEB, Type.A), Transport.UDP);
        assertThat(client.response()).isNull();
        completeElsewhere(h.backend.held.take(), addresses(30, 1));
        h.backend.defer = false;

        assertThat(client.response().getRcode()).isEqualTo(Rcode.NOERROR);
        h.ask(h.query(WEB, Type.A));
        assertThat(h.backend.asked()).isEqualTo(1);
    }

    @Test
    void servesStaleAtOnceWithTtlZeroAndRefreshesBehindIt() {
        CacheHarness h = new CacheHarness("cache {\nserve_stale 1h\n}");
        h.ask(h.query(WEB, Type.A));
        h.advance(Duration.ofSeconds(90));
        h.backend.answer = addresses(20, 1);

        Message stale = h.ask(h.query(WEB, Type.A));

        assertThat(stale.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ttl(stale)).isZero();
        assertThat(h.backend.asked()).isEqualTo(2);
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).as("refreshed").isEqualTo(20);
        assertThat(h.counter("coredns.cache.served_stale", LABELS)).isEqualTo(1);
        assertThat(h.counter("coredns.cache.prefetch", LABELS)).isEqualTo(1);
    }

    @Test
    void keepsServingStaleWhileTheRefreshFailsUntilTheStaleTimeIsOver() {
        CacheHarness h = new CacheHarness("cache {\nserve_stale 60s\n}");
        h.ask(h.query(WEB, Type.A));
        h.backend.answer = written(Rcode.SERVFAIL);
        h.advance(Duration.ofSeconds(31));

        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).isZero();
        h.backend.answer = failing(Rcode.SERVFAIL);
        h.advance(Duration.ofSeconds(58));
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).as("59 s stale: still served").isZero();
        assertThat(h.backend.asked()).isEqualTo(3);
        assertThat(h.counter("coredns.cache.served_stale", LABELS)).isEqualTo(2);

        h.advance(Duration.ofSeconds(1));
        assertThat(h.ask(h.query(WEB, Type.A)).getRcode()).as("60 s stale: a miss").isEqualTo(Rcode.SERVFAIL);
        assertThat(h.counter("coredns.cache.misses", LABELS)).isEqualTo(2);
    }

    @Test
    void verifyAsksTheNextPluginsFirstAndAnswersWithTheirAnswer() {
        CacheHarness h = new CacheHarness("cache {\nserve_stale 1h verify\n}");
        h.ask(h.query(WEB, Type.A));
        h.advance(Duration.ofSeconds(40));
        h.backend.answer = addresses(15, 1);

        Message fresh = h.ask(h.query(WEB, Type.A));

        assertThat(ttl(fresh)).isEqualTo(15);
        assertThat(h.backend.asked()).isEqualTo(2);
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).as("and stored it").isEqualTo(15);
        assertThat(h.counter("coredns.cache.served_stale", LABELS)).isZero();
    }

    @Test
    void verifyAnswersStaleWhenTheNextPluginsFail() throws InterruptedException {
        CacheHarness h = new CacheHarness("cache {\nserve_stale 1h verify\n}");
        h.ask(h.query(WEB, Type.A));
        h.advance(Duration.ofSeconds(40));
        h.backend.answer = written(Rcode.SERVFAIL);
        Message afterServfail = h.ask(h.query(WEB, Type.A));
        h.backend.defer = true;

        CacheHarness.Client waiting = h.send(h.query(WEB, Type.A), Transport.UDP);
        assertThat(waiting.response()).as("verify waits for the next plugins").isNull();
        completeElsewhere(h.backend.held.take(), failing(Rcode.SERVFAIL));

        assertThat(afterServfail.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ttl(afterServfail)).isZero();
        Message afterFailure = Await.until("the stale answer", waiting::response, m -> m != null);
        assertThat(afterFailure.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ttl(afterFailure)).isZero();
        assertThat(h.counter("coredns.cache.served_stale", LABELS)).isEqualTo(2);
    }
}
