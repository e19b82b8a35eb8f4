package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The envinjector components ({@code k8s/deploy/components/envinjector/} and
 * {@code envinjector-cert-manager/}, read as files) agree with themselves and with the code: the webhook settings the
 * issue asks for, names and ports that line up, container args this CLI accepts, and the
 * certificate names of cert-manager.yaml equal to those of {@code envinjector certs}.
 */
class DeployManifestsTest {
    static final Path DEPLOY = Path.of("..", "k8s", "deploy", "components", "envinjector");
    static final Path CERT_MANAGER = Path.of("..", "k8s", "deploy", "components", "envinjector-cert-manager");
    static final Path CERT_JOB = Path.of("..", "k8s", "deploy", "components", "envinjector-cert-job");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final List<JsonNode> OBJECTS = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> files = Stream.concat(Files.list(DEPLOY), Files.list(CERT_MANAGER))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).sorted().toList()) {
                try (var parser = YAML.getFactory().createParser(f.toFile())) {
                    YAML.readValues(parser, JsonNode.class).readAll().stream().filter(JsonNode::isObject).forEach(OBJECTS::add);
                }
            }
        }
    }

    static JsonNode one(String kind) {
        List<JsonNode> found = OBJECTS.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void webhookIsSafeAndPointsAtTheService() {
        JsonNode webhook = one("MutatingWebhookConfiguration").path("webhooks").get(0);
        JsonNode service = one("Service");
        JsonNode deployment = one("Deployment");
        String namespace = deployment.path("metadata").path("namespace").asText();

        assertThat(webhook.path("failurePolicy").asText()).isEqualTo("Ignore");
        assertThat(webhook.path("sideEffects").asText()).isEqualTo("None");
        assertThat(webhook.path("timeoutSeconds").asInt()).isEqualTo(5);
        assertThat(texts(webhook.path("admissionReviewVersions"))).containsExactly("v1");
        assertThat(webhook.path("reinvocationPolicy").asText()).isEqualTo("IfNeeded");
        JsonNode rule = webhook.path("rules").get(0);
        assertThat(texts(rule.path("operations"))).containsExactly("CREATE");
        assertThat(texts(rule.path("resources"))).containsExactly("pods");
        assertThat(texts(rule.path("apiVersions"))).containsExactly("v1");
        JsonNode ns = webhook.path("namespaceSelector").path("matchExpressions").get(0);
        assertThat(ns.path("key").asText()).isEqualTo("kubernetes.io/metadata.name");
        assertThat(ns.path("operator").asText()).isEqualTo("NotIn");
        assertThat(texts(ns.path("values"))).containsExactlyInAnyOrder("kube-system", namespace);
        JsonNode own = webhook.path("objectSelector").path("matchExpressions").get(0);
        assertThat(own.path("operator").asText()).isEqualTo("NotIn");
        assertThat(deployment.path("spec").path("template").path("metadata").path("labels").path(own.path("key").asText()).asText())
                .isIn(texts(own.path("values")));

        JsonNode target = webhook.path("clientConfig").path("service");
        assertThat(target.path("name").asText()).isEqualTo(service.path("metadata").path("name").asText());
        assertThat(target.path("namespace").asText()).isEqualTo(namespace).isEqualTo(service.path("metadata").path("namespace").asText());
        assertThat(target.path("path").asText()).isEqualTo("/mutate");
        assertThat(target.path("port").asInt()).isEqualTo(service.path("spec").path("ports").get(0).path("port").asInt());
        assertThat(one("MutatingWebhookConfiguration").path("metadata").path("name").asText()).isEqualTo(CertsCommand.DEFAULT_WEBHOOK_CONFIG);
        assertThat(namespace).isEqualTo(CertsCommand.DEFAULT_NAMESPACE);
        assertThat(service.path("metadata").path("name").asText()).isEqualTo(CertsCommand.DEFAULT_SERVICE);
    }

    @Test
    void deploymentRunsTwoReplicasWithArgsThisCliAccepts() {
        JsonNode deployment = one("Deployment");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);

        // as in the pod: KUBERNETES_SERVICE_HOST set, so no source flag means the service account
        CommandLine cmd = EnvInjectorMain.commandLine(java.util.Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"));
        cmd.parseArgs(texts(container.path("args")).toArray(String[]::new));
        InjectorConfig config = ((EnvInjectorMain) cmd.getCommand()).config();

        assertThat(config.source()).isInstanceOf(ClusterSourceSpec.Api.class);
        assertThat(((ClusterSourceSpec.Api) config.source()).connection().isInCluster()).isTrue();
        assertThat(config.listen().port()).isEqualTo(container.path("ports").get(0).path("containerPort").asInt());
        String mount = container.path("volumeMounts").get(0).path("mountPath").asText();
        assertThat(config.tlsCert()).isEqualTo(Path.of(mount, "tls.crt"));
        assertThat(config.tlsKey()).isEqualTo(Path.of(mount, "tls.key"));
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(container.path("readinessProbe").path("httpGet").path("scheme").asText()).isEqualTo("HTTPS");
        assertThat(one("Service").path("spec").path("ports").get(0).path("targetPort").asText())
                .isEqualTo(container.path("ports").get(0).path("name").asText());
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo(one("ServiceAccount").path("metadata").path("name").asText());
        assertThat(one("PodDisruptionBudget").path("spec").path("minAvailable").asInt()).isEqualTo(1);
        String secret = pod.path("volumes").get(0).path("secret").path("secretName").asText();
        JsonNode certificate = OBJECTS.stream().filter(o -> "Certificate".equals(o.path("kind").asText())
                && secret.equals(o.path("spec").path("secretName").asText())).findFirst().orElseThrow();
        assertThat(texts(certificate.path("spec").path("dnsNames"))).containsExactlyElementsOf(certsCommandNames());
    }

    private static List<String> certsCommandNames() {
        CommandLine cmd = EnvInjectorMain.commandLine();
        CommandLine.ParseResult parsed = cmd.parseArgs("certs", "--out", "unused");
        return ((CertsCommand) parsed.subcommand().commandSpec().userObject()).names();
    }

    @Test
    void rbacOnlyReadsServicesAndNamespaces() {
        JsonNode rules = one("ClusterRole").path("rules");
        assertThat(rules).hasSize(1);
        assertThat(texts(rules.get(0).path("apiGroups"))).containsExactly("");
        assertThat(texts(rules.get(0).path("resources"))).containsExactlyInAnyOrder("services", "namespaces");
        assertThat(texts(rules.get(0).path("verbs"))).containsExactlyInAnyOrder("list", "watch");
    }

    @Test
    void kustomizationListsEveryManifestOfItsFolder() throws IOException {
        JsonNode k = YAML.readTree(DEPLOY.resolve("kustomization.yaml").toFile());
        List<String> files;
        try (Stream<Path> s = Files.list(DEPLOY)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.equals("kustomization.yaml")).toList();
        }
        assertThat(texts(k.path("resources"))).containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void theCertificateJobWritesTheSecretTheDeploymentMountsWithArgsThisCliAccepts() throws IOException {
        JsonNode job = null;
        try (var parser = YAML.getFactory().createParser(CERT_JOB.resolve("job.yaml").toFile())) {
            for (JsonNode o : YAML.readValues(parser, JsonNode.class).readAll()) {
                if ("Job".equals(o.path("kind").asText())) {
                    job = o;
                }
            }
        }
        assertThat(job).isNotNull();
        JsonNode container = job.path("spec").path("template").path("spec").path("containers").get(0);
        CommandLine.ParseResult parsed = EnvInjectorMain.commandLine().parseArgs(texts(container.path("args")).toArray(String[]::new));
        CertsCommand certs = (CertsCommand) parsed.subcommand().commandSpec().userObject();

        String mounted = one("Deployment").path("spec").path("template").path("spec").path("volumes").get(0).path("secret").path("secretName").asText();
        assertThat(certs.secret).isEqualTo(mounted);
        assertThat(certs.inCluster).isTrue();
        assertThat(certs.namespace).isEqualTo(job.path("metadata").path("namespace").asText())
                .isEqualTo(one("Deployment").path("metadata").path("namespace").asText());
        assertThat(certs.webhookConfig).isEqualTo(one("MutatingWebhookConfiguration").path("metadata").path("name").asText());
        assertThat(certs.out).as("--out is on the writable emptyDir").startsWith(container.path("volumeMounts").get(0).path("mountPath").asText() + "/");
    }
}
