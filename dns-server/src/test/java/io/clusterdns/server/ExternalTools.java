package io.clusterdns.server;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs real tools (dig, kdig, ip, getent, java) for interoperability tests. A missing tool or
 * missing privilege skips the test with the reason, unless {@code CLUSTERDNS_REQUIRE_PRIVILEGED=1}
 * (CI) where it fails instead.
 */
final class ExternalTools {
    static final boolean REQUIRED = "1".equals(System.getenv("CLUSTERDNS_REQUIRE_PRIVILEGED"));

    private ExternalTools() {
    }

    /** The output and exit code of a finished process. */
    record Result(int exitCode, String output) {
    }

    /** The tool's path, or a skip (a failure under CLUSTERDNS_REQUIRE_PRIVILEGED=1) when it is not installed. */
    static String require(String tool) {
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        skipOrFail(tool + " is not installed (Debian: apt-get install bind9-dnsutils knot-dnsutils iproute2)");
        return null;
    }

    /** Skips the test with {@code reason}, or fails it when privileged tests are required. */
    static void skipOrFail(String reason) {
        if (REQUIRED) {
            fail(reason + " (CLUSTERDNS_REQUIRE_PRIVILEGED=1 turns this skip into a failure)");
        }
        Assumptions.abort(reason);
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
