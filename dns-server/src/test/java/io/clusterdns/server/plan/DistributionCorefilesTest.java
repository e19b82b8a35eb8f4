package io.clusterdns.server.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.plugin.forward.ForwardConfig;
import io.clusterdns.server.plugin.hosts.HostsConfig;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.log.LogConfig;
import io.clusterdns.server.plugin.template.TemplateConfig;
import io.clusterdns.server.plugin.template.TemplateConfig.Template;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The Corefiles managed clusters ship, read as the server reads them at start-up (and on every
 * reload): AKS's with its coredns-custom imports and its {@code template} blocks, k3s's with its
 * {@code hosts} NodeHosts. The files are verbatim (test resources), except that
 * {@code /etc/resolv.conf} is this test's resolv.conf, whose upstream the forward plan reads.
 * {@code K3sCorefileTest} serves k3s's over sockets.
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
    void aksTemplatesAreOneLinkTryingThemInWrittenOrder() throws IOException {
        ServerPlan plan = source("aks.Corefile").read();

        BlockPlan main = plan.blocks().get(0);
        assertThat(names(main)).as("plugin.cfg order: template after cache, before kubernetes").containsExactly(
                "reload", "ready", "health", "prometheus", "errors", "loadbalance", "cache", "template", "kubernetes", "loop", "forward");
        List<Template> templates = main.plugin(TemplateConfig.class).orElseThrow().templates();
        assertThat(templates).extracting(Template::where).containsExactly(dir.resolve("Corefile") + ":19", dir.resolve("Corefile") + ":24");
        Template junk = templates.get(0);
        assertThat(List.of(junk.qclass(), junk.qtype(), junk.rcode())).containsExactly(DClass.ANY, Type.ANY, Rcode.NXDOMAIN);
        assertThat(junk.zones()).containsExactly(Name.fromConstantString("internal.cloudapp.net."));
        assertThat(junk.match()).hasToString("[^(?:[^.]+\\.){4,}internal\\.cloudapp\\.net\\.$]");
        assertThat(junk.fallthrough()).isEqualTo(Fallthrough.ALL);
        Template reddog = templates.get(1);
        assertThat(List.of(reddog.qclass(), reddog.qtype(), reddog.rcode())).containsExactly(DClass.ANY, Type.ANY, Rcode.NXDOMAIN);
        assertThat(reddog.zones()).containsExactly(Name.fromConstantString("reddog.microsoft.com."));
        assertThat(reddog.match()).as("the default regex").hasToString("[.*]");
        assertThat(reddog.fallthrough()).isEqualTo(Fallthrough.NONE);
        assertThat(reddog.answer()).isEmpty();
    }

    @Test
    void k3sPlansWithTheNodeHostsBeforeTheClusterZone() throws IOException {
        // /etc/coredns/NodeHosts need not exist yet (k3s writes it once the nodes register), nor custom/
        ServerPlan plan = source("k3s.Corefile").read();

        assertThat(plan.blocks()).hasSize(1);
        BlockPlan main = plan.blocks().get(0);
        assertThat(names(main)).as("plugin.cfg order: hosts answers before kubernetes, and falls through to it").containsExactly(
                "reload", "ready", "health", "prometheus", "errors", "loadbalance", "cache", "hosts", "kubernetes", "loop", "forward");
        assertThat(main.plugin(HostsConfig.class).orElseThrow()).isEqualTo(new HostsConfig(Path.of("/etc/coredns/NodeHosts"),
                List.of(Name.root), List.of(), 60, true, Duration.ofSeconds(15), Fallthrough.ALL, false));
        assertThat(main.plugin(KubernetesConfig.class).orElseThrow().fallthrough().through(Name.fromConstantString("4.3.2.1.in-addr.arpa.")))
                .isTrue();
    }
}
