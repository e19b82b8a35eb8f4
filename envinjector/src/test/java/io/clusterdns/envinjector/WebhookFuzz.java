package io.clusterdns.envinjector;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.k8s.testing.PublishingClusterSource;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends {@link ReviewMutations} over real HTTPS to a running webhook (the test PKI, the test
 * cluster) from a few threads, and checks every answer: a 400 (or 413 for a body over the limit)
 * with a {@code Status} whose message says why, or a 200 AdmissionReview for the request's uid,
 * allowed, with a JSON Patch that applies to the pod sent (zjsonpatch) or no patch. Never another
 * status, never a timeout (30 s per request), never an internal error or a patch the webhook's own
 * verification refused (its metrics).
 */
final class WebhookFuzz {
    static final int MAX_BODY = 64 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final int PROBLEMS_KEPT = 30;

    /** The figures of a run. */
    record Report(long seed, long requests, Map<String, Long> statuses, Map<String, Long> kinds, long problemCount,
                  List<String> problems, long internalErrors, long millis) {
        String summary() {
            return "seed " + seed + ": " + requests + " requests, statuses " + statuses + ", kinds " + kinds + ", " + problemCount
                    + " problems, internal errors " + internalErrors + ", " + millis + " ms";
        }
    }

    private final long seed;
    private final ReviewMutations mutations;
    private final ConcurrentHashMap<String, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> kinds = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicLong problemCount = new AtomicLong();

    WebhookFuzz(long seed) {
        this.seed = seed;
        this.mutations = new ReviewMutations(seed, MAX_BODY);
    }

    /** Starts a webhook on 127.0.0.1 (test PKI, {@link TestCluster}), sends {@code count} requests from {@code threads} threads. */
    Report run(Path dir, long count, int threads) throws Exception {
        TestPki pki = new TestPki();
        TestPki.SecretVolume tls = new TestPki.SecretVolume(Files.createTempDirectory(dir, "tls")).install(pki.issue());
        InjectorConfig config = InjectorConfig.of(new ClusterSourceSpec.Manifests(List.of(dir)), tls.cert(), tls.key())
                .withListen(ListenAddress.of("127.0.0.1:0"))
                .withMaxRequestBytes(MAX_BODY);
        long start = System.nanoTime();
        try (EnvInjector server = EnvInjector.start(config, new PublishingClusterSource(TestCluster.snapshot()))) {
            HttpClient client = pki.client();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                AtomicLong next = new AtomicLong();
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    work.add(pool.submit(() -> {
                        for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            send(client, server.port(), mutations.request(i));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            // still serving, and what its own checks counted
            String metrics = TestPki.get(client, server.port(), "/metrics").body();
            long internal = counter(metrics, "reason=\"internal_error\"") + counter(metrics, "reason=\"patch_verification_failed\"");
            return new Report(seed, count, sorted(statuses), sorted(kinds), problemCount.get(), List.copyOf(problems), internal,
                    (System.nanoTime() - start) / 1_000_000L);
        }
    }

    private void send(HttpClient client, int port, ReviewMutations.Request request) {
        kinds.computeIfAbsent(request.kind(), k -> new AtomicLong()).incrementAndGet();
        HttpRequest.BodyPublisher body = request.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(request.body()))
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
        HttpResponse<byte[]> response;
        try {
            response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/mutate")).timeout(TIMEOUT)
                    .header("Content-Type", "application/json").POST(body).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            problem(request, "no response within " + TIMEOUT);
            return;
        } catch (java.io.IOException e) {
            // a body over the limit may be cut by the server's close: the client may see the 413 or a closed connection
            if (request.body().length > MAX_BODY) {
                statuses.computeIfAbsent("closed", k -> new AtomicLong()).incrementAndGet();
                return;
            }
            problem(request, "the request failed: " + e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        statuses.computeIfAbsent(String.valueOf(response.statusCode()), k -> new AtomicLong()).incrementAndGet();
        check(request, response.statusCode(), response.body()).ifPresent(what -> problem(request, what));
    }

    /** What is wrong with the answer {@code status}, {@code body} to {@code request}; empty when nothing. */
    static Optional<String> check(ReviewMutations.Request request, int status, byte[] body) {
        JsonNode sent = parseStrictly(request.body());
        JsonNode answer;
        try {
            answer = TestPod.JSON.readTree(body);
        } catch (Exception e) {
            return Optional.of("HTTP " + status + " with a body that is not JSON");
        }
        if (status == 400 || status == 413) {
            if (status == 413 && request.body().length <= MAX_BODY) {
                return Optional.of("413 for a body within the limit");
            }
            if (status == 400 && request.body().length > MAX_BODY) {
                return Optional.of("400 for a body over the limit (413 expected)");
            }
            String message = answer.path("message").asText("");
            if (!"Status".equals(answer.path("kind").asText()) || answer.path("code").asInt() != status || message.isBlank()) {
                return Optional.of("HTTP " + status + " without a Status saying why: " + text(body));
            }
            return Optional.empty();
        }
        if (status != 200) {
            return Optional.of("HTTP " + status + ": " + text(body));
        }
        if (sent == null) {
            return Optional.of("200 for a body that is not valid JSON (UTF-8, one value): " + text(body));
        }
        if (!AdmissionReviews.API_VERSION.equals(answer.path("apiVersion").asText())
                || !AdmissionReviews.KIND.equals(answer.path("kind").asText())) {
            return Optional.of("200 that is not an admission.k8s.io/v1 AdmissionReview: " + text(body));
        }
        JsonNode response = answer.path("response");
        String uid = sent.path("request").path("uid").asText("");
        if (uid.isEmpty() || !uid.equals(response.path("uid").asText())) {
            return Optional.of("response.uid " + response.path("uid") + " answers request.uid " + sent.path("request").path("uid"));
        }
        if (!response.path("allowed").asBoolean(false)) {
            return Optional.of("not allowed: " + text(body));
        }
        JsonNode kind = sent.path("request").path("kind");
        boolean podCreate = kind.path("group").asText("").isEmpty() && "v1".equals(kind.path("version").asText())
                && "Pod".equals(kind.path("kind").asText()) && "CREATE".equals(sent.path("request").path("operation").asText());
        if (response.has("patch") && !podCreate) {
            return Optional.of("a patch for something other than a v1 Pod CREATE: " + kind + " " + sent.path("request").path("operation"));
        }
        if (response.has("patch")) {
            if (!"JSONPatch".equals(response.path("patchType").asText())) {
                return Optional.of("a patch without patchType JSONPatch");
            }
            try {
                JsonNode patch = TestPod.JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
                io.fabric8.zjsonpatch.JsonPatch.apply(patch, sent.path("request").path("object"));
            } catch (Exception e) {
                return Optional.of("the patch does not apply to the pod sent: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The body as the API server's JSON decoder would take it, or null: UTF-8, one JSON value. */
    private static JsonNode parseStrictly(byte[] body) {
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body));
            return AdmissionReviews.JSON.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private void problem(ReviewMutations.Request request, String what) {
        problemCount.incrementAndGet();
        if (problems.size() < PROBLEMS_KEPT) {
            String b = text(request.body());
            problems.add("seed " + seed + " request " + request.index() + " (" + request.kind() + (request.chunked() ? ", chunked" : "")
                    + "): " + what + "; sent " + (b.length() > 400 ? b.substring(0, 400) + "..." : b));
        }
    }

    private static long counter(String metrics, String label) {
        long sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("envinjector_admission_failures_total") && line.contains(label)) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static String text(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static Map<String, Long> sorted(ConcurrentHashMap<String, AtomicLong> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** {@code WebhookFuzz [REQUESTS [SEED]]}: the full run of bench/webhook-fuzz.sh; exit 1 on a problem. */
    public static void main(String[] args) throws Exception {
        long count = args.length > 0 ? Long.parseLong(args[0]) : 10_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : new java.security.SecureRandom().nextLong();
        Path dir = Files.createTempDirectory("webhook-fuzz");
        Report report = new WebhookFuzz(seed).run(dir, count, 4);
        System.out.println("webhook fuzz: " + report.summary());
        report.problems().forEach(p -> System.out.println("  problem: " + p));
        System.exit(report.problemCount() == 0 && report.internalErrors() == 0 ? 0 : 1);
    }
}
