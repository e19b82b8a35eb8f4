package io.clusterdns.server;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs real tools (dig, kdig, ip, getent, java) for interoperability tests. Whether a tool is
 * there, and whether the test may run at all, is {@link io.clusterdns.k8s.testing.Privileged}'s call.
 */
final class ExternalTools {
    private ExternalTools() {
    }

    /** The output and exit code of a finished process. */
    record Result(int exitCode, String output) {
    }

    /** Runs {@code command}, stdout and stderr merged, killing it when it outlives {@code deadline}. */
    static Result run(Duration deadline, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + deadline);
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
