package io.clusterdns.k8s.bench;

import io.clusterdns.k8s.testing.ListPages;
import io.clusterdns.k8s.testing.MockApiServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An API server with a large generated cluster, for {@link RelistHeapBenchmark} (a child JVM, so
 * that its objects are not in the measured heap). fabric8's CRUD mock stores objects as JSON and
 * finds each by a scan, so loading 100,000 objects through it takes quadratic time; this server
 * generates them as the API server would return them (managedFields included) and answers the
 * Service, EndpointSlice and Namespace (ns-0 ... ns-99) lists itself, in pages when asked
 * ({@link ListPages}). Everything else (the watches) goes to the empty CRUD mock: watches stay quiet.
 *
 * <pre>
 * java -cp ... io.clusterdns.k8s.bench.BenchApiServerMain SERVICES ENDPOINTS_PER_SLICE
 * </pre>
 *
 * Protocol (stdout, one line each): {@code READY http://127.0.0.1:PORT}; on stdin
 * {@code outage K} deletes the first K services and their slices, creates K new ones, moves one
 * endpoint of K other slices, then stops listening and starts again with the next watch of each
 * kind answered by 410 Gone (an expired resourceVersion), so that the client relists; answers
 * {@code RESTARTED}. {@code lists} answers {@code LISTS services=N endpointslices=M} (requests
 * so far, pages included); {@code listed} answers {@code LISTED services=T endpointslices=T}, the
 * wall-clock milliseconds at which the last page of the latest list of each was sent (0: not yet),
 * so that a client's reaction can be timed from the moment the API's list completed;
 * {@code quit} exits.
 */
public final class BenchApiServerMain {
    static final String SERVICES = "/api/v1/services";
    static final String SLICES = "/apis/discovery.k8s.io/v1/endpointslices";
    static final String NAMESPACES = "/api/v1/namespaces";
    /** The services' namespaces ns-0 ... ns-99: without them a DNS server answers NXDOMAIN for every service. */
    static final int NAMESPACE_COUNT = 100;

    private final int endpoints;
    private final NavigableMap<String, String> services = new ConcurrentSkipListMap<>();
    private final NavigableMap<String, String> slices = new ConcurrentSkipListMap<>();
    private final NavigableMap<String, String> namespaces = new ConcurrentSkipListMap<>();
    private final AtomicLong resourceVersion = new AtomicLong(1000);
    private final Map<String, Boolean> expire = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lists = new ConcurrentHashMap<>();
    private final Map<String, Long> listed = new ConcurrentHashMap<>();
    private int next;

    private BenchApiServerMain(int count, int endpoints) {
        this.endpoints = endpoints;
        for (int i = 0; i < count; i++) {
            add(i);
        }
        next = count;
        for (int i = 0; i < NAMESPACE_COUNT; i++) {
            String ns = "ns-" + i;
            namespaces.put(ListPages.key(null, ns), "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + ns
                    + "\",\"uid\":\"" + uid(i, 4) + "\",\"resourceVersion\":\"" + resourceVersion.incrementAndGet()
                    + "\",\"labels\":{\"kubernetes.io/metadata.name\":\"" + ns + "\"}},\"spec\":{\"finalizers\":[\"kubernetes\"]},"
                    + "\"status\":{\"phase\":\"Active\"}}");
        }
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BenchApiServerMain cluster = new BenchApiServerMain(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
        MockApiServer server = new MockApiServer(cluster::answer).start();
        out.println("READY " + server.url());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            switch (words[0]) {
                case "outage" -> {
                    server.stop();
                    cluster.churn(Integer.parseInt(words[1]));
                    cluster.expire.put(SERVICES, true);
                    cluster.expire.put(SLICES, true);
                    server.start();
                    out.println("RESTARTED");
                }
                case "lists" -> out.println("LISTS services=" + cluster.lists(SERVICES) + " endpointslices=" + cluster.lists(SLICES));
                case "listed" -> out.println("LISTED services=" + cluster.listed.getOrDefault(SERVICES, 0L)
                        + " endpointslices=" + cluster.listed.getOrDefault(SLICES, 0L));
                case "quit" -> {
                    server.close();
                    out.println("BYE");
                    System.exit(0);
                }
                default -> out.println("ERROR unknown command " + line);
            }
        }
        server.close();
        System.exit(0);
    }

    private int lists(String resource) {
        AtomicInteger n = lists.get(resource);
        return n == null ? 0 : n.get();
    }

    private MockResponse answer(RecordedRequest request) {
        String path = request.getPath();
        int query = path.indexOf('?');
        String resource = query < 0 ? path : path.substring(0, query);
        if (!"GET".equals(request.getMethod()) || !(resource.equals(SERVICES) || resource.equals(SLICES) || resource.equals(NAMESPACES))) {
            return null;
        }
        if (query >= 0 && path.substring(query).contains("watch=true")) {
            // once per outage: the watch's resourceVersion has left the history, the client must relist
            return expire.remove(resource) != null ? MockApiServer.expiredWatch() : null;
        }
        lists.computeIfAbsent(resource, k -> new AtomicInteger()).incrementAndGet();
        String rv = Long.toString(resourceVersion.get());
        String body = switch (resource) {
            case SERVICES -> ListPages.render("ServiceList", "v1", rv, services, path);
            case SLICES -> ListPages.render("EndpointSliceList", "discovery.k8s.io/v1", rv, slices, path);
            default -> ListPages.render("NamespaceList", "v1", rv, namespaces, path);
        };
        if (!body.contains("\"continue\":\"")) {
            // the last page (or an unpaged list): just before the client has the whole list
            listed.putIfAbsent(resource, System.currentTimeMillis());
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(body);
    }

    /** What changed while the API server was away. */
    private void churn(int k) {
        for (int i = 0; i < k; i++) {
            int gone = services.isEmpty() ? -1 : index(services.firstKey());
            if (gone >= 0) {
                services.remove(ListPages.key(namespace(gone), name(gone)));
                slices.remove(ListPages.key(namespace(gone), sliceName(gone)));
            }
            add(next++);
        }
        int moved = 0;
        for (String key : slices.keySet().toArray(new String[0])) {
            if (moved++ >= k) {
                break;
            }
            int i = index(key);
            slices.put(key, slice(i, resourceVersion.incrementAndGet(), 1));
        }
    }

    private void add(int i) {
        services.put(ListPages.key(namespace(i), name(i)), service(i, resourceVersion.incrementAndGet()));
        slices.put(ListPages.key(namespace(i), sliceName(i)), slice(i, resourceVersion.incrementAndGet(), 0));
    }

    private static int index(String key) {
        String name = key.substring(key.indexOf('/') + 1);
        int dash = name.indexOf('-', 4);
        return Integer.parseInt(name.substring(4, dash < 0 ? name.length() : dash));
    }

    private static String namespace(int i) {
        return "ns-" + (i % 100);
    }

    private static String name(int i) {
        return "svc-" + i;
    }

    private static String sliceName(int i) {
        return "svc-" + i + "-" + Integer.toString(36 * 36 * 36 * 36 + i % (35 * 36 * 36 * 36), 36).substring(0, 5);
    }

    private static String ip(int base, int n) {
        return "10." + (base + (n >> 16)) + "." + ((n >> 8) & 255) + "." + (n & 255);
    }

    private static String uid(int i, int kind) {
        return String.format("%08x-%04x-4000-8000-%012x", i, kind, (long) i * 7919);
    }

    /** One in five headless, as in the scale benchmark. */
    private String service(int i, long rv) {
        String clusterIp = i % 5 == 0 ? "None" : ip(96, i);
        return "{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name(i) + "\",\"namespace\":\"" + namespace(i)
                + "\",\"uid\":\"" + uid(i, 1) + "\",\"resourceVersion\":\"" + rv + "\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\","
                + "\"labels\":{\"app\":\"" + name(i) + "\",\"team\":\"team-" + (i % 40) + "\"},"
                + "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"apiVersion\\\":\\\"v1\\\",\\\"kind\\\":\\\"Service\\\","
                + "\\\"metadata\\\":{\\\"name\\\":\\\"" + name(i) + "\\\",\\\"namespace\\\":\\\"" + namespace(i) + "\\\"},\\\"spec\\\":{\\\"ports\\\":"
                + "[{\\\"name\\\":\\\"http\\\",\\\"port\\\":80,\\\"targetPort\\\":8080}],\\\"selector\\\":{\\\"app\\\":\\\"" + name(i) + "\\\"}}}\\n\"},"
                + "\"managedFields\":[{\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
                + "\"time\":\"2026-01-01T00:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:annotations\":{\".\":{},"
                + "\"f:kubectl.kubernetes.io/last-applied-configuration\":{}},\"f:labels\":{\".\":{},\"f:app\":{},\"f:team\":{}}},"
                + "\"f:spec\":{\"f:internalTrafficPolicy\":{},\"f:ports\":{\".\":{},\"k:{\\\"port\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},"
                + "\"f:name\":{},\"f:port\":{},\"f:protocol\":{},\"f:targetPort\":{}}},\"f:selector\":{},\"f:sessionAffinity\":{},\"f:type\":{}}}}]},"
                + "\"spec\":{\"ports\":[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":80,\"targetPort\":8080}],"
                + "\"selector\":{\"app\":\"" + name(i) + "\"},\"clusterIP\":\"" + clusterIp + "\",\"clusterIPs\":[\"" + clusterIp + "\"],"
                + "\"type\":\"ClusterIP\",\"sessionAffinity\":\"None\",\"ipFamilies\":[\"IPv4\"],\"ipFamilyPolicy\":\"SingleStack\","
                + "\"internalTrafficPolicy\":\"Cluster\"},\"status\":{\"loadBalancer\":{}}}";
    }

    /** {@code endpoints} ready endpoints; {@code shift} moves the first one to another address. */
    private String slice(int i, long rv, int shift) {
        StringBuilder eps = new StringBuilder();
        for (int e = 0; e < endpoints; e++) {
            int pod = i * endpoints + e;
            String address = ip(128, pod + (e == 0 ? shift * 0x200000 : 0));
            eps.append(e == 0 ? "" : ",").append("{\"addresses\":[\"").append(address).append("\"],")
                    .append("\"conditions\":{\"ready\":true,\"serving\":true,\"terminating\":false},")
                    .append("\"targetRef\":{\"kind\":\"Pod\",\"namespace\":\"").append(namespace(i)).append("\",\"name\":\"")
                    .append(name(i)).append("-7d4b9c8f6-").append(Integer.toString(100000 + e, 36)).append("\",\"uid\":\"")
                    .append(uid(pod, 3)).append("\"},\"nodeName\":\"node-").append(pod % 200).append("\",\"zone\":\"zone-")
                    .append(pod % 3).append("\"}");
        }
        return "{\"kind\":\"EndpointSlice\",\"apiVersion\":\"discovery.k8s.io/v1\",\"metadata\":{\"name\":\"" + sliceName(i)
                + "\",\"generateName\":\"" + name(i) + "-\",\"namespace\":\"" + namespace(i) + "\",\"uid\":\"" + uid(i, 2)
                + "\",\"resourceVersion\":\"" + rv + "\",\"generation\":1,\"creationTimestamp\":\"2026-01-01T00:00:00Z\","
                + "\"labels\":{\"app\":\"" + name(i) + "\",\"endpointslice.kubernetes.io/managed-by\":\"endpointslice-controller.k8s.io\","
                + "\"kubernetes.io/service-name\":\"" + name(i) + "\"},"
                + "\"annotations\":{\"endpoints.kubernetes.io/last-change-trigger-time\":\"2026-01-01T00:00:00Z\"},"
                + "\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"name\":\"" + name(i) + "\",\"uid\":\"" + uid(i, 1)
                + "\",\"controller\":true,\"blockOwnerDeletion\":true}],"
                + "\"managedFields\":[{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"discovery.k8s.io/v1\","
                + "\"time\":\"2026-01-01T00:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:addressType\":{},\"f:endpoints\":{},"
                + "\"f:metadata\":{\"f:annotations\":{\".\":{},\"f:endpoints.kubernetes.io/last-change-trigger-time\":{}},"
                + "\"f:generateName\":{},\"f:labels\":{\".\":{},\"f:app\":{},\"f:endpointslice.kubernetes.io/managed-by\":{},"
                + "\"f:kubernetes.io/service-name\":{}},\"f:ownerReferences\":{\".\":{},\"k:{\\\"uid\\\":\\\"" + uid(i, 1) + "\\\"}\":{}}},"
                + "\"f:ports\":{}}}]},"
                + "\"addressType\":\"IPv4\",\"endpoints\":[" + eps + "],"
                + "\"ports\":[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":8080}]}";
    }
}
