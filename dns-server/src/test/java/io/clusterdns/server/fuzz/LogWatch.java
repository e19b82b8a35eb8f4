package io.clusterdns.server.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches what the in-process server logs (slf4j-simple writes to {@code System.err}, looked up
 * at every line) while still passing it through: a line at ERROR level or naming an exception is
 * a finding, since a fuzz packet must never get further than a FORMERR or a debug line.
 */
final class LogWatch implements AutoCloseable {
    static final int KEPT = 20;

    private final PrintStream original = System.err;
    private final AtomicLong findings = new AtomicLong();
    private final AtomicLong seen = new AtomicLong();
    private final List<String> kept = new CopyOnWriteArrayList<>();

    LogWatch() {
        System.setErr(new PrintStream(new Lines(), true, StandardCharsets.UTF_8));
    }

    long findings() {
        return findings.get();
    }

    /** All lines written, findings or not: proof that the server's log goes through here. */
    long linesSeen() {
        return seen.get();
    }

    List<String> lines() {
        return List.copyOf(kept);
    }

    static boolean isFinding(String line) {
        return line.contains("ERROR") || line.contains("Exception") || line.contains("Error:") || line.startsWith("\tat ");
    }

    @Override
    public void close() {
        System.setErr(original);
    }

    private final class Lines extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            original.write(b);
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                seen.incrementAndGet();
                if (isFinding(text)) {
                    findings.incrementAndGet();
                    if (kept.size() < KEPT) {
                        kept.add(text);
                    }
                }
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() {
            original.flush();
        }
    }
}
