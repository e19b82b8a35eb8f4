package io.clusterdns.agent.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A running {@link NetHelperMain} inside a namespace: its echo servers serve, and {@link #ask}
 * runs a probe from inside the namespace. Stopped by its PID (SIGTERM, then SIGKILL).
 */
public final class NetHelper implements AutoCloseable {
    private final String name;
    private final Process process;
    private final PrintStream stdin;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);

    private NetHelper(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.put(l);
                }
            } catch (IOException | InterruptedException e) {
                // process gone
            }
        }, "nethelper-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the helper in {@code ns} with echo servers on {@code listeners} ({@code tcp:8080}, {@code udp:5353}). */
    public static NetHelper start(String ns, String name, List<String> listeners, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, javaBin(),
                "-Xshare:auto", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx48m", "-Xss512k",
                "-cp", testClasses(), NetHelperMain.class.getName(), name));
        cmd.addAll(listeners);
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        return new NetHelper(name, p);
    }

    /** Waits for READY. */
    public void awaitReady() throws InterruptedException {
        String first = lines.poll(60, TimeUnit.SECONDS);
        if (!"READY".equals(first)) {
            throw new IllegalStateException("helper " + name + " did not start (got " + first + ", alive " + process.isAlive() + ")");
        }
    }

    /** Sends one command and returns its one-line answer. */
    public synchronized String ask(String command) {
        stdin.println(command);
        try {
            String answer = lines.poll(120, TimeUnit.SECONDS);
            if (answer == null) {
                throw new IllegalStateException("helper " + name + " did not answer " + command);
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The test classes folder, which holds NetHelperMain, and JNA's jar (its SCTP sockets need nothing else). */
    static String testClasses() {
        return codeSource(NetHelperMain.class) + java.io.File.pathSeparator + codeSource(com.sun.jna.Native.class);
    }

    private static String codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stdin.close(); // the helper exits when stdin closes
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
