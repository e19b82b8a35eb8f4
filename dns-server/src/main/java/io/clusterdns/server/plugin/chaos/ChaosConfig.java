package io.clusterdns.server.plugin.chaos;

import io.clusterdns.k8s.BuildVersion;
import io.clusterdns.server.chain.PluginConfig;
import java.util.List;
import java.util.Objects;

/**
 * CoreDNS's {@code chaos [VERSION] [AUTHORS...]}: what the CH-class TXT queries
 * {@code version.bind}, {@code authors.bind} and friends answer.
 *
 * @param version the {@code version.bind} / {@code version.server} text (default {@code clusterdns-<version>})
 * @param authors the {@code authors.bind} texts, sorted, each once
 */
public record ChaosConfig(String version, List<String> authors) implements PluginConfig {
    public static final String NAME = "chaos";
    /** CoreDNS answers {@code CoreDNS-<version>}; this server names itself the same way. */
    public static final String DEFAULT_VERSION = "clusterdns-" + BuildVersion.get();
    /** CoreDNS lists its maintainers' GitHub handles; clusterdns keeps no such list. */
    public static final List<String> DEFAULT_AUTHORS = List.of("clusterdns maintainers");

    public ChaosConfig {
        Objects.requireNonNull(version, "version");
        authors = List.copyOf(authors);
    }

    @Override
    public String name() {
        return NAME;
    }
}
