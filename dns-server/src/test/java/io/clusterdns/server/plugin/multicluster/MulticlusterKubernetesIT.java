package io.clusterdns.server.plugin.multicluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.SyncStatus;
import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.MockApiServerProcess;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.DnsServerMain;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The multicluster plugin on a live API server: a Corefile whose kubernetes plugin follows
 * fabric8's mock API server in a child JVM ({@link MockApiServerProcess}) and whose multicluster
 * plugin rides on that source. ServiceImports and imported slices created through the API are
 * answered over UDP; the shared source watches them because the block has the plugin.
 *
 * <pre>
 * namespace   test
 * test/web    Service ClusterIP 10.96.0.20 (the cluster zone)
 * test/myservice  ServiceImport ClusterSetIP 10.42.42.42, https 443
 * test/headless   ServiceImport Headless; slices of clusterA (my-pet-1 10.3.0.101) and clusterB (my-pet-1 10.4.0.101)
 * </pre>
 */
class MulticlusterKubernetesIT {
    static final ResourceDefinitionContext SERVICE_IMPORTS = new ResourceDefinitionContext.Builder()
            .withGroup("multicluster.x-k8s.io").withVersion("v1alpha1").withKind("ServiceImport").withPlural("serviceimports")
            .withNamespaced(true).build();
    static final String HL = "headless.test.svc.clusterset.local.";

    @TempDir
    static Path dir;
    static MockApiServerProcess api;
    static KubernetesClient kube;
    static DnsServer server;
    static UdpClient dns;

    @BeforeAll
    static void start() throws Exception {
        api = MockApiServerProcess.launch();
        kube = api.client();
        kube.resource(new NamespaceBuilder().withNewMetadata().withName("test").endMetadata().build()).create();
        kube.resource(new ServiceBuilder().withNewMetadata().withNamespace("test").withName("web").endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.20").withClusterIPs("10.96.0.20")
                .addNewPort().withName("http").withProtocol("TCP").withPort(80).endPort().endSpec().build()).create();
        kube.genericKubernetesResources(SERVICE_IMPORTS).inNamespace("test").resource(serviceImport("myservice", "ClusterSetIP",
                List.of("10.42.42.42"))).create();
        Path corefile = Files.writeString(dir.resolve("Corefile"), """
                .:0 {
                    kubernetes cluster.local {
                        endpoint %s
                        startup_timeout 30s
                    }
                    multicluster clusterset.local
                }
                """.formatted(api.url()));
        server = DnsServerMain.start(new CorefileSource(corefile, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 1));
        dns = new UdpClient(server.port());
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
        if (server != null) {
            server.close();
        }
        if (kube != null) {
            kube.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static GenericKubernetesResource serviceImport(String name, String type, List<String> ips) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("multicluster.x-k8s.io/v1alpha1").withKind("ServiceImport")
                .withNewMetadata().withNamespace("test").withName(name).endMetadata()
                .addToAdditionalProperties("spec", Map.of("type", type, "ips", ips,
                        "ports", List.of(Map.of("name", "https", "protocol", "TCP", "port", 443))))
                .build();
    }

    static EndpointSlice imported(String cluster, String ip) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withNamespace("test").withName("headless-" + cluster.toLowerCase())
                .addToLabels("multicluster.kubernetes.io/service-name", "headless")
                .addToLabels("multicluster.kubernetes.io/source-cluster", cluster).endMetadata()
                .withAddressType("IPv4")
                .withEndpoints(new EndpointBuilder().withAddresses(ip).withHostname("my-pet-1").withNewConditions().withReady(true).endConditions()
                        .build())
                .addNewPort().withName("https").withProtocol("TCP").withPort(443).endPort()
                .build();
    }

    static List<String> answers(String name, int type) {
        Message m = dns.exchange(Wire.withEdns(Wire.query(1, name, type), 1232, 0, false));
        return Wire.texts(m, Section.ANSWER);
    }

    static void awaitAnswers(String name, int type, String... expected) {
        Await.until(name + " answering " + List.of(expected), () -> answers(name, type), a -> a.equals(List.of(expected)));
    }

    @Test
    void answersServiceImportsCreatedThroughTheApiFromTheKubernetesPluginsSource() {
        assertThat(answers("web.test.svc.cluster.local.", Type.A)).containsExactly("web.test.svc.cluster.local. 5 A 10.96.0.20");
        assertThat(answers("myservice.test.svc.clusterset.local.", Type.A)).containsExactly("myservice.test.svc.clusterset.local. 5 A 10.42.42.42");
        // one source for both zones, watching the clusterset kinds
        assertThat(server.source().syncStatus().kinds()).containsEntry(WatchedKind.SERVICE_IMPORTS, SyncStatus.State.SYNCED)
                .containsEntry(WatchedKind.IMPORTED_ENDPOINT_SLICES, SyncStatus.State.SYNCED);
        Await.until("every watch open", () -> server.source().stats().watching().values().stream().allMatch(w -> w));

        kube.genericKubernetesResources(SERVICE_IMPORTS).inNamespace("test").resource(serviceImport("headless", "Headless", List.of())).create();
        kube.resource(imported("clusterA", "10.3.0.101")).create();
        kube.resource(imported("clusterB", "10.4.0.101")).create();
        awaitAnswers(HL, Type.A, HL + " 5 A 10.3.0.101", HL + " 5 A 10.4.0.101");
        assertThat(answers("my-pet-1.clusterB." + HL, Type.A)).containsExactly("my-pet-1.clusterB." + HL + " 5 A 10.4.0.101");
        assertThat(answers("_https._tcp." + HL, Type.SRV)).containsExactly(
                "_https._tcp." + HL + " 5 SRV 0 50 443 my-pet-1.clusterA." + HL, "_https._tcp." + HL + " 5 SRV 0 50 443 my-pet-1.clusterB." + HL);

        kube.resource(imported("clusterA", "10.3.0.101")).delete();
        awaitAnswers(HL, Type.A, HL + " 5 A 10.4.0.101");
    }
}
