package io.clusterdns.agent.netlink;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A raw netlink socket ({@code socket(AF_NETLINK, SOCK_RAW, protocol)}) bound to a kernel-chosen
 * port id. Optionally opened inside another network namespace: a short-lived thread enters the
 * namespace ({@code setns}) and creates the socket there; the socket stays in that namespace
 * whichever thread uses it later. Not thread-safe: one sync thread uses it.
 */
public final class NetlinkSocket implements AutoCloseable {
    private final int fd;
    private int sndbuf;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /**
     * @param netns a namespace file ({@code /var/run/netns/NAME}), or null for this process's namespace
     */
    public static NetlinkSocket open(int protocol, Path netns, Duration receiveTimeout) throws IOException {
        int fd = netns == null ? create(protocol) : createIn(netns, protocol);
        NetlinkSocket s = new NetlinkSocket(fd);
        try {
            byte[] addr = new byte[12];
            addr[0] = (byte) LibC.AF_NETLINK; // sockaddr_nl: family, pad, pid 0 (kernel picks), groups 0
            LibC.bind(fd, addr, addr.length);
            ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
            tv.putLong(Math.max(1, receiveTimeout.toSeconds())).putLong(0);
            LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv.array(), 16);
            s.setInt(LibC.SO_RCVBUFFORCE, 8 << 20); // room for many error messages of a failed batch
            // errors echo only the header of the refused message, not its (up to 64 KiB) payload
            ByteBuffer one = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(1);
            LibC.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_CAP_ACK, one.array(), 4);
        } catch (LastErrorException e) {
            s.close();
            throw new IOException("cannot set up the netlink socket: " + Errno.describe(e.getErrorCode()), e);
        }
        return s;
    }

    private static int create(int protocol) throws IOException {
        try {
            return LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a netlink socket: " + Errno.describe(e.getErrorCode()), e);
        }
    }

    /** setns affects only the calling thread, so a throw-away thread enters the namespace. */
    private static int createIn(Path netns, int protocol) throws IOException {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                int nsFd = LibC.open(netns.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
                try {
                    LibC.setns(nsFd, LibC.CLONE_NEWNET);
                } finally {
                    LibC.close(nsFd);
                }
                result.complete(create(protocol));
            } catch (LastErrorException e) {
                result.completeExceptionally(new IOException("cannot enter network namespace " + netns + ": "
                        + Errno.describe(e.getErrorCode()), e));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "netlink-netns");
        t.start();
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening a netlink socket");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Sends {@code buf} (position 0 to limit) as one datagram, growing the send buffer to fit it. */
    public void send(ByteBuffer buf) throws IOException {
        int len = buf.limit();
        try {
            if (len + 4096 > sndbuf) {
                // the kernel refuses a datagram larger than the send buffer; root may raise it (as nft does)
                setInt(LibC.SO_SNDBUFFORCE, len + 4096);
                sndbuf = len + 4096;
            }
            long n = LibC.send(fd, buf, len, 0);
            if (n != len) {
                throw new IOException("netlink send wrote " + n + " of " + len + " bytes");
            }
        } catch (LastErrorException e) {
            throw new IOException("netlink send failed: " + Errno.describe(e.getErrorCode()), e);
        }
    }

    /** Receives one datagram into {@code buf} (a direct buffer); returns its length. */
    public int receive(ByteBuffer buf) throws IOException {
        try {
            long n = LibC.recv(fd, buf, buf.capacity(), 0);
            buf.position(0).limit((int) n);
            return (int) n;
        } catch (LastErrorException e) {
            throw new IOException("netlink receive failed: " + Errno.describe(e.getErrorCode()), e);
        }
    }

    private void setInt(int option, int value) {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value);
        LibC.setsockopt(fd, LibC.SOL_SOCKET, option, b.array(), 4);
    }

    @Override
    public void close() {
        try {
            LibC.close(fd);
        } catch (LastErrorException ignored) {
            // nothing useful to do: the descriptor is gone either way
        }
    }
}
