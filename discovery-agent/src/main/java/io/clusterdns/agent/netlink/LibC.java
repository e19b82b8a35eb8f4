package io.clusterdns.agent.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.nio.Buffer;

/**
 * The few libc calls a netlink socket needs, through JNA; each throws {@link LastErrorException}
 * (errno) on failure. Direct mapping ({@link Native#register}): each call is one JNI native
 * method, where an interface mapping goes through a proxy, reflection and argument conversion on
 * every call. A one-service change makes three or four of these calls, and on a fresh JVM that
 * generic path ran interpreted for the first few hundred changes.
 */
final class LibC {
    static {
        Native.register(LibC.class, "c");
    }

    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_NETFILTER = 12;
    static final int SOL_SOCKET = 1;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_RCVTIMEO = 20;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;

    private LibC() {
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, byte[] addr, int len) throws LastErrorException;

    static native long send(int fd, Buffer buf, long len, int flags) throws LastErrorException;

    static native long recv(int fd, Buffer buf, long len, int flags) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int open(String path, int flags) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;
}
