package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The request path without HTTP: AdmissionReview bytes in, response out; every patch applied with
 * zjsonpatch to the original pod and the resulting env checked exactly. The cluster is
 * {@link TestCluster}.
 */
class InjectorTest {
    static final List<String> KUBERNETES = List.of(
            "KUBERNETES_SERVICE_HOST=10.96.0.1",
            "KUBERNETES_SERVICE_PORT=443",
            "KUBERNETES_SERVICE_PORT_HTTPS=443",
            "KUBERNETES_PORT=tcp://10.96.0.1:443",
            "KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443",
            "KUBERNETES_PORT_443_TCP_PROTO=tcp",
            "KUBERNETES_PORT_443_TCP_PORT=443",
            "KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1");
    static final List<String> REDIS = List.of(
            "REDIS_PRIMARY_SERVICE_HOST=10.96.0.11",
            "REDIS_PRIMARY_SERVICE_PORT=6379",
            "REDIS_PRIMARY_PORT=tcp://10.96.0.11:6379",
            "REDIS_PRIMARY_PORT_6379_TCP=tcp://10.96.0.11:6379",
            "REDIS_PRIMARY_PORT_6379_TCP_PROTO=tcp",
            "REDIS_PRIMARY_PORT_6379_TCP_PORT=6379",
            "REDIS_PRIMARY_PORT_6379_TCP_ADDR=10.96.0.11");
    static final List<String> PAYMENTS_API = List.of(
            "PAYMENTS_API_SERVICE_HOST=10.96.1.10",
            "PAYMENTS_API_SERVICE_PORT=8080",
            "PAYMENTS_API_SERVICE_PORT_HTTP=8080",
            "PAYMENTS_API_PORT=tcp://10.96.1.10:8080",
            "PAYMENTS_API_PORT_8080_TCP=tcp://10.96.1.10:8080",
            "PAYMENTS_API_PORT_8080_TCP_PROTO=tcp",
            "PAYMENTS_API_PORT_8080_TCP_PORT=8080",
            "PAYMENTS_API_PORT_8080_TCP_ADDR=10.96.1.10");

    private ServiceCatalog catalog = TestCluster.catalog();
    private final InjectorMetrics metrics = new InjectorMetrics(() -> catalog);
    private Injector injector = injector(InjectorConfig.DEFAULT_MAX_VARIABLES);

    private Injector injector(int maxVariables) {
        Supplier<ServiceCatalog> current = () -> catalog;
        InjectorConfig config = InjectorConfig.of(new ClusterSourceSpec.Manifests(List.of(Path.of("unused"))), Path.of("tls.crt"),
                Path.of("tls.key")).withMaxVariables(maxVariables);
        return new Injector(config, current, metrics);
    }

    private JsonNode answer(byte[] review) {
        return TestPod.parse(AdmissionReviews.render(injector.admit(review)).body());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<String> web() {
        List<String> out = new ArrayList<>();
        for (EnvVar v : ServiceVariables.of(EnvService.of(TestCluster.catalog().service("shop", "web"), "WEB", "cluster.local"),
                EnvStyle.KUBELET)) {
            out.add(v.toString());
        }
        return out;
    }

    @Test
    void podInAnEnabledNamespaceGetsWhatKubeletWouldGiveItSortedByService() {
        TestPod pod = TestPod.in("shop").container("app");

        JsonNode response = answer(pod.review("uid-1"));

        assertThat(response.path("response").path("uid").asText()).isEqualTo("uid-1");
        assertThat(response.path("response").path("allowed").asBoolean()).isTrue();
        assertThat(response.path("response").path("patchType").asText()).isEqualTo("JSONPatch");
        // kubernetes (from default), redis-primary, web; mongo (headless) and db (ExternalName) have no cluster IP
        List<String> expected = concat(concat(KUBERNETES, REDIS), web());
        assertThat(expected).hasSize(8 + 7 + 18);
        assertThat(TestPod.env(pod.patchedWith(response), "containers", 0)).containsExactlyElementsOf(expected);
    }

    @Test
    void existingEnvIsKeptAfterTheInjectedVariablesAndWinsOnConflict() {
        TestPod pod = TestPod.in("shop").annotation(InjectionPolicy.SERVICES_ANNOTATION, "redis-primary")
                .container("app", "LOG_LEVEL=debug", "REDIS_PRIMARY_SERVICE_HOST=redis.internal", "URL=redis://$(REDIS_PRIMARY_SERVICE_HOST)");

        JsonNode patched = pod.patchedWith(answer(pod.review("uid-2")));

        List<String> expected = new ArrayList<>(REDIS);
        expected.remove("REDIS_PRIMARY_SERVICE_HOST=10.96.0.11");
        expected.addAll(List.of("LOG_LEVEL=debug", "REDIS_PRIMARY_SERVICE_HOST=redis.internal", "URL=redis://$(REDIS_PRIMARY_SERVICE_HOST)"));
        assertThat(TestPod.env(patched, "containers", 0)).containsExactlyElementsOf(expected);
        assertThat(patched.path("spec").path("containers").path(0).path("x-unknown-field").path("kept").asBoolean()).isTrue();
    }

    @Test
    void initContainersAndEveryContainerGetTheVariables() {
        TestPod pod = TestPod.in("shop").annotation(InjectionPolicy.SERVICES_ANNOTATION, "redis-primary")
                .initContainer("migrate").container("app").containerWithEmptyEnv("sidecar").container("other", "A=1");

        JsonNode patched = pod.patchedWith(answer(pod.review("uid-3")));

        assertThat(TestPod.env(patched, "initContainers", 0)).containsExactlyElementsOf(REDIS);
        assertThat(TestPod.env(patched, "containers", 0)).containsExactlyElementsOf(REDIS);
        assertThat(TestPod.env(patched, "containers", 1)).containsExactlyElementsOf(REDIS);
        assertThat(TestPod.env(patched, "containers", 2)).containsExactlyElementsOf(concat(REDIS, List.of("A=1")));
    }

    @Test
    void annotationSelectsServicesAcrossNamespacesWithANamespacePrefix() {
        TestPod pod = TestPod.in("plain").annotation(InjectionPolicy.INJECT_ANNOTATION, "true")
                .annotation(InjectionPolicy.SERVICES_ANNOTATION, " payments/api,  shop/redis-primary , echo, payments/ledger,")
                .container("app");

        JsonNode patched = pod.patchedWith(answer(pod.review("uid-4")));

        List<String> expected = new ArrayList<>(PAYMENTS_API);
        REDIS.forEach(v -> expected.add("SHOP_" + v));
        expected.addAll(List.of(
                "ECHO_SERVICE_HOST=10.96.2.10", "ECHO_SERVICE_PORT=80", "ECHO_SERVICE_PORT_HTTP=80", "ECHO_PORT=tcp://10.96.2.10:80",
                "ECHO_PORT_80_TCP=tcp://10.96.2.10:80", "ECHO_PORT_80_TCP_PROTO=tcp", "ECHO_PORT_80_TCP_PORT=80",
                "ECHO_PORT_80_TCP_ADDR=10.96.2.10",
                "PAYMENTS_LEDGER_SERVICE_HOST=fd00:10:96::120", "PAYMENTS_LEDGER_SERVICE_PORT=9000",
                "PAYMENTS_LEDGER_SERVICE_PORT_GRPC=9000", "PAYMENTS_LEDGER_PORT=tcp://[fd00:10:96::120]:9000",
                "PAYMENTS_LEDGER_PORT_9000_TCP=tcp://[fd00:10:96::120]:9000", "PAYMENTS_LEDGER_PORT_9000_TCP_PROTO=tcp",
                "PAYMENTS_LEDGER_PORT_9000_TCP_PORT=9000", "PAYMENTS_LEDGER_PORT_9000_TCP_ADDR=fd00:10:96::120"));
        assertThat(TestPod.env(patched, "containers", 0)).containsExactlyElementsOf(expected);
    }

    @Test
    void dnsStyleGivesNamesThatSurviveAnIpChange() {
        TestPod pod = TestPod.in("shop").annotation(InjectionPolicy.SERVICES_ANNOTATION, "payments/api, mongo, db")
                .annotation(InjectionPolicy.STYLE_ANNOTATION, "dns").container("app");

        JsonNode patched = pod.patchedWith(answer(pod.review("uid-5")));

        assertThat(TestPod.env(patched, "containers", 0)).containsExactly(
                "PAYMENTS_API_SERVICE_DNS=api.payments.svc.cluster.local",
                "PAYMENTS_API_SERVICE_PORT=8080",
                "PAYMENTS_API_SERVICE_PORT_HTTP=8080",
                "MONGO_SERVICE_DNS=mongo.shop.svc.cluster.local",
                "MONGO_SERVICE_PORT=27017",
                "MONGO_SERVICE_PORT_MONGO=27017",
                "DB_SERVICE_DNS=db.shop.svc.cluster.local");
    }

    @Test
    void secondReviewOfThePatchedPodChangesNothing() {
        TestPod pod = TestPod.in("shop").initContainer("init", "X=1").container("app");
        JsonNode patched = pod.patchedWith(answer(pod.review("uid-6")));

        JsonNode second = answer(TestPod.review("uid-7", "CREATE", patched, false, "shop"));

        assertThat(second.path("response").path("allowed").asBoolean()).isTrue();
        assertThat(second.path("response").has("patch")).isFalse();
        assertThat(metrics.scrape()).contains("envinjector_skipped_total{reason=\"already_present\",scope=\"pod\"} 1.0");
    }

    @Test
    void dryRunGetsTheSameAnswer() {
        TestPod pod = TestPod.in("shop").container("app");
        JsonNode real = answer(pod.review("uid-8", false));
        JsonNode dry = answer(pod.review("uid-8", true));
        assertThat(dry).isEqualTo(real);
    }

    @Test
    void podsThatDidNotOptInAreLeftAloneWithAHintWhenTheyTried() {
        JsonNode plain = answer(TestPod.in("plain").container("app").review("uid-9"));
        assertThat(plain.path("response").has("patch")).isFalse();
        assertThat(plain.path("response").has("warnings")).isFalse();

        JsonNode tried = answer(TestPod.in("plain").annotation(InjectionPolicy.SERVICES_ANNOTATION, "echo").container("app").review("uid-10"));
        assertThat(tried.path("response").has("patch")).isFalse();
        assertThat(tried.path("response").path("warnings").get(0).asText()).contains("clusterdns.io/inject: \"true\"");
    }

    @Test
    void podsCanOptOutOfAnEnabledNamespace() {
        JsonNode out = answer(TestPod.in("shop").annotation(InjectionPolicy.INJECT_ANNOTATION, "false").container("app").review("u"));
        assertThat(out.path("response").has("patch")).isFalse();
        assertThat(metrics.scrape()).contains("envinjector_skipped_total{reason=\"opted_out\",scope=\"pod\"} 1.0");
    }

    @Test
    void selectedServicesThatCannotBeInjectedAreWarnedAboutAndTheRestIsInjected() {
        TestPod pod = TestPod.in("shop")
                .annotation(InjectionPolicy.SERVICES_ANNOTATION, "redis-primary, missing, mongo, Bad_Name, a/b/c, other/redis-primary")
                .container("app");

        JsonNode response = answer(pod.review("uid-11"));

        assertThat(TestPod.env(pod.patchedWith(response), "containers", 0)).containsExactlyElementsOf(REDIS);
        List<String> warnings = new ArrayList<>();
        response.path("response").path("warnings").forEach(w -> warnings.add(w.asText()));
        assertThat(warnings).allMatch(w -> w.startsWith("clusterdns envinjector: "));
        assertThat(String.join("\n", warnings))
                .contains("\"Bad_Name\": \"Bad_Name\" is not a service name")
                .contains("\"a/b/c\" is not NAME or NAMESPACE/NAME")
                .contains("service shop/missing not found")
                .contains("service other/redis-primary not found")
                .contains("service shop/mongo has no cluster IP");
    }

    @Test
    void invalidStyleInjectsNothingAndSaysWhy() {
        JsonNode r = answer(TestPod.in("shop").annotation(InjectionPolicy.STYLE_ANNOTATION, "docker").container("app").review("u"));
        assertThat(r.path("response").has("patch")).isFalse();
        assertThat(r.path("response").path("warnings").get(0).asText())
                .contains("clusterdns.io/env-style: expected kubelet, dns or both, got \"docker\"");
    }

    @Test
    void tooManyVariablesInjectsNothing() {
        injector = injector(20);
        JsonNode r = answer(TestPod.in("shop").container("app").review("u"));
        assertThat(r.path("response").has("patch")).isFalse();
        assertThat(r.path("response").path("warnings").get(0).asText())
                .contains("more than 20 variables").contains("select some with clusterdns.io/services");
    }

    @Test
    void nothingIsInjectedBeforeTheCacheSynced() {
        catalog = ServiceCatalog.EMPTY;
        JsonNode r = answer(TestPod.in("shop").annotation(InjectionPolicy.INJECT_ANNOTATION, "true").container("app").review("u"));
        assertThat(r.path("response").has("patch")).isFalse();
        assertThat(r.path("response").path("warnings").get(0).asText()).contains("not synced");
    }

    @Test
    void onlyPodCreationsArePatched() {
        TestPod pod = TestPod.in("shop").named("web-0").container("app");
        JsonNode update = answer(TestPod.review("u", "UPDATE", pod.json(), false, "shop"));
        assertThat(update.path("response").path("allowed").asBoolean()).isTrue();
        assertThat(update.path("response").has("patch")).isFalse();
    }

    @Test
    void namedPodsAndPodsWithoutNamespaceInTheObjectBothWork() {
        JsonNode named = answer(TestPod.in("shop").named("web-0").container("app").review("u1"));
        JsonNode generated = answer(TestPod.in("shop").container("app").review("u2"));
        assertThat(named.path("response").path("patch")).isEqualTo(generated.path("response").path("patch"));
    }

    @Test
    void anInternalErrorAdmitsThePodUnchanged() {
        InjectorConfig config = InjectorConfig.of(new ClusterSourceSpec.Manifests(List.of(Path.of("unused"))), Path.of("c"), Path.of("k"));
        Injector broken = new Injector(config, () -> {
            throw new IllegalStateException("boom");
        }, metrics);

        Admission a = broken.admit(TestPod.in("shop").container("app").review("u-err"));

        assertThat(a).isEqualTo(new Admission.Unchanged("u-err", SkipReason.INTERNAL_ERROR, List.of()));
        assertThat(AdmissionReviews.render(a).status()).isEqualTo(200);
        assertThat(metrics.scrape()).contains("envinjector_admission_failures_total{reason=\"internal_error\"} 1.0");
    }

    @Test
    void aBadRequestIsRejectedWithTheReason() {
        Admission a = injector.admit("{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(a).isInstanceOf(Admission.Rejected.class);
        assertThat(((Admission.Rejected) a).reason()).startsWith("request body is not JSON");
        assertThat(metrics.scrape()).contains("envinjector_admission_failures_total{reason=\"bad_request\"} 1.0");
    }

    @Test
    void metricsCountRequestsVariablesAndSkips() {
        answer(TestPod.in("shop").annotation(InjectionPolicy.SERVICES_ANNOTATION, "redis-primary, missing")
                .container("a").container("b", "REDIS_PRIMARY_SERVICE_PORT=1").review("u"));
        String scrape = metrics.scrape();
        assertThat(scrape)
                .contains("envinjector_admission_requests_total{result=\"patched\"} 1.0")
                .contains("envinjector_injected_variables_total 13.0")
                .contains("envinjector_skipped_total{reason=\"service_not_found\",scope=\"service\"} 1.0")
                .contains("envinjector_skipped_total{reason=\"already_defined\",scope=\"variable\"} 1.0")
                .contains("envinjector_admission_duration_seconds_count 1")
                .contains("envinjector_services 8.0")
                .contains("envinjector_cache_synced 1.0");
    }

    @Test
    void theMasterServiceIsNotAddedTwiceInDefault() {
        JsonNode r = answer(TestPod.in("default").annotation(InjectionPolicy.INJECT_ANNOTATION, "true").container("app").review("u"));
        assertThat(TestPod.env(TestPod.applyPatch(TestPod.in("default").container("app").json(), r), "containers", 0))
                .containsExactlyElementsOf(KUBERNETES);
    }
}
