package io.clusterdns.k8s.webhook;

import io.clusterdns.k8s.informer.ClientFactory;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.Base64;

/**
 * Writes the webhook's serving certificate as a {@code kubernetes.io/tls} Secret, for the env
 * injector's {@code certs --secret} (the certificate bootstrap Job). Here because {@code k8s} is
 * the only module that touches fabric8 types.
 */
public final class TlsSecrets {
    private TlsSecrets() {
    }

    /**
     * Creates the Secret {@code namespace/name} with {@code tls.crt}, {@code tls.key} and
     * {@code ca.crt}, or replaces the data of the existing one (last writer wins: a rerun of the Job
     * is a renewal).
     *
     * @throws IllegalStateException with a message fit for the user when the API server refuses
     */
    public static void apply(ClusterConnection connection, String namespace, String name, byte[] certificatePem, byte[] keyPem,
                             byte[] caPem) {
        Base64.Encoder b64 = Base64.getEncoder();
        Secret secret = new SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withType("kubernetes.io/tls")
                .addToData("tls.crt", b64.encodeToString(certificatePem))
                .addToData("tls.key", b64.encodeToString(keyPem))
                .addToData("ca.crt", b64.encodeToString(caPem))
                .build();
        try (KubernetesClient client = ClientFactory.create(connection)) {
            client.secrets().inNamespace(namespace).resource(secret).createOr(NonDeletingOperation::update);
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot write Secret " + namespace + "/" + name + ": " + e.getMessage(), e);
        }
    }
}
