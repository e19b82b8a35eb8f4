package io.clusterdns.agent;

import io.clusterdns.agent.sync.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves by hand, so that "one second later" needs no sleeping. It is also the
 * sync loop's {@link Ticker}: one fake time for the syncer and the loop. {@link #jump} moves the
 * wall clock alone, as an NTP step or a resumed VM does, leaving the monotonic ticker where it was.
 */
public final class MutableClock extends Clock implements Ticker {
    private volatile Instant now;
    private volatile Duration wallOffset = Duration.ZERO;

    public MutableClock(Instant start) {
        this.now = start;
    }

    /** Time passes: both the wall clock and the ticker move. */
    public void advance(Duration d) {
        now = now.plus(d);
    }

    /** The wall clock is set {@code d} forwards (negative: backwards); the ticker does not move. */
    public void jump(Duration d) {
        wallOffset = wallOffset.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.plus(wallOffset);
    }

    @Override
    public long nanos() {
        Instant t = now;
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
