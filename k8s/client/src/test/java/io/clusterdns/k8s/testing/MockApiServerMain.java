package io.clusterdns.k8s.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The mock API server as a separate process, for tests of modules that cannot load fabric8's
 * mock server themselves (it needs Vert.x 4; the dns-server runs Vert.x 5). Launch it as
 *
 * <pre>
 * java -cp k8s/target/test-classes:k8s/target/classes:$(cat k8s/target/mock-apiserver.classpath) \
 *     io.clusterdns.k8s.testing.MockApiServerMain
 * </pre>
 *
 * <p>Protocol, one line each way, UTF-8: on stdout it prints {@code READY http://127.0.0.1:PORT}
 * once listening. Then it reads commands from stdin and answers each with one line:
 *
 * <ul>
 *   <li>{@code stop}: stops listening, keeping every object; answers {@code STOPPED} once the
 *       port refuses connections;</li>
 *   <li>{@code start}: listens again on the same port with the same objects; answers
 *       {@code STARTED http://127.0.0.1:PORT};</li>
 *   <li>{@code quit} (or end of stdin, e.g. the parent died): answers {@code BYE} and exits 0.</li>
 * </ul>
 *
 * Anything else answers {@code ERROR <message>}. Logs go to stderr only; stdout carries nothing
 * but the protocol. It serves plain HTTP without authentication: a client built with
 * {@code ClusterConnection.master(url)} talks to it as is.
 */
public final class MockApiServerMain {
    private MockApiServerMain() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        // libraries that print to stdout would corrupt the protocol
        System.setOut(System.err);
        MockApiServer server = new MockApiServer().start();
        out.println("READY " + server.url());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.trim();
            try {
                switch (command) {
                    case "stop" -> {
                        server.stop();
                        out.println("STOPPED");
                    }
                    case "start" -> {
                        if (!server.isListening()) {
                            server.start();
                        }
                        out.println("STARTED " + server.url());
                    }
                    case "quit" -> {
                        server.close();
                        out.println("BYE");
                        System.exit(0);
                    }
                    case "" -> {
                        // ignore blank lines
                    }
                    default -> out.println("ERROR unknown command \"" + command + "\" (expected stop, start or quit)");
                }
            } catch (RuntimeException e) {
                out.println("ERROR " + e);
            }
        }
        server.close();
        out.println("BYE");
        System.exit(0);
    }
}
