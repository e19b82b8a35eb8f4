package io.clusterdns.agent.kernel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;

/**
 * The pipes of a child process (nft, conntrack), each served by a thread of its own so that the
 * caller's timed {@code waitFor} is the only place it waits: a child that stops reading its input
 * or fills its output pipe can then be killed on time instead of stalling the sync loop.
 */
public final class ProcessPipes {
    private ProcessPipes() {
    }

    /** Reads a stream to its end on a daemon thread (the common pool may be busy). */
    public static CompletableFuture<byte[]> drain(InputStream s) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        start(() -> {
            try (s) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                s.transferTo(b);
                result.complete(b.toByteArray());
            } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
            }
        }, "clusterdns-process-output");
        return result;
    }

    /**
     * Writes {@code input} (may be null: nothing) and closes the stream, on a daemon thread. A
     * write failure means the child exited early (nft stops reading at a syntax error); its stderr
     * says why, so the failure is not reported here.
     */
    public static void feed(OutputStream s, byte[] input) {
        start(() -> {
            try (s) {
                if (input != null) {
                    s.write(input);
                }
            } catch (IOException e) {
                // the child is gone; its exit status and stderr tell the story
            }
        }, "clusterdns-process-input");
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
