package io.clusterdns.envinjector;

import io.clusterdns.k8s.manifest.ManifestSnapshots;
import io.clusterdns.k8s.model.ClusterSnapshot;

/**
 * The cluster most tests use. Conventions: service IPs from the k8s module's service CIDR
 * 10.96.0.0/12 (and fd00:10:96::/112), zone {@code cluster.local}; namespace {@code shop} opts in
 * with its label, {@code payments} and {@code plain} do not.
 *
 * <pre>
 * default/kubernetes     10.96.0.1           https 443
 * shop/redis-primary     10.96.0.11          6379 (unnamed)          → 7 variables
 * shop/web               10.96.0.20          http 80, https 443, metrics 9090 → 18 variables
 * shop/mongo             headless            mongo 27017
 * shop/db                ExternalName        db.example.com
 * payments/api           10.96.1.10          http 8080
 * payments/ledger        fd00:10:96::120, 10.96.1.20   grpc 9000
 * plain/echo             10.96.2.10          http 80
 * </pre>
 */
final class TestCluster {
    static final String YAML = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                clusterdns.io/env-injection: enabled
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: payments
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: plain
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: kubernetes, namespace: default}
            spec:
              clusterIP: 10.96.0.1
              ports: [{name: https, port: 443, targetPort: 6443}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: redis-primary, namespace: shop}
            spec:
              clusterIP: 10.96.0.11
              selector: {app: redis}
              ports: [{port: 6379}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              clusterIP: 10.96.0.20
              selector: {app: web}
              ports:
              - {name: http, port: 80}
              - {name: https, port: 443}
              - {name: metrics, port: 9090}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: mongo, namespace: shop}
            spec:
              clusterIP: None
              selector: {app: mongo}
              ports: [{name: mongo, port: 27017}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec:
              type: ExternalName
              externalName: db.example.com
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: payments}
            spec:
              clusterIP: 10.96.1.10
              selector: {app: api}
              ports: [{name: http, port: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: ledger, namespace: payments}
            spec:
              clusterIP: fd00:10:96::120
              clusterIPs: [fd00:10:96::120, 10.96.1.20]
              ipFamilyPolicy: RequireDualStack
              selector: {app: ledger}
              ports: [{name: grpc, port: 9000}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: echo, namespace: plain}
            spec:
              clusterIP: 10.96.2.10
              selector: {app: echo}
              ports: [{name: http, port: 80}]
            """;

    private TestCluster() {
    }

    static ClusterSnapshot snapshot() {
        return ManifestSnapshots.parse(YAML);
    }

    static ServiceCatalog catalog() {
        return ServiceCatalog.of(snapshot());
    }
}
