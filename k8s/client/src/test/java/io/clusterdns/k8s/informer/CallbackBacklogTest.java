package io.clusterdns.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The brake between an informer's list/watch thread and its callbacks. */
class CallbackBacklogTest {

    @Test
    void theStoringThreadWaitsWhileMoreThanTheLimitIsQueuedAndGoesOnOnceTheCallbacksCatchUp() throws InterruptedException {
        CallbackBacklog backlog = new CallbackBacklog(2, Duration.ofHours(1));
        CountDownLatch stored = new CountDownLatch(3);
        Thread lister = new Thread(() -> {
            for (int i = 0; i < 3; i++) {
                backlog.stored();
                stored.countDown();
            }
        }, "lister");
        lister.start();

        Await.until("the third object queued and the lister waiting", () -> backlog.queued() == 3
                && lister.getState() == Thread.State.TIMED_WAITING);
        assertThat(stored.getCount()).as("the third stored() has not returned").isEqualTo(1);

        backlog.converted();
        assertThat(stored.await(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        lister.join(Await.DEADLINE.toMillis());
        assertThat(backlog.queued()).isEqualTo(2);
        backlog.converted();
        backlog.converted();
        assertThat(backlog.queued()).isZero();
    }

    @Test
    void withoutALimitNothingWaits() {
        CallbackBacklog backlog = new CallbackBacklog(0, Duration.ofHours(1));
        for (int i = 0; i < 1000; i++) {
            backlog.stored();
        }
        assertThat(backlog.queued()).isEqualTo(1000);
    }

    @Test
    void aCountThatDriftedIsResetAfterTheLongestWaitRatherThanStuck() {
        // callbacks that will never come (an informer stopped with events queued)
        CallbackBacklog backlog = new CallbackBacklog(1, Duration.ZERO);
        backlog.stored();
        backlog.stored();
        assertThat(backlog.queued()).as("reset instead of waiting for ever").isZero();
        backlog.converted();
        assertThat(backlog.queued()).as("never below zero").isZero();
    }
}
