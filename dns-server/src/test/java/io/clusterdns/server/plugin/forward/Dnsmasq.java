package io.clusterdns.server.plugin.forward;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.Privileged;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A real upstream for the tests: {@code dnsmasq} in the foreground on one loopback address and a
 * free port, answering only from a hosts file (and the extra options given), no upstream of its
 * own. Started and stopped by its PID; {@link #close} stops only the process this started.
 */
public final class Dnsmasq implements AutoCloseable {
    private final String binary;
    private final InetAddress address;
    private final int port;
    private final Path log;
    private final List<String> args;
    private Process process;

    private Dnsmasq(String binary, InetAddress address, int port, Path log, List<String> args) {
        this.binary = binary;
        this.address = address;
        this.port = port;
        this.log = log;
        this.args = args;
    }

    /** The path of dnsmasq; skips the test (or fails it under CLUSTERDNS_REQUIRE_PRIVILEGED=1) without it. */
    public static String require() {
        return Privileged.requireTool("dnsmasq", "dnsmasq-base");
    }

    /**
     * Starts dnsmasq on {@code ip} (127.0.0.0/8) and a free port, serving {@code hosts} (hosts-file
     * lines) and {@code options} (e.g. {@code --local=/nx.test/} for NXDOMAIN); returns once it answers.
     */
    public static Dnsmasq start(Path dir, String ip, String hosts, String... options) {
        return start(dir, ip, "--no-daemon", hosts, options);
    }

    /**
     * As {@link #start(Path, String, String, String...)}, but TCP connections are served by
     * dnsmasq's forked children as in production: in {@code --no-daemon} (debug) mode dnsmasq
     * serves a TCP connection in its only process, and UDP waits until that connection closes,
     * which a forwarder keeping pooled TCP connections open turns into minutes of silence.
     */
    public static Dnsmasq startForkingTcp(Path dir, String ip, String hosts, String... options) {
        return start(dir, ip, "--keep-in-foreground", hosts, options);
    }

    private static Dnsmasq start(Path dir, String ip, String foreground, String hosts, String... options) {
        String binary = require();
        InetAddress address = loopback(ip);
        try {
            Path hostsFile = Files.createTempFile(dir, "hosts-" + ip + "-", ".txt");
            Files.writeString(hostsFile, hosts);
            Path log = Files.createTempFile(dir, "dnsmasq-" + ip + "-", ".log");
            List<String> args = new ArrayList<>(List.of(foreground, "--conf-file=/dev/null", "--listen-address=" + ip,
                    "--bind-interfaces", "--no-resolv", "--no-hosts", "--addn-hosts=" + hostsFile, "--log-facility=-",
                    "--pid-file="));
            args.addAll(List.of(options));
            AssertionError last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                Dnsmasq d = new Dnsmasq(binary, address, freePort(address), log, args);
                try {
                    d.startProcess();
                    return d;
                } catch (AssertionError e) {
                    // the free port was taken in between: try another
                    d.close();
                    last = e;
                }
            }
            throw last;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts it again on the same address and port (after {@link #stop}). */
    void restart() {
        startProcess();
    }

    int port() {
        return port;
    }

    /** {@code IP:PORT}, as a forward line names it. */
    public String target() {
        return address.getHostAddress() + ":" + port;
    }

    /** Stops the process (SIGTERM to its PID) and waits for it to exit. */
    void stop() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void startProcess() {
        List<String> command = new ArrayList<>();
        command.add(binary);
        command.add("--port=" + port);
        command.addAll(args);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process p = process;
        Await.until("dnsmasq answering on " + target(), Duration.ofSeconds(10), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("dnsmasq exited with " + p.exitValue() + ": " + readLog());
            }
            return answers();
        }, ok -> ok);
    }

    /** One probe: any answer to {@code . NS} within 200 ms. */
    private boolean answers() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(200);
            byte[] q = Message.newQuery(Record.newRecord(Name.root, Type.NS, DClass.IN)).toWire();
            s.send(new DatagramPacket(q, q.length, address, port));
            byte[] buf = new byte[4096];
            s.receive(new DatagramPacket(buf, buf.length));
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static InetAddress loopback(String ip) {
        try {
            InetAddress a = InetAddress.getByAddress(InetAddress.getByName(ip).getAddress());
            if (!a.isLoopbackAddress()) {
                throw new IllegalArgumentException("tests use 127.0.0.0/8 only, got " + ip);
            }
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port free for both UDP and TCP on {@code address} right now. */
    static int freePort(InetAddress address) {
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, 0))) {
                int port = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket()) {
                    tcp.bind(new InetSocketAddress(address, port));
                    return port;
                } catch (IOException e) {
                    // TCP side taken: another
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new AssertionError("no free port on " + address);
    }
}
