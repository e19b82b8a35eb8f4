package io.clusterdns.agent.netlink;

import java.util.Map;

/** Names and texts of the errno values nf_tables answers with, for one-line error messages. */
final class Errno {
    private static final Map<Integer, String> TEXT = Map.ofEntries(
            Map.entry(1, "EPERM: Operation not permitted"),
            Map.entry(2, "ENOENT: No such file or directory"),
            Map.entry(4, "EINTR: Interrupted system call"),
            Map.entry(11, "EAGAIN: Resource temporarily unavailable"),
            Map.entry(12, "ENOMEM: Cannot allocate memory"),
            Map.entry(13, "EACCES: Permission denied"),
            Map.entry(16, "EBUSY: Device or resource busy"),
            Map.entry(17, "EEXIST: File exists"),
            Map.entry(22, "EINVAL: Invalid argument"),
            Map.entry(28, "ENOSPC: No space left on device"),
            Map.entry(34, "ERANGE: Numerical result out of range"),
            Map.entry(40, "ELOOP: Too many levels of symbolic links"),
            Map.entry(75, "EOVERFLOW: Value too large for defined data type"),
            Map.entry(90, "EMSGSIZE: Message too long"),
            Map.entry(93, "EPROTONOSUPPORT: Protocol not supported"),
            Map.entry(95, "EOPNOTSUPP: Operation not supported"),
            Map.entry(105, "ENOBUFS: No buffer space available"));

    private Errno() {
    }

    static String describe(int errno) {
        return TEXT.getOrDefault(errno, "errno " + errno);
    }
}
