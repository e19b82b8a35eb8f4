package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.testing.MockApiServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Request interceptor for the mock API server: counts list and watch requests per resource path
 * and answers chosen ones with an error status instead of letting the CRUD dispatcher answer.
 */
final class ApiFaults implements Function<RecordedRequest, MockResponse> {
    static final String SERVICES = "/api/v1/services";
    static final String ENDPOINT_SLICES = "/apis/discovery.k8s.io/v1/endpointslices";
    static final String NAMESPACES = "/api/v1/namespaces";
    static final String SERVICE_IMPORTS = "/apis/multicluster.x-k8s.io/v1alpha1/serviceimports";

    private final Map<String, Integer> failLists = new ConcurrentHashMap<>();
    private final Map<String, Integer> failWatches = new ConcurrentHashMap<>();
    private final Map<String, Boolean> expireWatches = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lists = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> watches = new ConcurrentHashMap<>();

    @Override
    public MockResponse apply(RecordedRequest request) {
        if (!"GET".equals(request.getMethod())) {
            return null;
        }
        String path = request.getPath();
        int query = path.indexOf('?');
        String resource = query < 0 ? path : path.substring(0, query);
        boolean watch = query >= 0 && path.substring(query).contains("watch=true");
        (watch ? watches : lists).computeIfAbsent(resource, k -> new AtomicInteger()).incrementAndGet();
        if (watch && expireWatches.containsKey(resource)) {
            return expired();
        }
        Integer code = (watch ? failWatches : failLists).get(resource);
        return code == null ? null : status(code, resource);
    }

    /**
     * Accepts every watch of {@code resource} and at once sends the ERROR event with a 410 Status
     * that the API server sends when the watch's resourceVersion has left its history; clients
     * must relist. (A watch request refused with an HTTP error is only retried.)
     */
    ApiFaults expireWatches(String resource) {
        expireWatches.put(resource, true);
        return this;
    }

    /** Answers every list of {@code resource} with {@code code} until {@link #heal}. */
    ApiFaults failLists(String resource, int code) {
        failLists.put(resource, code);
        return this;
    }

    /** Answers every watch request of {@code resource} with {@code code} until {@link #heal}. */
    ApiFaults failWatches(String resource, int code) {
        failWatches.put(resource, code);
        return this;
    }

    void heal(String resource) {
        failLists.remove(resource);
        failWatches.remove(resource);
        expireWatches.remove(resource);
    }

    int lists(String resource) {
        AtomicInteger n = lists.get(resource);
        return n == null ? 0 : n.get();
    }

    int watches(String resource) {
        AtomicInteger n = watches.get(resource);
        return n == null ? 0 : n.get();
    }

    private static MockResponse expired() {
        return MockApiServer.expiredWatch();
    }

    /** A Status body as the API server writes it; for 404 the plain text of a group it does not serve (a CRD not installed). */
    private static MockResponse status(int code, String resource) {
        if (code == 404) {
            return new MockResponse().setResponseCode(404).setHeader("Content-Type", "text/plain; charset=utf-8").setBody("404 page not found\n");
        }
        String reason = switch (code) {
            case 403 -> "Forbidden";
            default -> "InternalError";
        };
        String message = switch (code) {
            case 403 -> resource.substring(resource.lastIndexOf('/') + 1) + " is forbidden: User \\\"system:serviceaccount:kube-system:clusterdns\\\" cannot list resource at the cluster scope";
            default -> "injected failure";
        };
        String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message
                + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }
}
