package io.clusterdns.server.plugin.health;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.chain.PluginConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * CoreDNS's {@code health [ADDRESS] { lameduck DURATION }}: {@code /health} answers 200 {@code OK}
 * while the process can serve (503 when its cluster source stopped following the cluster for
 * good); on SIGTERM the server keeps serving for {@code lameduck} with {@code /ready} at 503.
 *
 * @param address  where {@code /health} listens; CoreDNS's default {@code :8080}
 * @param lameduck how long to keep serving after SIGTERM (kubeadm: 5s)
 */
public record HealthConfig(ListenAddress address, Duration lameduck) implements PluginConfig {
    public static final String NAME = "health";
    public static final int DEFAULT_PORT = 8080;
    public static final Duration MAX_LAMEDUCK = Duration.ofMinutes(10);

    public HealthConfig {
        Objects.requireNonNull(address, "address");
        lameduck = lameduck == null ? Duration.ZERO : lameduck;
    }

    @Override
    public String name() {
        return NAME;
    }
}
