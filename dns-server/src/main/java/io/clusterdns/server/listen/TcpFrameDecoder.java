package io.clusterdns.server.listen;

import io.clusterdns.server.wire.WireHeader;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits a TCP byte stream into DNS messages, each preceded by a 2-byte big-endian length
 * (RFC 1035 section 4.2.2, RFC 7766). Handles frames split across reads (even inside the length
 * prefix) and several frames in one read. One instance per connection; not thread-safe (a
 * connection lives on one event loop).
 *
 * <p>Work is linear in the bytes received however the client slices them: a partial frame is
 * copied once into a buffer of its announced size, never re-concatenated per read. The 2-byte
 * prefix bounds a frame to 65535 bytes. A frame shorter than a DNS header cannot be a query:
 * the stream is then broken for good and the connection should be closed, since whatever
 * follows is unlikely to be framed correctly.
 */
public final class TcpFrameDecoder {
    /** Result of feeding bytes: keep reading, or close the connection. */
    public enum Status { OK, BROKEN }

    private final byte[] prefix = new byte[2];
    private int prefixHave;
    private byte[] frame;
    private int frameHave;
    private boolean broken;

    /** Appends {@code chunk} to the stream and passes every complete frame to {@code onFrame}, in order. */
    public Status feed(byte[] chunk, Consumer<byte[]> onFrame) {
        int pos = 0;
        while (!broken && pos < chunk.length) {
            if (frame == null) {
                int length;
                if (prefixHave == 0 && chunk.length - pos >= 2) {
                    length = ((chunk[pos] & 0xFF) << 8) | (chunk[pos + 1] & 0xFF);
                    pos += 2;
                } else {
                    prefix[prefixHave++] = chunk[pos++];
                    if (prefixHave < 2) {
                        continue;
                    }
                    length = ((prefix[0] & 0xFF) << 8) | (prefix[1] & 0xFF);
                    prefixHave = 0;
                }
                if (length < WireHeader.LENGTH) {
                    broken = true;
                    break;
                }
                if (chunk.length - pos >= length) {
                    // The common case: the whole message is in this read.
                    onFrame.accept(Arrays.copyOfRange(chunk, pos, pos + length));
                    pos += length;
                    continue;
                }
                frame = new byte[length];
                frameHave = 0;
            }
            int n = Math.min(frame.length - frameHave, chunk.length - pos);
            System.arraycopy(chunk, pos, frame, frameHave, n);
            frameHave += n;
            pos += n;
            if (frameHave == frame.length) {
                byte[] complete = frame;
                frame = null;
                onFrame.accept(complete);
            }
        }
        return broken ? Status.BROKEN : Status.OK;
    }

    /** Bytes received (length prefix included) that do not yet form a whole frame. */
    int pendingBytes() {
        return prefixHave + (frame == null ? 0 : 2 + frameHave);
    }
}
