package io.clusterdns.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The one-line reason a retried list/watch failure is logged and shown on /ready with. */
class InformerFailuresTest {

    @Test
    void aConnectFailureWithoutAMessageStillSaysWhatFailed() {
        // what the JDK HTTP client throws for a refused connection: no message anywhere
        ConnectException refused = new ConnectException();
        refused.initCause(new ClosedChannelException());

        assertThat(InformerFailures.detail(new CompletionException(refused)))
                .isEqualTo("ConnectException: cannot connect to the API server (connection refused, unreachable or timed out)");
    }

    @Test
    void theFirstMessageInTheCausesIsKept() {
        assertThat(InformerFailures.detail(new CompletionException(new ConnectException("Connection refused"))))
                .isEqualTo("ConnectException: Connection refused");
        assertThat(InformerFailures.detail(new CompletionException(new java.io.IOException(null,
                new java.net.UnknownHostException("api.example.invalid")))))
                .isEqualTo("IOException: api.example.invalid");
    }

    @Test
    void aFailureWhileStoppingIsNotLogged() {
        InformerFailures failures = new InformerFailures(io.clusterdns.k8s.WatchedKind.SERVICES);
        ConnectException refused = new ConnectException("Connection refused");
        assertThat(failures.retryAfterException(true, refused)).as("running: retried").isTrue();
        assertThat(failures.lastRetried()).isEqualTo("ConnectException: Connection refused");

        failures.stopping();
        java.util.concurrent.RejectedExecutionException closed = new java.util.concurrent.RejectedExecutionException("Shutting down");
        assertThat(failures.retryAfterException(true, closed)).as("stopping: left to fabric8's stop, no error of its own").isTrue();
        assertThat(failures.lastRetried()).as("nothing recorded (hence not logged)").isEqualTo("ConnectException: Connection refused");
    }
}
