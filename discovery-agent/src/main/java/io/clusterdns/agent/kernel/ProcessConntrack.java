package io.clusterdns.agent.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs {@code conntrack -D ...} (conntrack-tools), optionally behind a prefix such as {@code ip netns exec NS}. */
public final class ProcessConntrack implements Conntrack {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessConntrack.class);
    private static final Pattern DELETED = Pattern.compile("(\\d+) flow entries have been deleted");

    private final List<String> command;

    public ProcessConntrack(List<String> command) {
        this.command = List.copyOf(command);
    }

    public static ProcessConntrack system() {
        return new ProcessConntrack(List.of("conntrack"));
    }

    @Override
    public int delete(ConntrackFilter filter) {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(filter.args());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            // read on another thread so that the timed wait below is what bounds a hung conntrack
            CompletableFuture<byte[]> output = ProcessPipes.drain(p.getInputStream());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("{} did not finish in 30 s", String.join(" ", cmd));
                return -1;
            }
            String out = new String(output.get(), StandardCharsets.UTF_8);
            Matcher m = DELETED.matcher(out);
            // conntrack exits 1 when nothing matched; that is not a failure
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            LOG.warn("{} failed (exit {}): {}", String.join(" ", cmd), p.exitValue(), out.strip());
            return -1;
        } catch (IOException e) {
            LOG.warn("Cannot run {}: {}", String.join(" ", cmd), e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException e) {
            LOG.warn("Cannot read the output of {}: {}", String.join(" ", cmd), e.getCause().getMessage());
            return -1;
        }
    }
}
