package io.clusterdns.k8s.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.informer.ClientFactory;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Launches {@link MockApiServerMain} exactly as another module's test would (a child JVM on
 * target/test-classes, target/classes and the class path file the build writes), and checks the
 * protocol and that objects survive stop/start.
 */
class MockApiServerMainTest {
    /** Written by maven-dependency-plugin (build-classpath) before the test phase. */
    private static final Path CLASSPATH_FILE = Path.of("target", "mock-apiserver.classpath");
    /** A child JVM starting on a busy machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private Process child;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @AfterEach
    void killChild() {
        if (child != null) {
            // by PID: the child and nothing else
            ProcessHandle.of(child.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void objectsSurviveStopAndStartOnTheSamePort() throws Exception {
        Writer commands = launch();
        String ready = line();
        assertThat(ready).matches("READY http://127\\.0\\.0\\.1:\\d+");
        String url = ready.substring("READY ".length());
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));

        try (KubernetesClient client = client(url)) {
            client.services().resource(service()).create();

            send(commands, "stop");
            assertThat(line()).isEqualTo("STOPPED");
            assertThatThrownBy(() -> connect(port)).as("STOPPED comes once the port is closed").isInstanceOf(ConnectException.class);

            send(commands, "start");
            assertThat(line()).isEqualTo("STARTED " + url);
            Service back = client.services().inNamespace("default").withName("web").get();
            assertThat(back).isNotNull();
            assertThat(back.getSpec().getClusterIP()).isEqualTo("10.96.0.20");

            send(commands, "restart-please");
            assertThat(line()).startsWith("ERROR unknown command");
        }
        send(commands, "quit");
        assertThat(line()).isEqualTo("BYE");
        assertThat(child.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
    }

    private Writer launch() throws IOException {
        assertThat(CLASSPATH_FILE).as("written by the build before the test phase").exists();
        String classpath = String.join(File.pathSeparator, "target/test-classes", "target/classes",
                Files.readString(CLASSPATH_FILE).trim());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Path.of("target", "mock-apiserver-main-test.log");
        child = new ProcessBuilder(java, "-cp", classpath, MockApiServerMain.class.getName())
                .redirectError(log.toFile())
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = in.readLine(); l != null; l = in.readLine()) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, "mock-apiserver-stdout");
        reader.setDaemon(true);
        reader.start();
        return new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
    }

    private String line() {
        return Await.next("a line from MockApiServerMain (see target/mock-apiserver-main-test.log)", DEADLINE, lines);
    }

    private static void send(Writer commands, String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
    }

    private static void connect(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
    }

    private static KubernetesClient client(String url) {
        Config config = ClientFactory.config(ClusterConnection.master(url));
        config.setRequestRetryBackoffLimit(0);
        return ClientFactory.create(config);
    }

    private static Service service() {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace("default").withName("web").endMetadata()
                .withNewSpec().withClusterIP("10.96.0.20").addNewPort().withPort(80).endPort().endSpec()
                .build();
    }
}
