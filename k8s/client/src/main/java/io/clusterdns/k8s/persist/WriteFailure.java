package io.clusterdns.k8s.persist;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.Locale;

/** Why a snapshot could not be written, coarse enough for one log line per kind and a metric label. */
public enum WriteFailure {
    /** ENOSPC / EDQUOT: the disk (or the emptyDir's sizeLimit) is full. */
    DISK_FULL("disk_full"),
    /** A read-only file system or no permission. */
    NOT_WRITABLE("not_writable"),
    /** Anything else. */
    IO_ERROR("io_error");

    private final String label;

    WriteFailure(String label) {
        this.label = label;
    }

    /** The metric label: {@code disk_full}, {@code not_writable}, {@code io_error}. */
    public String label() {
        return label;
    }

    /** The kind of {@code e}, from its type and the operating system's message (Java has no errno). */
    public static WriteFailure of(IOException e) {
        if (e instanceof AccessDeniedException) {
            return NOT_WRITABLE;
        }
        String reason = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getMessage();
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (r.contains("no space left") || r.contains("disk quota exceeded")) {
            return DISK_FULL;
        }
        if (r.contains("read-only file system") || r.contains("permission denied")) {
            return NOT_WRITABLE;
        }
        return IO_ERROR;
    }
}
