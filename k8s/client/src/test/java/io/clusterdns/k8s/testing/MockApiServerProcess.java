package io.clusterdns.k8s.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.informer.ClientFactory;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@link MockApiServerMain} as a child JVM, for the tests of every module (shipped in the k8s
 * test-jar): fabric8's mock server needs Vert.x 4, which cannot share a class path with the
 * Vert.x 5 the servers use. Protocol (one line each way): it prints {@code READY <url>}; {@code stop} →
 * {@code STOPPED} (objects kept), {@code start} → {@code STARTED <url>} (same port), {@code quit}
 * → {@code BYE}. It also quits when its stdin closes, so a dying test JVM takes it along.
 * {@link #close} quits it and, if it does not exit, kills it by its PID.
 */
public final class MockApiServerProcess implements AutoCloseable {
    static final String MAIN = MockApiServerMain.class.getName();
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final String url;

    private MockApiServerProcess(Process process) {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readLines, "mock-apiserver-stdout");
        reader.setDaemon(true);
        reader.start();
        String ready = line();
        assertThat(ready).as("first line of the mock API server").startsWith("READY http://127.0.0.1:");
        this.url = ready.substring("READY ".length());
    }

    /**
     * The k8s-client module's build output: {@code ../k8s/client/target} from a top-level sibling
     * module, {@code target} from k8s-client itself (surefire runs in the module's folder).
     */
    static Path k8sTarget() {
        Path sibling = Path.of("..", "k8s", "client", "target");
        return Files.isDirectory(sibling) ? sibling : Path.of("target");
    }

    /** Launches the child and waits for its READY line; its stderr goes to {@code target/mock-apiserver.log}. */
    public static MockApiServerProcess launch() {
        Path k8sTarget = k8sTarget();
        Path classpathFile = k8sTarget.resolve("mock-apiserver.classpath");
        Path testClasses = k8sTarget.resolve("test-classes");
        if (!Files.isReadable(classpathFile) || !Files.isDirectory(testClasses.resolve("io/clusterdns/k8s/testing"))) {
            throw new IllegalStateException("the k8s module's mock API server is not built (" + classpathFile + ", " + testClasses
                    + "): build the tree first (mvn -B verify, or mvn -pl <module> -am verify)");
        }
        try {
            String classpath = String.join(java.io.File.pathSeparator, testClasses.toString(),
                    k8sTarget.resolve("classes").toString(), Files.readString(classpathFile).trim());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", classpath, MAIN))
                    .redirectError(Path.of("target", "mock-apiserver.log").toFile())
                    .start();
            return new MockApiServerProcess(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}; the same after every {@link #start}. */
    public String url() {
        return url;
    }

    /** Stops listening, keeping every object. */
    public void stop() {
        send("stop");
        assertThat(line()).isEqualTo("STOPPED");
    }

    /** Listens again (a no-op when listening). */
    public void start() {
        send("start");
        assertThat(line()).isEqualTo("STARTED " + url);
    }

    /** A client to create, change and delete objects with, built as clusterdns builds them. The caller closes it. */
    public KubernetesClient client() {
        Config config = ClientFactory.config(ClusterConnection.master(url));
        config.setNamespace("default");
        return ClientFactory.create(config);
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send("quit");
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (RuntimeException e) {
            // killed below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // by PID: the child and nothing else
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private void send(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("mock API server gone (see target/mock-apiserver.log)", e);
        }
    }

    private String line() {
        return Await.next("an answer from the mock API server (see target/mock-apiserver.log)", DEADLINE, lines);
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = in.readLine()) != null) {
                lines.add(l);
            }
        } catch (IOException e) {
            // the child is gone; line() reports it
        }
    }
}
