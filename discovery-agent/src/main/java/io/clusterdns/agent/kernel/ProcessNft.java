package io.clusterdns.agent.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code nft} binary. The command may carry a prefix ({@code ip netns exec NS nft}) so
 * that tests can drive a network namespace from the test process. Scripts go through stdin; stdout
 * and stderr are drained and stdin fed on threads of their own ({@link ProcessPipes}), so the
 * timed wait bounds every run even when nft stalls.
 */
public final class ProcessNft implements Nft {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private final List<String> command;
    private final Duration timeout;

    public ProcessNft(List<String> command, Duration timeout) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty nft command");
        }
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    /** {@code nft} from the PATH. */
    public static ProcessNft system() {
        return new ProcessNft(List.of("nft"), DEFAULT_TIMEOUT);
    }

    @Override
    public NftResult apply(String script) {
        return run(List.of("-f", "-"), script);
    }

    @Override
    public NftResult list(String... args) {
        return run(List.of(args), null);
    }

    private NftResult run(List<String> args, String stdin) {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            return new NftResult.Failed(-1, "cannot run " + String.join(" ", cmd) + ": " + e.getMessage());
        }
        CompletableFuture<byte[]> out = ProcessPipes.drain(p.getInputStream());
        CompletableFuture<byte[]> err = ProcessPipes.drain(p.getErrorStream());
        ProcessPipes.feed(p.getOutputStream(), stdin == null ? null : stdin.getBytes(StandardCharsets.UTF_8));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new NftResult.Failed(-1, String.join(" ", cmd) + " did not finish within " + timeout);
            }
            String stdout = new String(out.get(), StandardCharsets.UTF_8);
            String stderr = new String(err.get(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? new NftResult.Ok(stdout) : new NftResult.Failed(p.exitValue(), stderr.isBlank() ? stdout : stderr);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new NftResult.Failed(-1, "interrupted while running nft");
        } catch (ExecutionException e) {
            return new NftResult.Failed(-1, "reading nft output failed: " + e.getCause());
        }
    }

}
