package io.clusterdns.k8s.manifest;

/** Test helper: compact manifest snippets in the shapes the tests need. */
final class Yaml {
    private Yaml() {
    }

    static String service(String namespace, String name, String spec) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %s, namespace: %s}
                spec: %s
                ---
                """.formatted(name, namespace, spec);
    }

    static String clusterIpService(String name) {
        return service("default", name, "{selector: {app: " + name + "}, ports: [{port: 80}]}");
    }

    /** A Running pod with one IPv4 address and a named http port on 8080. */
    static String pod(String name, String app, String ip, boolean ready) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, labels: {app: %s}}
                spec:
                  nodeName: node-1
                  containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]
                status:
                  phase: Running
                  conditions: [{type: Ready, status: "%s"}]
                  podIPs: [{ip: %s}]
                ---
                """.formatted(name, app, ready ? "True" : "False", ip);
    }
}
