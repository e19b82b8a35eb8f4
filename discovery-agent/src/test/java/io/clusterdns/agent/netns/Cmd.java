package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.fail;

import io.clusterdns.k8s.testing.Privileged;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real tools (ip, nft, conntrack, java) for the network namespace tests, and decides
 * whether those tests can run: they need root and the tools; without them they skip with the
 * reason, unless {@code CLUSTERDNS_REQUIRE_PRIVILEGED=1} (CI), where they fail instead
 * ({@link Privileged}).
 */
public final class Cmd {
    static final Duration DEFAULT = Duration.ofSeconds(30);

    private Cmd() {
    }

    /** The output (stdout and stderr merged) and exit code of a finished command. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Skips (or fails under CI) unless root with ip, nft and conntrack installed. */
    public static void requirePrivileges() {
        Privileged.requireTool("ip", "iproute2");
        Privileged.requireTool("nft", "nftables");
        Privileged.requireTool("conntrack", "conntrack");
        Privileged.requireRoot("network namespace tests");
    }

    public static Result run(Duration deadline, String... command) {
        return runWithInput(deadline, null, command);
    }

    /** Runs {@code command} with {@code stdin} (may be null), killing it past the deadline. */
    public static Result runWithInput(Duration deadline, String stdin, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            var out = io.clusterdns.agent.kernel.ProcessPipes.drain(p.getInputStream());
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + deadline);
            }
            return new Result(p.exitValue(), new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
        }
    }

    /** Runs and fails the test when the command fails. */
    public static String check(String... command) {
        Result r = run(DEFAULT, command);
        if (!r.ok()) {
            fail(String.join(" ", command) + " failed (exit " + r.exitCode() + "): " + r.output());
        }
        return r.output();
    }
}
