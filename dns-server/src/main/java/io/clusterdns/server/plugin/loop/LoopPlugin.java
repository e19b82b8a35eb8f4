package io.clusterdns.server.plugin.loop;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code loop} plugin: asks this server {@code HINFO <random>.<random>.<zone>} during its
 * first 30 seconds until a reply comes (then stops 2 seconds later); if that question passes
 * through the chain more than twice, the server forwards to itself: it logs why and exits with
 * status 1 (CoreDNS's {@code [FATAL] plugin/loop}), so that the pod restarts and says so, instead
 * of every forwarded name timing out. As in CoreDNS, a question that got no reply within 2 s
 * resets the count and is asked again a second later: a dead upstream (the forwarder still
 * retrying) is not a loop.
 */
public final class LoopPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/loop");
    /** How long one question waits for its reply (Go's DNS client default, which CoreDNS uses). */
    static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(2);
    /** The pause after a question without a reply. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    static final Duration PROBE_FOR = Duration.ofSeconds(30);
    static final Duration DISABLE_AFTER_REPLY = Duration.ofSeconds(2);
    /** Seeing the probe this many times is a loop. */
    static final int THRESHOLD = 2;

    private final Name zone;
    private final Name probe;
    private final Duration exchangeTimeout;
    private final Duration retryAfter;
    private final Runnable onLoop;
    private final AtomicInteger seen = new AtomicInteger();
    private final AtomicBoolean enabled = new AtomicBoolean(true);
    private volatile String target;

    /**
     * @param zone   the block's first zone
     * @param onLoop what a detected loop does after the log line (the server: exit 1)
     */
    public LoopPlugin(Name zone, Runnable onLoop) {
        this(zone, onLoop, EXCHANGE_TIMEOUT, RETRY_AFTER);
    }

    /** With other waits (tests: a dead upstream's many unanswered questions in a short time). */
    LoopPlugin(Name zone, Runnable onLoop, Duration exchangeTimeout, Duration retryAfter) {
        this.zone = zone;
        this.exchangeTimeout = exchangeTimeout;
        this.retryAfter = retryAfter;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        this.probe = Name.fromConstantString(Math.abs(rnd.nextLong() >>> 1) + "." + Math.abs(rnd.nextLong() >>> 1) + "."
                + (zone.equals(Name.root) ? "" : zone.toString()));
        this.onLoop = onLoop;
    }

    @Override
    public String name() {
        return LoopConfig.NAME;
    }

    /** Where it asks itself ({@code 127.0.0.1:53}), null before {@link #startProbing}. */
    public String probing() {
        return target;
    }

    /** The question this instance asks itself. */
    public Name probe() {
        return probe;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        if (enabled.get() && request.qtype() == Type.HINFO && request.qname().equals(probe) && seen.incrementAndGet() > THRESHOLD) {
            enabled.set(false);
            LOG.error("plugin/loop: Loop ({} -> {}) detected for zone \"{}\", see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO {}\". "
                    + "This server's own question came back to it: it forwards to itself. The usual cause is the node's "
                    + "/etc/resolv.conf naming a local stub resolver (systemd-resolved's 127.0.0.53) that the pod inherits "
                    + "(dnsPolicy: Default) and `forward . /etc/resolv.conf` then points at; give the kubelet the real "
                    + "upstreams (resolvConf: /run/systemd/resolve/resolv.conf) or forward to them directly. Exiting.",
                    hostPort(request.client()), target, zone, probe);
            onLoop.run();
            return;
        }
        next.serve(request, writer);
    }

    /**
     * Starts asking on a daemon thread of its own (the questions wait for replies; an event loop
     * must not). {@code to} is this block's listener, as a client reaches it.
     */
    public void startProbing(InetSocketAddress to) {
        target = to.getHostString() + ":" + to.getPort();
        Thread t = new Thread(() -> probeLoop(to), "clusterdns-loop-probe");
        t.setDaemon(true);
        t.start();
    }

    private void probeLoop(InetSocketAddress to) {
        long end = System.nanoTime() + PROBE_FOR.toNanos();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout((int) exchangeTimeout.toMillis());
            while (enabled.get() && System.nanoTime() - end < 0) {
                if (ask(socket, to)) {
                    Thread.sleep(DISABLE_AFTER_REPLY.toMillis());
                    break;
                }
                // only questions of one unanswered exchange count towards a loop
                seen.set(0);
                Thread.sleep(retryAfter.toMillis());
            }
        } catch (IOException e) {
            LOG.debug("plugin/loop: loop probe stopped: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        enabled.set(false);
    }

    private boolean ask(DatagramSocket socket, InetSocketAddress to) throws IOException {
        Message q = new Message();
        q.getHeader().setFlag(Flags.RD);
        q.addRecord(Record.newRecord(probe, Type.HINFO, DClass.IN), Section.QUESTION);
        byte[] out = q.toWire();
        socket.send(new DatagramPacket(out, out.length, to));
        try {
            socket.receive(new DatagramPacket(new byte[512], 512));
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
