package io.clusterdns.k8s.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a server's shaded jar as a child process, the way a user runs it: for the tests of
 * the real command line (exit codes, one-line errors, nothing hangs). The child is killed, by its
 * own PID, when it outlives the deadline, and the test fails saying so.
 *
 * @param exitCode the process's exit code
 * @param out      everything it printed on stdout
 * @param err      everything it printed on stderr (logs included)
 */
public record JarRun(int exitCode, String out, String err) {

    /** Runs {@code java -jar JAR ARGS...} with stdin closed and waits at most {@code deadline}. */
    public static JarRun run(Path jar, Duration deadline, String... args) {
        return run(jar, deadline, List.of(), args);
    }

    /**
     * As {@link #run(Path, Duration, String...)}, without the environment variables {@code unset}
     * (such as {@code KUBERNETES_SERVICE_HOST}, when the tests themselves run in a pod).
     */
    public static JarRun run(Path jar, Duration deadline, List<String> unset, String... args) {
        assertThat(jar).as("the shaded jar (built by 'package'; *IT tests run after it)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("jar-run", ".out");
            Path err = Files.createTempFile("jar-run", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                unset.forEach(builder.environment()::remove);
                Process p = builder.start();
                p.getOutputStream().close();
                if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError(String.join(" ", args) + " did not finish within " + deadline + "; stderr so far:\n"
                            + Files.readString(err));
                }
                return new JarRun(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** stderr's lines. */
    public List<String> errLines() {
        return err.lines().toList();
    }

    /** True when stderr holds a Java stack trace (an {@code at ...} frame or a {@code Caused by:}). */
    public boolean hasStackTrace() {
        return err.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by: "));
    }
}
