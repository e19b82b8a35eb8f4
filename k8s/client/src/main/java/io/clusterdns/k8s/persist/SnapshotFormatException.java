package io.clusterdns.k8s.persist;

/**
 * A persisted snapshot that cannot be used: not a snapshot file, another format version, cut
 * short, or a checksum that does not match. The message is one line fit for the log; the caller
 * starts without the file rather than failing.
 */
public final class SnapshotFormatException extends Exception {
    public SnapshotFormatException(String message) {
        super(message, null, false, false);
    }
}
