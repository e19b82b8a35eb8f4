package io.clusterdns.k8s.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real tools tests use (ip, nft, conntrack, dig, getent, dnsmasq, java): output read
 * while the command runs (a chatty one never blocks on a full pipe), killed past its deadline.
 * Whether a tool is there, and whether a test may run at all, is {@link Privileged}'s call.
 */
public final class Commands {
    /** Long enough for any one command on a busy CI machine. */
    public static final Duration DEFAULT = Await.DEADLINE;

    private Commands() {
    }

    /** The output (stdout and stderr merged) and exit code of a finished command. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
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
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + deadline);
            }
            return new Result(p.exitValue(), new String(out.get(DEFAULT.toSeconds(), TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
        }
    }

    /** Runs and fails the test when the command fails; its output otherwise. */
    public static String check(String... command) {
        Result r = run(DEFAULT, command);
        if (!r.ok()) {
            fail(String.join(" ", command) + " failed (exit " + r.exitCode() + "): " + r.output());
        }
        return r.output();
    }

    private static CompletableFuture<byte[]> drain(InputStream s) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (s) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                s.transferTo(b);
                result.complete(b.toByteArray());
            } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
            }
        }, "test-command-output");
        t.setDaemon(true);
        t.start();
        return result;
    }
}
