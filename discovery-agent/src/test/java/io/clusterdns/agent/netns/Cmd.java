package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real tools (ip, nft, conntrack, java) for the network namespace tests, and decides
 * whether those tests can run: they need root and {@code ip netns}; without them they skip with
 * the reason, unless {@code CLUSTERDNS_REQUIRE_PRIVILEGED=1} (CI), where they fail instead.
 */
public final class Cmd {
    static final boolean REQUIRED = "1".equals(System.getenv("CLUSTERDNS_REQUIRE_PRIVILEGED"));
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
        for (String tool : List.of("ip", "nft", "conntrack")) {
            if (which(tool) == null) {
                skipOrFail(tool + " is not installed (Debian: apt-get install iproute2 nftables conntrack)");
            }
        }
        Result id = run(DEFAULT, "id", "-u");
        if (!id.output().trim().equals("0")) {
            skipOrFail("network namespace tests need root (uid " + id.output().trim() + ")");
        }
    }

    public static String which(String tool) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    public static void skipOrFail(String reason) {
        if (REQUIRED) {
            fail(reason + " (CLUSTERDNS_REQUIRE_PRIVILEGED=1 turns this skip into a failure)");
        }
        Assumptions.abort(reason);
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
