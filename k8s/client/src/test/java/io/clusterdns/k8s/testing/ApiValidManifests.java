package io.clusterdns.k8s.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Objects every API server stores but clusterdns once refused to start on (shipped in the k8s
 * test-jar, so each server's test starts on the same folder): an EndpointSlice without the
 * {@code kubernetes.io/service-name} label, an {@code FQDN} EndpointSlice, and a headless Service
 * with {@code publishNotReadyAddresses: true}.
 *
 * <p>Conventions: namespace {@code shop} (env injection enabled), node {@value #NODE}, pods on
 * 10.244.1.0/24. {@code db} (headless, publishNotReadyAddresses) and {@code db-ready} (headless,
 * the same pods) select db-0 ({@value #DB_READY_IP}, Ready) and db-1 ({@value #DB_NOT_READY_IP},
 * Running but not Ready). {@code web} is a ClusterIP service on {@value #WEB_IP}:80 → web-0
 * ({@value #WEB_POD_IP}:8080). The label-less slice holds {@value #UNOWNED_IP}, which no answer
 * or rule may contain; the FQDN slice names {@code db}, which must not change db's endpoints.
 */
public final class ApiValidManifests {
    public static final String NODE = "n";
    public static final String NAMESPACE = "shop";
    public static final String WEB_IP = "10.96.0.80";
    public static final String WEB_POD_IP = "10.244.1.20";
    public static final String DB_READY_IP = "10.244.1.10";
    public static final String DB_NOT_READY_IP = "10.244.1.11";
    public static final String UNOWNED_IP = "10.244.1.99";

    public static final String YAML = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {clusterdns.io/env-injection: enabled}}
            ---
            # valid: a slice without the service-name label belongs to no Service; proxies and DNS skip it
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: unowned, namespace: shop, labels: {team: payments}}
            addressType: IPv4
            endpoints: [{addresses: [10.244.1.99], nodeName: n}]
            ports: [{name: http, port: 8080, protocol: TCP}]
            ---
            # valid: FQDN slices are used by neither kube-proxy nor DNS
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: db-external, namespace: shop, labels: {kubernetes.io/service-name: db}}
            addressType: FQDN
            endpoints: [{addresses: [db.example.com]}]
            ports: [{name: pg, port: 5432}]
            ---
            # publishNotReadyAddresses: the endpoint controller marks every endpoint ready, so DNS answers db-1 too
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec:
              clusterIP: None
              publishNotReadyAddresses: true
              selector: {app: db}
              ports: [{name: pg, port: 5432}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db-ready, namespace: shop}
            spec:
              clusterIP: None
              selector: {app: db}
              ports: [{name: pg, port: 5432}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              clusterIP: 10.96.0.80
              selector: {app: web}
              ports: [{name: http, port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: db-0, namespace: shop, labels: {app: db}}
            spec: {nodeName: n, containers: [{name: pg, image: postgres}]}
            status: {phase: Running, conditions: [{type: Ready, status: "True"}], podIP: 10.244.1.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: db-1, namespace: shop, labels: {app: db}}
            spec: {nodeName: n, containers: [{name: pg, image: postgres}]}
            status: {phase: Running, conditions: [{type: Ready, status: "False"}], podIP: 10.244.1.11}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web-0, namespace: shop, labels: {app: web}}
            spec: {nodeName: n, containers: [{name: web, image: nginx}]}
            status: {phase: Running, conditions: [{type: Ready, status: "True"}], podIP: 10.244.1.20}
            """;

    private ApiValidManifests() {
    }

    /** Writes {@link #YAML} as {@code dir/cluster.yaml} and returns {@code dir}. */
    public static Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("cluster.yaml"), YAML);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
