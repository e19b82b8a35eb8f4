package io.clusterdns.server;

import io.clusterdns.k8s.cli.CommandLines;
import io.clusterdns.k8s.manifest.ManifestSnapshots;
import io.clusterdns.k8s.persist.SnapshotStore;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import picocli.CommandLine;

/**
 * The training run behind the start-up class archive: {@code java -XX:ArchiveClassesAtExit=FILE
 * -cp clusterdns-dns-server.jar io.clusterdns.server.StartupTraining} (Java 17+; on Java 25 also
 * {@code -XX:AOTCacheOutput=FILE}) starts the two kinds of server a start has to make fast, in this
 * JVM and on free loopback ports: one from manifests (flags), and one from kubeadm's Corefile with
 * the API server unreachable, answering from a persisted snapshot. It asks both every kind of
 * question over UDP and TCP and reads {@code /health}, {@code /ready} and {@code /metrics}, checks
 * the answers, and exits; the JVM then writes what it loaded (and, on Java 25, how it ran) to the
 * archive, which later starts map instead of loading each class from the jar. The Maven build runs
 * it after packaging ({@code target/clusterdns-dns-server.jsa}); an image runs it where the jar
 * lives, because the archive is tied to the jar's path and bytes (dns-server/README.md, "Start-up").
 *
 * <p>Exit code 0 when every check passed, 1 with a one-line reason otherwise (the archive is then
 * still written, but a failed training run should fail the build).
 */
public final class StartupTraining {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String RESOURCES = "training/";

    private StartupTraining() {
    }

    public static void main(String[] args) {
        int status;
        try {
            run();
            System.out.println("clusterdns startup training: done");
            status = 0;
        } catch (Exception e) {
            System.err.println("clusterdns startup training failed: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    private static void run() throws Exception {
        Path dir = Files.createTempDirectory("clusterdns-training");
        List<DnsServer> servers = new ArrayList<>();
        try {
            Path manifests = Files.createDirectory(dir.resolve("manifests"));
            String cluster = resource("cluster.yaml");
            Files.writeString(manifests.resolve("cluster.yaml"), cluster);
            Path snapshot = dir.resolve("cluster.snapshot");
            new SnapshotStore(snapshot).write(ManifestSnapshots.parse(cluster), Instant.now());

            int flagsPort = freePort();
            servers.add(serve("--manifests", manifests.toString(), "--listen", "127.0.0.1:" + flagsPort,
                    "--health", "off", "--ready", "off", "--metrics", "off"));
            int dnsPort = freePort();
            int health = freePort();
            int ready = freePort();
            int metrics = freePort();
            Path corefile = dir.resolve("Corefile");
            Files.writeString(corefile, resource("Corefile").replace("@DNS_PORT@", Integer.toString(dnsPort))
                    .replace("@HEALTH_PORT@", Integer.toString(health)).replace("@READY_PORT@", Integer.toString(ready))
                    .replace("@METRICS_PORT@", Integer.toString(metrics)).replace("@UPSTREAM_PORT@", Integer.toString(freePort())));
            servers.add(serve("-conf", corefile.toString(), "--snapshot-file", snapshot.toString()));

            for (int port : List.of(flagsPort, dnsPort)) {
                awaitAnswer(port, "web.default.svc.cluster.local.", "10.96.0.20");
                ask(port, "web.default.svc.cluster.local.", Type.A, false, Rcode.NOERROR, "10.96.0.20");
                ask(port, "WEB.Default.svc.cluster.local.", Type.A, true, Rcode.NOERROR, "10.96.0.20");
                ask(port, "web.default.svc.cluster.local.", Type.AAAA, false, Rcode.NOERROR, null);
                ask(port, "_http._tcp.web.default.svc.cluster.local.", Type.SRV, false, Rcode.NOERROR, "web.default.svc.cluster.local.");
                ask(port, "db.data.svc.cluster.local.", Type.A, false, Rcode.NOERROR, "10.244.2.7");
                ask(port, "db-1.db.data.svc.cluster.local.", Type.A, true, Rcode.NOERROR, "10.244.2.8");
                ask(port, "mail.default.svc.cluster.local.", Type.CNAME, false, Rcode.NOERROR, "mail.example.org.");
                ask(port, "dual.default.svc.cluster.local.", Type.AAAA, false, Rcode.NOERROR, "fd00:10:96:0:0:0:0:30");
                ask(port, "20.0.96.10.in-addr.arpa.", Type.PTR, false, Rcode.NOERROR, "web.default.svc.cluster.local.");
                ask(port, "nope.default.svc.cluster.local.", Type.A, false, Rcode.NXDOMAIN, null);
                ask(port, "web.default.svc.cluster.local.default.svc.cluster.local.", Type.A, false, Rcode.NXDOMAIN, null);
            }
            // the stale snapshot keeps /ready at 200 (with its reason); /health and /metrics as the kubelet and Prometheus read them
            http(health, "/health", "OK");
            http(ready, "/ready", "stale");
            http(metrics, "/metrics", "coredns_dns_requests_total");
        } finally {
            servers.forEach(DnsServer::close);
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Starts the server {@code args} ask for, as {@code main} would, without waiting for it. */
    private static DnsServer serve(String... args) {
        DnsServerMain main = new DnsServerMain(Map.of());
        CommandLines.configure(new CommandLine(main)).parseArgs(args);
        return main.startServer();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StartupTraining.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCES + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        // a port free for both UDP and TCP right now; the servers bind it moments later
        for (int i = 0; i < 100; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    return port;
                } catch (IOException e) {
                    // taken for UDP: try another
                }
            }
        }
        throw new IOException("no free loopback port");
    }

    private static void awaitAnswer(int port, String name, String expected) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try {
                ask(port, name, Type.A, false, Rcode.NOERROR, expected);
                return;
            } catch (IOException | IllegalStateException e) {
                if (System.nanoTime() > end) {
                    throw new IOException("no answer from 127.0.0.1:" + port + " within " + DEADLINE.toSeconds() + " s: " + e.getMessage(), e);
                }
                Thread.sleep(20);
            }
        }
    }

    /** One question over UDP or TCP; the rcode must be {@code rcode} and, when given, an answer must contain {@code expected}. */
    private static void ask(int port, String name, int type, boolean tcp, int rcode, String expected) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        byte[] wire = query.toWire();
        byte[] reply = tcp ? overTcp(port, wire) : overUdp(port, wire);
        Message response = new Message(reply);
        if (response.getRcode() != rcode) {
            throw new IllegalStateException(name + " " + Type.string(type) + ": " + Rcode.string(response.getRcode())
                    + ", expected " + Rcode.string(rcode));
        }
        if (expected != null && response.getSection(Section.ANSWER).stream().noneMatch(r -> r.rdataToString().contains(expected))) {
            throw new IllegalStateException(name + " " + Type.string(type) + ": no answer with " + expected + " in " + response.getSection(Section.ANSWER));
        }
    }

    private static byte[] overUdp(int port, byte[] wire) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(1000);
            s.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket in = new DatagramPacket(new byte[65535], 65535);
            try {
                s.receive(in);
            } catch (SocketTimeoutException e) {
                throw new IOException("no UDP answer", e);
            }
            return java.util.Arrays.copyOf(in.getData(), in.getLength());
        }
    }

    private static byte[] overTcp(int port, byte[] wire) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            return reply;
        }
    }

    /** A plain HTTP/1.0 GET; the body must contain {@code expected}. */
    private static void http(int port, String path, String expected) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            s.getInputStream().transferTo(body);
            String text = body.toString(StandardCharsets.UTF_8);
            if (!text.contains(expected)) {
                throw new UncheckedIOException(new IOException(path + " on port " + port + " lacks '" + expected + "': "
                        + text.lines().findFirst().orElse("(empty)")));
            }
        }
    }
}
