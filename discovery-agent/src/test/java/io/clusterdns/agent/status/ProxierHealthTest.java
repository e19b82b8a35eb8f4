package io.clusterdns.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** /healthz's timeout runs on the monotonic ticker: wall-clock jumps neither trip nor hide it. */
class ProxierHealthTest {
    final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
    final ProxierHealth health = new ProxierHealth(clock, clock::nanos, Duration.ofSeconds(60));

    @Test
    void aWallClockJumpForwardsDoesNotMakeAPendingChangeLate() {
        health.updated();
        health.queued();
        clock.jump(Duration.ofHours(1));
        assertThat(health.status().healthy()).isTrue();
        assertThat(health.status().currentTime()).as("the reported time is the wall clock's").isEqualTo(Instant.parse("2025-06-01T11:00:00Z"));
        clock.advance(Duration.ofSeconds(61));
        assertThat(health.status().healthy()).isFalse();
    }

    @Test
    void aWallClockJumpBackwardsDoesNotHideAStuckSync() {
        health.updated();
        health.queued();
        clock.jump(Duration.ofHours(-1));
        clock.advance(Duration.ofSeconds(61));
        assertThat(health.status().healthy()).isFalse();
        health.updated();
        assertThat(health.status().healthy()).isTrue();
        assertThat(health.status().lastUpdated()).isEqualTo(Instant.parse("2025-06-01T09:01:01Z"));
    }
}
