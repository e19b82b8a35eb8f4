package io.clusterdns.k8s.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process a test started (a server jar, dnsmasq), its output in a log file the
 * test reads. Stopped only by its own PID: SIGTERM first (a server must shut down cleanly on it),
 * forcibly past the deadline.
 */
public final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with stdin closed, stdout and stderr appended to {@code log}. */
    public static ChildProcess start(String name, Path log, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            p.getOutputStream().close();
            return new ChildProcess(name, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Waits until the log contains {@code text}; fails (showing the log) at the deadline or when the process exits first. */
    public String awaitLog(String text) {
        String seen = Await.until(name + " to log \"" + text + "\" (or exit)", this::log, l -> l.contains(text) || !process.isAlive());
        if (!seen.contains(text)) {
            throw new AssertionError(name + " exited with " + process.exitValue() + " before logging \"" + text + "\":\n" + log());
        }
        return seen;
    }

    /** Waits for the process to exit by itself; its exit code. */
    public int awaitExit() {
        try {
            if (!process.waitFor(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + Await.DEADLINE + ":\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM and waits for the exit; its code (the process is killed past the deadline, and the test fails). */
    public int terminate() {
        process.destroy();
        return awaitExit();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything it printed so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM and waits; true when it exited within the deadline (otherwise it is killed). */
    public boolean stop() {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        try {
            if (process.waitFor(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        return false;
    }

    @Override
    public void close() {
        stop();
    }
}
