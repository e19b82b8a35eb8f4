package io.clusterdns.k8s.testing;

/**
 * Manifest text for the scaling tests of both components (dns-server answers, discovery-agent
 * DNAT targets): the same Deployment-backed Service, so that "change replicas in the file" means
 * the same edit in both.
 */
public final class WorkloadManifests {
    private WorkloadManifests() {}

    /** Service {@code web} (ClusterIP {@code clusterIp}, port 80 → container port "http" 8080) and its Deployment. */
    public static String web(String clusterIp, int replicas) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: default}
                spec:
                  clusterIP: %s
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers: [{name: web, image: nginx:1.27, ports: [{name: http, containerPort: 8080}]}]
                """.formatted(clusterIp, replicas);
    }
}
