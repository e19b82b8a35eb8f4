package io.clusterdns.agent.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one program the tests run inside their network namespaces (a "pod", the "node", the external
 * "client"), so that nothing beyond the JDK is needed. Started as
 * {@code ip netns exec NS java -cp test-classes ...NetHelperMain NAME [tcp:PORT|udp:PORT]...}:
 *
 * <ul>
 *   <li>echo servers on the given ports ({@code tcp:P}, {@code udp:P}, {@code sctp:P}) answer every
 *       TCP connection, UDP datagram and SCTP association (or INIT, see {@link Sctp}) with one
 *       line, {@code NAME PEER_IP LOCAL_PORT}: who answered, whom it saw, on which port;</li>
 *   <li>stdin takes probe commands, one per line, each answered by one line on stdout:
 *       {@code tcp DST PORT SRC TIMEOUT_MS}, {@code tcpn DST PORT COUNT TIMEOUT_MS},
 *       {@code tcpflows DST PORT FIRST_SRC_PORT COUNT TIMEOUT_MS} (one connection from each source
 *       port, so that the same command repeats the same 5-tuples),
 *       {@code udp DST PORT SRC SRC_PORT TIMEOUT_MS}, {@code http DST PORT PATH TIMEOUT_MS},
 *       {@code sctp DST PORT SRC_PORT TIMEOUT_MS} (see {@link Sctp}), {@code sctpmode}
 *       (SRC "-" = any, SRC_PORT 0 = any). Answers: {@code OK ...}, {@code REFUSED},
 *       {@code TIMEOUT}, {@code UNREACHABLE ...}, {@code ERROR ...}.</li>
 * </ul>
 *
 * It prints {@code READY} once every server is bound and exits when stdin closes.
 */
public final class NetHelperMain {
    private NetHelperMain() {
    }

    public static void main(String[] args) throws IOException {
        String name = args[0];
        List<Integer> sctpPorts = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split(":");
            int port = Integer.parseInt(kv[1]);
            if (kv[0].equals("sctp")) {
                sctpPorts.add(port);
            } else if (kv[0].equals("tcp")) {
                ServerSocket ss = new ServerSocket();
                ss.setReuseAddress(true);
                ss.bind(new InetSocketAddress(port), 256);
                daemon(() -> tcpEcho(name, ss));
            } else {
                DatagramSocket ds = new DatagramSocket(port);
                daemon(() -> udpEcho(name, ds));
            }
        }
        if (!sctpPorts.isEmpty()) {
            Sctp.serve(name, sctpPorts); // loads JNA: only helpers that serve SCTP need it
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String answer;
            try {
                answer = command(line.trim().split(" "));
            } catch (RuntimeException | IOException e) {
                answer = "ERROR " + e;
            }
            out.println(answer.replace('\n', ' '));
        }
        System.exit(0);
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
    }

    private static void tcpEcho(String name, ServerSocket ss) {
        while (true) {
            try (Socket s = ss.accept()) {
                String line = name + " " + s.getInetAddress().getHostAddress() + " " + s.getLocalPort() + "\n";
                s.getOutputStream().write(line.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // a client gone early; keep serving
            }
        }
    }

    private static void udpEcho(String name, DatagramSocket ds) {
        byte[] buf = new byte[1500];
        while (true) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                ds.receive(p);
                byte[] reply = (name + " " + p.getAddress().getHostAddress() + " " + ds.getLocalPort()).getBytes(StandardCharsets.UTF_8);
                ds.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
            } catch (IOException e) {
                // keep serving
            }
        }
    }

    static String command(String[] c) throws IOException {
        return switch (c[0]) {
            case "tcp" -> tcp(c[1], Integer.parseInt(c[2]), c[3], Integer.parseInt(c[4]));
            case "tcpn" -> tcpMany(c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]), Integer.parseInt(c[4]));
            case "tcpflows" -> tcpFlows(c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]), Integer.parseInt(c[4]), Integer.parseInt(c[5]));
            case "udp" -> udp(c[1], Integer.parseInt(c[2]), c[3], Integer.parseInt(c[4]), Integer.parseInt(c[5]));
            case "http" -> http(c[1], Integer.parseInt(c[2]), c[3], Integer.parseInt(c[4]));
            case "sctp" -> Sctp.probe(InetAddress.getByName(c[1]), Integer.parseInt(c[2]), Integer.parseInt(c[3]), Integer.parseInt(c[4]));
            case "sctpmode" -> Sctp.mode().name();
            default -> "ERROR unknown command " + c[0];
        };
    }

    static String tcp(String dst, int port, String src, int timeoutMs) {
        try (Socket s = new Socket()) {
            if (!src.equals("-")) {
                s.bind(new InetSocketAddress(InetAddress.getByName(src), 0));
            }
            s.connect(new InetSocketAddress(InetAddress.getByName(dst), port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            String line = readLine(s.getInputStream());
            return line == null ? "CLOSED" : "OK " + line;
        } catch (ConnectException e) {
            return e.getMessage() != null && e.getMessage().contains("refused") ? "REFUSED" : "UNREACHABLE " + e.getMessage();
        } catch (NoRouteToHostException e) {
            return "UNREACHABLE " + e.getMessage();
        } catch (SocketTimeoutException e) {
            return "TIMEOUT";
        } catch (IOException e) {
            return "ERROR " + e;
        }
    }

    private static String tcpMany(String dst, int port, int count, int timeoutMs) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(tcp(dst, port, "-", timeoutMs));
        }
        return "OK " + String.join("|", out);
    }

    /**
     * One connection from each of COUNT fixed source ports. Each is reset after the reply (linger 0):
     * neither side keeps the 4-tuple in TIME_WAIT, and conntrack treats the next SYN of the same
     * 5-tuple as a new connection, so a repeated command is NATed again by the current rules.
     */
    private static String tcpFlows(String dst, int port, int firstSrcPort, int count, int timeoutMs) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String answer;
            try (Socket s = new Socket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(firstSrcPort + i));
                s.connect(new InetSocketAddress(InetAddress.getByName(dst), port), timeoutMs);
                s.setSoTimeout(timeoutMs);
                String line = readLine(s.getInputStream());
                s.setSoLinger(true, 0);
                answer = line == null ? "CLOSED" : "OK " + line;
            } catch (SocketTimeoutException e) {
                answer = "TIMEOUT";
            } catch (IOException e) {
                answer = "ERROR " + e;
            }
            out.add(answer);
        }
        return "OK " + String.join("|", out);
    }

    static String udp(String dst, int port, String src, int srcPort, int timeoutMs) {
        InetSocketAddress local = new InetSocketAddress(srcPort);
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.setReuseAddress(true);
            s.bind(src.equals("-") ? local : new InetSocketAddress(InetAddress.getByName(src), srcPort));
            s.setSoTimeout(timeoutMs);
            s.connect(new InetSocketAddress(InetAddress.getByName(dst), port));
            byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(ping, ping.length));
            DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
            s.receive(p);
            return "OK " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        } catch (PortUnreachableException e) {
            return "UNREACHABLE port";
        } catch (SocketTimeoutException e) {
            return "TIMEOUT";
        } catch (IOException e) {
            return "ERROR " + e;
        }
    }

    private static String http(String dst, int port, String path, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(dst), port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            OutputStream o = s.getOutputStream();
            o.write(("GET " + path + " HTTP/1.0\r\nHost: " + dst + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headerEnd = response.indexOf("\r\n\r\n");
            String status = response.split(" ", 3)[1];
            String body = headerEnd < 0 ? "" : response.substring(headerEnd + 4);
            return "OK " + status + " " + body.replace("\n", "\\n");
        } catch (ConnectException e) {
            return "REFUSED";
        } catch (SocketTimeoutException e) {
            return "TIMEOUT";
        } catch (IOException | RuntimeException e) {
            return "ERROR " + e;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
