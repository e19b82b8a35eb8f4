package io.clusterdns.server.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.plugin.forward.ForwardConfig;
import io.clusterdns.server.plugin.log.LogConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Corefiles managed clusters ship, read as the server reads them at start-up (and on every
 * reload): AKS's with its coredns-custom imports, and the plugins of the next issue (AKS's
 * {@code template}, k3s's {@code hosts}) refused by name at their line, never skipped. The files
 * are verbatim (test resources), except that {@code /etc/resolv.conf} is this test's resolv.conf,
 * whose upstream the forward plan reads.
 */
class DistributionCorefilesTest {
    @TempDir
    Path dir;

    CorefileSource source(String resource) throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/corefiles/" + resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("resolv.conf"), "nameserver 192.0.2.10\nsearch example.internal\n");
        Path corefile = Files.writeString(dir.resolve("Corefile"), text.replace("/etc/resolv.conf", dir.resolve("resolv.conf").toString()));
        return new CorefileSource(corefile, Map.of(), CorefilePlan.DEFAULT_PORT, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 1);
    }

    static List<String> names(BlockPlan b) {
        return b.plugins().stream().map(PluginConfig::name).toList();
    }

    @Test
    void aksOverridesJoinTheMainBlockAndServerFilesAddStubDomains() throws IOException {
        // AKS mounts the coredns-custom ConfigMap at custom/ next to the Corefile
        CorefileSource source = source("aks-without-templates.Corefile");
        Files.createDirectories(dir.resolve("custom"));
        Files.writeString(dir.resolve("custom/logging.override"), "log\n");
        Files.writeString(dir.resolve("custom/corp.server"), """
                corp.example:53 {
                    errors
                    cache 30
                    forward . 10.0.0.53 10.0.1.53
                }
                """);

        ServerPlan plan = source.read();

        assertThat(plan.blocks()).hasSize(2);
        BlockPlan main = plan.blocks().get(0);
        assertThat(names(main)).as("plugin.cfg order, the override's log included").containsExactly(
                "reload", "ready", "health", "prometheus", "errors", "log", "loadbalance", "cache", "kubernetes", "loop", "forward");
        assertThat(main.plugin(LogConfig.class)).isPresent();
        assertThat(main.plugin(ForwardConfig.class).orElseThrow().to()).containsExactly(new InetSocketAddress("192.0.2.10", 53));
        BlockPlan corp = plan.blocks().get(1);
        assertThat(corp.zones()).extracting(Object::toString).containsExactly("corp.example.");
        assertThat(corp.keys()).allSatisfy(k -> assertThat(k.port()).isEqualTo(53));
        assertThat(corp.plugin(ForwardConfig.class).orElseThrow().to())
                .containsExactly(new InetSocketAddress("10.0.0.53", 53), new InetSocketAddress("10.0.1.53", 53));
    }

    @Test
    void aksWithoutCustomFilesStarts() throws IOException {
        ServerPlan plan = source("aks-without-templates.Corefile").read();
        assertThat(plan.blocks()).hasSize(1);
    }

    @Test
    void aksTemplatesAreRefusedByNameAtTheirLine() throws IOException {
        CorefileSource source = source("aks.Corefile");
        assertThatThrownBy(source::read).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("Corefile") + ":19: plugin 'template' is not supported by clusterdns (yet); "
                        + "supported: " + String.join(", ", PluginOrder.ORDER));
    }

    @Test
    void k3sHostsIsRefusedByNameAtItsLine() throws IOException {
        CorefileSource source = source("k3s.Corefile");
        assertThatThrownBy(source::read).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("Corefile") + ":9: plugin 'hosts' is not supported by clusterdns (yet); "
                        + "supported: " + String.join(", ", PluginOrder.ORDER));
    }
}
