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
 * ({@link ListPages}), and with {@code pods} the Pod list too: one Running and Ready pod per
 * endpoint, named as the endpoint's targetRef. Everything else (the watches) goes to the empty
 * CRUD mock: watches stay quiet.
 *
 * <pre>
 * java -cp ... io.clusterdns.k8s.bench.BenchApiServerMain SERVICES ENDPOINTS_PER_SLICE [pods]
 * </pre>
 *
 * Protocol (stdout, one line each): {@code READY http://127.0.0.1:PORT}; on stdin
 * {@code outage K} deletes the first K services and their slices, creates K new ones, moves one
 * endpoint of K other slices, then stops listening and starts again with the next watch of each
 * kind answered by 410 Gone (an expired resourceVersion), so that the client relists; answers
 * {@code RESTARTED}. {@code lists} answers {@code LISTS services=N endpointslices=M} (requests
 * so far, pages included); {@code listed} answers {@code LISTED services=T endpointslices=T pods=T}, the
 * wall-clock milliseconds at which the last page of the latest list of each was sent (0: not yet),
 * so that a client's reaction can be timed from the moment the API's list completed;
 * {@code quit} exits.
 */
public final class BenchApiServerMain {
    static final String SERVICES = "/api/v1/services";
    static final String SLICES = "/apis/discovery.k8s.io/v1/endpointslices";
    static final String NAMESPACES = "/api/v1/namespaces";
    static final String PODS = "/api/v1/pods";
    /** The services' namespaces ns-0 ... ns-99: without them a DNS server answers NXDOMAIN for every service. */
    static final int NAMESPACE_COUNT = 100;

    private final int endpoints;
    private final boolean withPods;
    private final NavigableMap<String, String> services = new ConcurrentSkipListMap<>();
    private final NavigableMap<String, String> slices = new ConcurrentSkipListMap<>();
    private final NavigableMap<String, String> namespaces = new ConcurrentSkipListMap<>();
    private final NavigableMap<String, String> pods = new ConcurrentSkipListMap<>();
    private final AtomicLong resourceVersion = new AtomicLong(1000);
    private final Map<String, Boolean> expire = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lists = new ConcurrentHashMap<>();
    private final Map<String, Long> listed = new ConcurrentHashMap<>();
    private int next;

    private BenchApiServerMain(int count, int endpoints, boolean withPods) {
        this.endpoints = endpoints;
        this.withPods = withPods;
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
        boolean withPods = args.length > 2 && args[2].equals("pods");
        if (args.length < 2 || args.length > 3 || args.length == 3 && !withPods) {
            System.err.println("usage: BenchApiServerMain SERVICES ENDPOINTS_PER_SLICE [pods]");
            System.exit(2);
        }
        BenchApiServerMain cluster = new BenchApiServerMain(Integer.parseInt(args[0]), Integer.parseInt(args[1]), withPods);
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
                        + " endpointslices=" + cluster.listed.getOrDefault(SLICES, 0L) + " pods=" + cluster.listed.getOrDefault(PODS, 0L));
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
        if (!"GET".equals(request.getMethod())
                || !(resource.equals(SERVICES) || resource.equals(SLICES) || resource.equals(NAMESPACES) || withPods && resource.equals(PODS))) {
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
            case PODS -> ListPages.render("PodList", "v1", rv, pods, path);
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
                for (int e = 0; e < endpoints; e++) {
                    pods.remove(ListPages.key(namespace(gone), podName(gone, e)));
                }
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
        if (withPods) {
            for (int e = 0; e < endpoints; e++) {
                pods.put(ListPages.key(namespace(i), podName(i, e)), pod(i, e, resourceVersion.incrementAndGet()));
            }
        }
    }

    /** The pod behind endpoint {@code e} of service {@code i}: a Deployment's pod name, as in its slice's targetRef. */
    private static String podName(int i, int e) {
        return name(i) + "-7d4b9c8f6-" + Integer.toString(100000 + e, 36);
    }

    /** A Running and Ready pod of a Deployment, with what the API server returns for one (managed fields, statuses). */
    private String pod(int i, int e, long rv) {
        int n = i * endpoints + e;
        String name = podName(i, e);
        String ip = ip(128, n);
        String time = "\"2026-01-01T00:00:00Z\"";
        return "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name + "\",\"generateName\":\"" + name(i)
                + "-7d4b9c8f6-\",\"namespace\":\"" + namespace(i) + "\",\"uid\":\"" + uid(n, 3) + "\",\"resourceVersion\":\"" + rv
                + "\",\"creationTimestamp\":" + time + ",\"labels\":{\"app\":\"" + name(i) + "\",\"pod-template-hash\":\"7d4b9c8f6\"},"
                + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"" + name(i) + "-7d4b9c8f6\","
                + "\"uid\":\"" + uid(i, 5) + "\",\"controller\":true,\"blockOwnerDeletion\":true}],"
                + "\"managedFields\":[{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":" + time
                + ",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:generateName\":{},\"f:labels\":{\".\":{},\"f:app\":{},"
                + "\"f:pod-template-hash\":{}},\"f:ownerReferences\":{\".\":{},\"k:{\\\"uid\\\":\\\"" + uid(i, 5) + "\\\"}\":{}}},"
                + "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"app\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{},\"f:ports\":{}}}}}},"
                + "{\"manager\":\"kubelet\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":" + time + ",\"fieldsType\":\"FieldsV1\","
                + "\"fieldsV1\":{\"f:status\":{\"f:conditions\":{},\"f:containerStatuses\":{},\"f:hostIP\":{},\"f:phase\":{},\"f:podIP\":{},"
                + "\"f:podIPs\":{},\"f:startTime\":{}}},\"subresource\":\"status\"}]},"
                + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"registry.example/app:1.0\",\"ports\":[{\"name\":\"http\","
                + "\"containerPort\":8080,\"protocol\":\"TCP\"}],\"resources\":{},\"terminationMessagePath\":\"/dev/termination-log\","
                + "\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}],\"restartPolicy\":\"Always\","
                + "\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\",\"serviceAccountName\":\"default\","
                + "\"nodeName\":\"node-" + (n % 200) + "\",\"schedulerName\":\"default-scheduler\",\"enableServiceLinks\":true},"
                + "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Initialized\",\"status\":\"True\",\"lastTransitionTime\":" + time + "},"
                + "{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":" + time + "},{\"type\":\"ContainersReady\",\"status\":\"True\","
                + "\"lastTransitionTime\":" + time + "},{\"type\":\"PodScheduled\",\"status\":\"True\",\"lastTransitionTime\":" + time + "}],"
                + "\"hostIP\":\"192.168." + (n % 200 / 256) + "." + (n % 200) + "\",\"podIP\":\"" + ip + "\",\"podIPs\":[{\"ip\":\"" + ip + "\"}],"
                + "\"startTime\":" + time + ",\"containerStatuses\":[{\"name\":\"app\",\"state\":{\"running\":{\"startedAt\":" + time + "}},"
                + "\"lastState\":{},\"ready\":true,\"restartCount\":0,\"image\":\"registry.example/app:1.0\",\"imageID\":\"\","
                + "\"containerID\":\"containerd://" + uid(n, 6).replace("-", "") + "\",\"started\":true}],\"qosClass\":\"BestEffort\"}}";
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
                    .append(podName(i, e)).append("\",\"uid\":\"")
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
