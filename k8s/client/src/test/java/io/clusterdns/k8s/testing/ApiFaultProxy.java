package io.clusterdns.k8s.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP fault proxy between an API client and a (mock) API server, on 127.0.0.1, for fault
 * tests over real sockets: by the current {@link Mode} it passes each request through (bytes
 * piped both ways, WebSocket watches included), refuses connections, answers a request with an
 * error Status as the API server writes it, or passes a watch whose events never reach the client.
 *
 * <p>Switching to a mode other than {@link Mode#PASS} closes every connection open so far, so
 * that kept-alive connections and open watches meet the new fault too, except that
 * {@link Mode#PASS} leaves open the watches {@link Mode#HANG_WATCHES} silenced: only the client
 * can notice those. {@link Mode#REFUSE} closes the listening socket (connection refused); any
 * later mode binds the same port again. Threads: one acceptor and two per connection, all
 * daemons, ending with their sockets.
 */
public final class ApiFaultProxy implements AutoCloseable {
    /** What the proxy does with new connections. */
    public enum Mode {
        /** Passes everything through. */
        PASS,
        /** Nothing listens: connection refused, as when the API server is down. */
        REFUSE,
        /** HTTP 500 with an InternalError Status to every request. */
        ERROR_500,
        /** HTTP 403 with a Forbidden Status to list and watch of {@link #forbidden(String)}'s resource; the rest passes. */
        FORBID,
        /** Watches are passed and accepted (the upgrade answer reaches the client) but no event ever does; the rest passes. */
        HANG_WATCHES
    }

    private final URI upstream;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger watches = new AtomicInteger();
    private final AtomicInteger hung = new AtomicInteger();
    private volatile Mode mode = Mode.PASS;
    private volatile String forbiddenPath;
    private volatile ServerSocket server;
    private volatile int port;
    private volatile boolean closed;

    /** Starts a proxy on a free port of 127.0.0.1 in front of {@code upstreamUrl} ({@code http://HOST:PORT}). */
    public ApiFaultProxy(String upstreamUrl) {
        this.upstream = URI.create(upstreamUrl);
        bind(0);
    }

    /** {@code http://127.0.0.1:PORT}: what the client is pointed at. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Switches the mode for connections made from now on (see the class comment for open ones). */
    public synchronized ApiFaultProxy mode(Mode m) {
        Mode before = mode;
        mode = m;
        if (m != Mode.PASS) {
            dropOpenConnections();
        }
        if (m == Mode.REFUSE) {
            closeServer();
        } else if (before == Mode.REFUSE) {
            bind(port);
        }
        return this;
    }

    /** {@link Mode#FORBID} for {@code resourcePath} (e.g. {@code /apis/discovery.k8s.io/v1/endpointslices}). */
    public ApiFaultProxy forbidden(String resourcePath) {
        forbiddenPath = resourcePath;
        return mode(Mode.FORBID);
    }

    /** Requests seen so far that opened a connection (any mode but {@link Mode#REFUSE}). */
    public int requests() {
        return requests.get();
    }

    /** Watch requests seen so far (any mode). */
    public int watches() {
        return watches.get();
    }

    /** Watches passed with their events withheld ({@link Mode#HANG_WATCHES}). */
    public int hungWatches() {
        return hung.get();
    }

    private void bind(int wanted) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted));
            server = s;
            port = s.getLocalPort();
            daemon("api-fault-proxy-accept", () -> accept(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                open.add(client);
                daemon("api-fault-proxy-conn", () -> serve(client));
            } catch (IOException e) {
                // closed: the loop ends
            }
        }
    }

    /**
     * Each request on the connection is judged by its head (the JDK client keeps connections
     * alive, so a connection passed for one request may carry the next): refused with a Status,
     * or forwarded with its body; an upgrade (a WebSocket watch) turns the rest into raw bytes.
     */
    private void serve(Socket client) {
        Socket api = null;
        Withhold withhold = new Withhold();
        try {
            InputStream in = client.getInputStream();
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    return;
                }
                String text = new String(head, StandardCharsets.ISO_8859_1);
                String[] parts = text.substring(0, text.indexOf('\r')).split(" ");
                String target = parts.length > 1 ? parts[1] : "/";
                int q = target.indexOf('?');
                String path = q < 0 ? target : target.substring(0, q);
                boolean watch = q >= 0 && target.substring(q).contains("watch=true");
                requests.incrementAndGet();
                if (watch) {
                    watches.incrementAndGet();
                }
                Mode m = mode;
                if (m == Mode.ERROR_500 || m == Mode.FORBID && path.equals(forbiddenPath)) {
                    // the JDK client sends the next request only after the previous answer: nothing interleaves
                    respond(client, m == Mode.ERROR_500 ? 500 : 403, path, parts[0], watch);
                    return;
                }
                if (api == null) {
                    api = new Socket(upstream.getHost(), upstream.getPort());
                    open.add(api);
                    Socket a = api;
                    daemon("api-fault-proxy-down", () -> pipe(a, client, withhold));
                }
                if (m == Mode.HANG_WATCHES && watch) {
                    hung.incrementAndGet();
                    withhold.set();
                }
                OutputStream out = api.getOutputStream();
                out.write(head);
                String lower = text.toLowerCase(java.util.Locale.ROOT);
                if (lower.contains("\r\nupgrade:")) {
                    pipe(client, api, null);
                    return;
                }
                int length = contentLength(lower);
                if (length > 0) {
                    out.write(in.readNBytes(length));
                }
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // either side closed
        } finally {
            close(client);
            if (api != null) {
                close(api);
            }
        }
    }

    private static int contentLength(String lowerHead) {
        int i = lowerHead.indexOf("\r\ncontent-length:");
        if (i < 0) {
            return 0;
        }
        int end = lowerHead.indexOf('\r', i + 2);
        return Integer.parseInt(lowerHead.substring(i + "\r\ncontent-length:".length(), end).trim());
    }

    /**
     * From a point on, the next response's head passes and every byte after it is dropped: set
     * before the watch request is forwarded, so the bytes it applies to are that request's answer.
     */
    private static final class Withhold {
        private volatile boolean on;
        /** Bytes of the blank line that ends the head seen so far (0-4); 4 = head passed, dropping. */
        private int matched;

        void set() {
            matched = 0;
            on = true;
        }

        /** How many of {@code n} bytes of {@code buf} to pass on. */
        int pass(byte[] buf, int n) {
            if (!on) {
                return n;
            }
            for (int i = 0; i < n; i++) {
                if (matched == 4) {
                    return i;
                }
                byte c = buf[i];
                matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3)) ? matched + 1
                        : c == '\r' ? 1 : 0;
            }
            return n;
        }
    }

    /** Copies {@code from} to {@code to} until either side ends (less what {@code withhold} drops), then closes both. */
    private void pipe(Socket from, Socket to, Withhold withhold) {
        byte[] buf = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                int pass = withhold == null ? n : withhold.pass(buf, n);
                if (pass > 0) {
                    out.write(buf, 0, pass);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // either side closed
        } finally {
            close(from);
            close(to);
        }
    }

    /** A Status as the API server writes it, then the connection is closed. */
    private void respond(Socket client, int code, String path, String verb, boolean watch) throws IOException {
        String resource = path.substring(path.lastIndexOf('/') + 1);
        String message = code == 403
                ? resource + " is forbidden: User \\\"system:serviceaccount:kube-system:clusterdns\\\" cannot "
                        + (watch ? "watch" : verb.equals("GET") ? "list" : verb.toLowerCase(java.util.Locale.ROOT))
                        + " resource \\\"" + resource + "\\\" at the cluster scope"
                : "injected failure";
        String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message
                + "\",\"reason\":\"" + (code == 403 ? "Forbidden" : "InternalError") + "\",\"code\":" + code + "}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + code + (code == 403 ? " Forbidden" : " Internal Server Error") + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
        try (client) {
            OutputStream out = client.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
        } finally {
            open.remove(client);
        }
    }

    /** The bytes up to and including the first blank line; null when the stream ends first. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            head.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3)) ? matched + 1
                    : c == '\r' ? 1 : 0;
            if (matched == 4) {
                return head.toByteArray();
            }
        }
    }

    private void close(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }

    private void dropOpenConnections() {
        for (Socket s : open) {
            close(s);
        }
    }

    private void closeServer() {
        ServerSocket s = server;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeServer();
        dropOpenConnections();
    }
}
