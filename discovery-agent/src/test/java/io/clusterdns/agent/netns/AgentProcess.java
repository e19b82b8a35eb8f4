package io.clusterdns.agent.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The discovery agent (the shaded jar) running inside a namespace, as it runs on a node. Stopped
 * with SIGTERM to its own PID; its log is kept for failure messages.
 */
final class AgentProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/clusterdns-discovery-agent.jar").toAbsolutePath();

    private final Process process;
    private final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static AgentProcess start(String ns, Path log, List<String> args) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the *IT tests after 'package' (mvn verify)");
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, NetHelper.javaBin(), "-Xmx256m", "-jar", JAR.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new AgentProcess(p, log);
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM (the agent shuts down cleanly and leaves its rules); returns the exit code. */
    int stop(Duration deadline) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    /**
     * SIGTERM, expecting a clean exit (143 = 128 + SIGTERM: the JVM's status after its shutdown
     * hooks ran), then {@code --cleanup} in the node namespace {@code ns}.
     */
    void stopAndCleanup(String ns) throws InterruptedException {
        org.assertj.core.api.Assertions.assertThat(stop(io.clusterdns.k8s.testing.Await.DEADLINE))
                .as("agent exit code after SIGTERM; log:\n%s", log()).isIn(0, 143);
        io.clusterdns.k8s.testing.Commands.Result cleanup = io.clusterdns.k8s.testing.NetNamespaces.exec(ns, NetHelper.javaBin(),
                "-jar", JAR.toString(), "--cleanup");
        org.assertj.core.api.Assertions.assertThat(cleanup.ok()).as(cleanup.output()).isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(20));
        }
    }
}
