package io.clusterdns.server.listen;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Waiting for Vert.x start-up futures from the starting thread, never from an event loop. */
public final class Futures {
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private Futures() {
    }

    /** The future's value; its failure as an exception whose message reads "cannot start WHAT: cause". */
    public static <T> T await(Future<T> future, String what) {
        try {
            return future.await(START_TIMEOUT);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out starting " + what, e);
        } catch (Exception e) {
            // await() rethrows the failure as is, checked ones too (a bind error is an IOException).
            throw new IllegalStateException("cannot start " + what + ": " + e.getMessage(), e);
        }
    }
}
