package io.clusterdns.agent.netns;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * SCTP for {@link NetHelperMain}, through libc (JNA): the JDK's own SCTP channels need libsctp,
 * and nothing in the JDK opens raw sockets. Two ways, chosen by what the kernel has:
 *
 * <ul>
 *   <li>{@link Mode#KERNEL}: the kernel has SCTP ({@code CONFIG_IP_SCTP}, the {@code sctp}
 *       module). Real associations through one-to-one style sockets ({@code SOCK_STREAM}, protocol
 *       132): the echo server accepts and writes its one line, the probe connects and reads it.</li>
 *   <li>{@link Mode#RAW}: it has not (no module, or one that cannot load), but netfilter still
 *       tracks and NATs SCTP ({@code nf_conntrack} carries SCTP since 5.x, built in). The probe
 *       and the echo server play the four-way handshake from raw sockets: INIT, INIT-ACK whose
 *       State Cookie carries the echo line, COOKIE-ECHO, COOKIE-ACK; the probe takes each reply
 *       only when it comes from the address and port it sent to (so it was un-NATed) with its
 *       verification tag. Conntrack then holds an ESTABLISHED entry, as for a real association,
 *       so a stale entry would keep the 5-tuple on its endpoint. Real packets through the agent's
 *       DNAT, conntrack and reverse NAT, but no association in the endpoints: the kernel's SCTP
 *       stack would answer the raw INIT itself (ABORT), which is why this mode is only used
 *       without one.</li>
 * </ul>
 */
final class Sctp {
    static final int IPPROTO_SCTP = 132;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_RAW = 3;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_RCVTIMEO = 20;
    private static final int SO_SNDTIMEO = 21;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int ECONNREFUSED = 111;
    private static final int EPROTONOSUPPORT = 93;
    private static final int CHUNK_INIT = 1;
    private static final int CHUNK_INIT_ACK = 2;
    private static final int CHUNK_COOKIE_ECHO = 10;
    private static final int CHUNK_COOKIE_ACK = 11;
    private static final int PARAM_STATE_COOKIE = 7;

    enum Mode { KERNEL, RAW }

    /** The libc calls used here; {@code size_t} and {@code ssize_t} are 64-bit (x86_64, aarch64). */
    interface LibC extends Library {
        LibC C = Native.load("c", LibC.class);

        int socket(int domain, int type, int protocol);

        int bind(int fd, byte[] addr, int len);

        int listen(int fd, int backlog);

        int accept(int fd, byte[] addr, IntByReference len);

        int connect(int fd, byte[] addr, int len);

        long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen);

        long recvfrom(int fd, byte[] buf, long len, int flags, byte[] addr, IntByReference addrLen);

        long recv(int fd, byte[] buf, long len, int flags);

        long send(int fd, byte[] buf, long len, int flags);

        int setsockopt(int fd, int level, int name, byte[] value, int len);

        int close(int fd);
    }

    private Sctp() {
    }

    /** KERNEL when this network namespace's kernel opens SCTP sockets, RAW when it answers "protocol not supported". */
    static Mode mode() {
        int fd = LibC.C.socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
        if (fd >= 0) {
            LibC.C.close(fd);
            return Mode.KERNEL;
        }
        int errno = Native.getLastError();
        if (errno == EPROTONOSUPPORT) {
            return Mode.RAW;
        }
        throw new IllegalStateException("socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP): errno " + errno);
    }

    // --- the echo server ------------------------------------------------------------------------

    /** Serves SCTP on {@code ports} until the process exits, answering with {@code NAME PEER_IP LOCAL_PORT}. */
    static void serve(String name, List<Integer> ports) {
        if (mode() == Mode.KERNEL) {
            for (int port : ports) {
                int fd = check("socket", LibC.C.socket(AF_INET6, SOCK_STREAM, IPPROTO_SCTP));
                setInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0); // IPv4 peers too, as v4-mapped addresses
                setInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
                byte[] any = sockaddr(anyLocal6(), port);
                check("bind", LibC.C.bind(fd, any, any.length));
                check("listen", LibC.C.listen(fd, 64));
                daemon(() -> acceptLoop(name, fd, port));
            }
        } else {
            int fd4 = check("raw socket", LibC.C.socket(AF_INET, SOCK_RAW, IPPROTO_SCTP));
            int fd6 = check("raw socket", LibC.C.socket(AF_INET6, SOCK_RAW, IPPROTO_SCTP));
            daemon(() -> rawResponder(name, fd4, true, ports));
            daemon(() -> rawResponder(name, fd6, false, ports));
        }
    }

    private static void acceptLoop(String name, int fd, int port) {
        while (true) {
            byte[] peer = new byte[28];
            IntByReference len = new IntByReference(peer.length);
            int c = LibC.C.accept(fd, peer, len);
            if (c < 0) {
                int errno = Native.getLastError();
                if (errno == 4 || errno == 103) { // EINTR, ECONNABORTED: the next one
                    continue;
                }
                System.err.println("sctp accept on port " + port + ": errno " + errno);
                return;
            }
            byte[] line = (name + " " + address(peer).getHostAddress() + " " + port + "\n").getBytes(StandardCharsets.UTF_8);
            LibC.C.send(c, line, line.length, 0);
            LibC.C.close(c);
        }
    }

    /**
     * Answers every INIT to one of {@code ports} with an INIT-ACK carrying the echo line as its
     * State Cookie, and every COOKIE-ECHO with a COOKIE-ACK.
     */
    private static void rawResponder(String name, int fd, boolean v4, List<Integer> ports) {
        byte[] buf = new byte[2048];
        java.util.Map<String, Integer> peerTags = new java.util.HashMap<>(); // peer ip:port → its initiate tag
        while (true) {
            byte[] from = new byte[28];
            IntByReference fromLen = new IntByReference(from.length);
            long n = LibC.C.recvfrom(fd, buf, buf.length, 0, from, fromLen);
            if (n <= 0) {
                continue;
            }
            ByteBuffer p = ByteBuffer.wrap(buf, 0, (int) n);
            if (v4) {
                p.position((buf[0] & 0x0f) * 4); // IPv4 raw sockets see the IP header; IPv6 ones do not
            }
            Packet in = Packet.parse(p);
            if (in == null || !ports.contains(in.dstPort())) {
                continue;
            }
            InetAddress peer = address(from);
            String key = peer.getHostAddress() + ":" + in.srcPort();
            byte[] reply;
            if (in.chunkType() == CHUNK_INIT) {
                peerTags.put(key, in.initiateTag());
                reply = initAck(in.dstPort(), in.srcPort(), in.initiateTag(), name + " " + peer.getHostAddress() + " " + in.dstPort());
            } else if (in.chunkType() == CHUNK_COOKIE_ECHO && peerTags.containsKey(key)) {
                reply = packet(in.dstPort(), in.srcPort(), peerTags.get(key), chunk(CHUNK_COOKIE_ACK, new byte[0], new byte[0]));
            } else {
                continue;
            }
            byte[] to = sockaddr(peer, 0);
            LibC.C.sendto(fd, reply, reply.length, 0, to, to.length);
        }
    }

    // --- the probe --------------------------------------------------------------------------------

    /** {@code OK line}, {@code REFUSED}, {@code TIMEOUT} or {@code ERROR ...}; {@code srcPort} 0 = any. */
    static String probe(InetAddress dst, int port, int srcPort, int timeoutMs) {
        return mode() == Mode.KERNEL ? connect(dst, port, srcPort, timeoutMs) : rawInit(dst, port, srcPort, timeoutMs);
    }

    private static String connect(InetAddress dst, int port, int srcPort, int timeoutMs) {
        int fd = check("socket", LibC.C.socket(family(dst), SOCK_STREAM, IPPROTO_SCTP));
        try {
            setTimeouts(fd, timeoutMs);
            if (srcPort > 0) {
                setInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
                byte[] local = sockaddr(dst instanceof Inet4Address ? anyLocal4() : anyLocal6(), srcPort);
                check("bind", LibC.C.bind(fd, local, local.length));
            }
            byte[] to = sockaddr(dst, port);
            if (LibC.C.connect(fd, to, to.length) < 0) {
                int errno = Native.getLastError();
                return errno == ECONNREFUSED ? "REFUSED" : isTimeout(errno) ? "TIMEOUT" : "ERROR connect errno " + errno;
            }
            byte[] buf = new byte[512];
            long n = LibC.C.recv(fd, buf, buf.length, 0);
            if (n < 0) {
                int errno = Native.getLastError();
                return isTimeout(errno) ? "TIMEOUT" : errno == ECONNREFUSED ? "REFUSED" : "ERROR recv errno " + errno;
            }
            return n == 0 ? "CLOSED" : "OK " + new String(buf, 0, (int) n, StandardCharsets.UTF_8).trim();
        } finally {
            LibC.C.close(fd);
        }
    }

    private static String rawInit(InetAddress dst, int port, int srcPort, int timeoutMs) {
        int fd = check("raw socket", LibC.C.socket(family(dst), SOCK_RAW, IPPROTO_SCTP));
        try {
            int tag = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
            int sport = srcPort > 0 ? srcPort : ThreadLocalRandom.current().nextInt(20000, 60000);
            byte[] init = packet(sport, port, 0, chunk(CHUNK_INIT, initBody(tag), new byte[0]));
            byte[] to = sockaddr(dst, 0);
            if (LibC.C.sendto(fd, init, init.length, 0, to, to.length) < 0) {
                return "ERROR sendto errno " + Native.getLastError();
            }
            long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            Packet initAck = await(fd, dst, port, sport, tag, CHUNK_INIT_ACK, deadline);
            if (initAck.srcPort() < 0) {
                return initAck.verdict();
            }
            if (initAck.cookie() == null) {
                return "ERROR INIT-ACK without a State Cookie";
            }
            byte[] cookie = initAck.cookie().getBytes(StandardCharsets.UTF_8);
            byte[] padded = java.util.Arrays.copyOf(cookie, (cookie.length + 3) / 4 * 4);
            java.util.Arrays.fill(padded, cookie.length, padded.length, (byte) ' ');
            byte[] echo = packet(sport, port, initAck.initiateTag(), chunk(CHUNK_COOKIE_ECHO, padded, new byte[0]));
            if (LibC.C.sendto(fd, echo, echo.length, 0, to, to.length) < 0) {
                return "ERROR sendto errno " + Native.getLastError();
            }
            Packet ack = await(fd, dst, port, sport, tag, CHUNK_COOKIE_ACK, deadline);
            return ack.srcPort() < 0 ? ack.verdict() : "OK " + initAck.cookie();
        } finally {
            LibC.C.close(fd);
        }
    }

    /**
     * The next packet of {@code type} for this probe (to {@code sport}, with {@code tag}); a packet
     * with srcPort -1 and a {@code TIMEOUT}/{@code ERROR}/{@code WRONG} verdict when none came or
     * one came back without reverse NAT.
     */
    private static Packet await(int fd, InetAddress dst, int port, int sport, int tag, int type, long deadline) {
        byte[] buf = new byte[2048];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return Packet.failed("TIMEOUT");
            }
            setTimeouts(fd, (int) left);
            byte[] from = new byte[28];
            long n = LibC.C.recvfrom(fd, buf, buf.length, 0, from, new IntByReference(from.length));
            if (n < 0) {
                int errno = Native.getLastError();
                return Packet.failed(isTimeout(errno) ? "TIMEOUT" : "ERROR recvfrom errno " + errno);
            }
            ByteBuffer p = ByteBuffer.wrap(buf, 0, (int) n);
            if (dst instanceof Inet4Address) {
                p.position((buf[0] & 0x0f) * 4);
            }
            Packet in = Packet.parse(p);
            if (in == null || in.dstPort() != sport || in.verificationTag() != tag || in.chunkType() != type) {
                continue; // not ours
            }
            InetAddress src = address(from);
            if (!src.equals(dst) || in.srcPort() != port) {
                return Packet.failed("WRONG reply from " + src.getHostAddress() + " port " + in.srcPort() + ": not un-NATed");
            }
            return in;
        }
    }

    // --- packets ----------------------------------------------------------------------------------

    /** The parts of an SCTP packet the probe and the responder read (its first chunk only). */
    record Packet(int srcPort, int dstPort, int verificationTag, int chunkType, int initiateTag, String cookie) {
        /** No packet: {@link #verdict()} says why. */
        static Packet failed(String verdict) {
            return new Packet(-1, -1, 0, 0, 0, verdict);
        }

        String verdict() {
            return cookie;
        }

        static Packet parse(ByteBuffer p) {
            if (p.remaining() < 12 + 4) {
                return null;
            }
            int sport = p.getShort() & 0xffff;
            int dport = p.getShort() & 0xffff;
            int vtag = p.getInt();
            p.getInt(); // checksum: the kernel's conntrack checked it on the way
            int type = p.get() & 0xff;
            p.get();
            int length = p.getShort() & 0xffff;
            int initiateTag = 0;
            String cookie = null;
            if ((type == CHUNK_INIT || type == CHUNK_INIT_ACK) && length >= 20 && p.remaining() >= length - 4) {
                int start = p.position() - 4;
                initiateTag = p.getInt();
                p.position(start + 20);
                while (p.position() + 4 <= start + length) {
                    int paramType = p.getShort() & 0xffff;
                    int paramLength = p.getShort() & 0xffff;
                    if (paramLength < 4 || p.position() + paramLength - 4 > start + length) {
                        break;
                    }
                    byte[] value = new byte[paramLength - 4];
                    p.get(value);
                    if (paramType == PARAM_STATE_COOKIE) {
                        cookie = new String(value, StandardCharsets.UTF_8).trim();
                    }
                    p.position(p.position() + ((4 - paramLength % 4) % 4));
                }
            }
            return new Packet(sport, dport, vtag, type, initiateTag, cookie);
        }
    }

    static byte[] initAck(int sport, int dport, int peerTag, String line) {
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        // pad the cookie itself to 4 bytes (spaces, trimmed on reading): no padding rules to get wrong
        byte[] padded = java.util.Arrays.copyOf(text, (text.length + 3) / 4 * 4);
        java.util.Arrays.fill(padded, text.length, padded.length, (byte) ' ');
        ByteBuffer param = ByteBuffer.allocate(4 + padded.length);
        param.putShort((short) PARAM_STATE_COOKIE).putShort((short) (4 + padded.length)).put(padded);
        int myTag = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        return packet(sport, dport, peerTag, chunk(CHUNK_INIT_ACK, initBody(myTag), param.array()));
    }

    /** Initiate tag, a_rwnd, one stream each way, an initial TSN: the 16 bytes after an INIT or INIT-ACK chunk's header. */
    private static byte[] initBody(int tag) {
        return ByteBuffer.allocate(16).putInt(tag).putInt(65535).putShort((short) 1).putShort((short) 1)
                .putInt(ThreadLocalRandom.current().nextInt()).array();
    }

    private static byte[] chunk(int type, byte[] body, byte[] params) {
        ByteBuffer c = ByteBuffer.allocate(4 + body.length + params.length);
        c.put((byte) type).put((byte) 0).putShort((short) (4 + body.length + params.length)).put(body).put(params);
        return c.array();
    }

    /** Common header and chunks, with the CRC32c checksum (RFC 4960 appendix B; little-endian on the wire, as Linux writes it). */
    static byte[] packet(int sport, int dport, int vtag, byte[] chunks) {
        ByteBuffer b = ByteBuffer.allocate(12 + chunks.length);
        b.putShort((short) sport).putShort((short) dport).putInt(vtag).putInt(0).put(chunks);
        CRC32C crc = new CRC32C();
        crc.update(b.array());
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) crc.getValue());
        return b.array();
    }

    // --- sockets ----------------------------------------------------------------------------------

    private static int family(InetAddress a) {
        return a instanceof Inet4Address ? AF_INET : AF_INET6;
    }

    static byte[] sockaddr(InetAddress a, int port) {
        byte[] ip = a.getAddress();
        ByteBuffer b = ByteBuffer.allocate(ip.length == 4 ? 16 : 28);
        b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) (ip.length == 4 ? AF_INET : AF_INET6));
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) port);
        if (ip.length == 16) {
            b.putInt(0); // flow info
        }
        b.put(ip);
        return b.array();
    }

    /** The address of a sockaddr_in or sockaddr_in6; a v4-mapped IPv6 address comes back as IPv4. */
    static InetAddress address(byte[] sockaddr) {
        int family = (sockaddr[0] & 0xff) | (sockaddr[1] & 0xff) << 8;
        try {
            return family == AF_INET ? InetAddress.getByAddress(java.util.Arrays.copyOfRange(sockaddr, 4, 8))
                    : InetAddress.getByAddress(java.util.Arrays.copyOfRange(sockaddr, 8, 24));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress anyLocal4() {
        return anyLocal(4);
    }

    private static InetAddress anyLocal6() {
        return anyLocal(16);
    }

    private static InetAddress anyLocal(int length) {
        try {
            return InetAddress.getByAddress(new byte[length]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setTimeouts(int fd, int timeoutMs) {
        byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                .putLong(timeoutMs / 1000).putLong((timeoutMs % 1000) * 1000L).array();
        LibC.C.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, tv.length);
        LibC.C.setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, tv, tv.length);
    }

    private static void setInt(int fd, int level, int name, int value) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        LibC.C.setsockopt(fd, level, name, v, v.length);
    }

    private static boolean isTimeout(int errno) {
        return errno == 11 || errno == 110 || errno == 115; // EAGAIN, ETIMEDOUT, EINPROGRESS
    }

    private static int check(String what, int result) {
        if (result < 0) {
            throw new IllegalStateException(what + ": errno " + Native.getLastError());
        }
        return result;
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "sctp");
        t.setDaemon(true);
        t.start();
    }
}
