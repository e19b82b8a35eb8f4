package io.clusterdns.agent.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.Buffer;

/** The few libc calls a netlink socket needs, through JNA; each throws {@link LastErrorException} (errno) on failure. */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int NETLINK_NETFILTER = 12;
    int SOL_SOCKET = 1;
    int SOL_NETLINK = 270;
    int NETLINK_CAP_ACK = 10;
    int SO_SNDBUFFORCE = 32;
    int SO_RCVBUFFORCE = 33;
    int SO_RCVTIMEO = 20;
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] addr, int len) throws LastErrorException;

    long send(int fd, Buffer buf, long len, int flags) throws LastErrorException;

    long recv(int fd, Buffer buf, long len, int flags) throws LastErrorException;

    int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int open(String path, int flags) throws LastErrorException;

    int setns(int fd, int nstype) throws LastErrorException;
}
