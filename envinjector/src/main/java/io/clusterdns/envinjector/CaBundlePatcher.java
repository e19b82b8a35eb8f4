package io.clusterdns.envinjector;

import io.clusterdns.k8s.informer.ClientFactory;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;

/**
 * Writes a caBundle into every webhook of a MutatingWebhookConfiguration, through the client the
 * {@code k8s} module builds. The one place in this module that touches fabric8 types, and only
 * for the {@code certs} subcommand; the webhook's request path never does. (It belongs in
 * {@code k8s} next to {@link ClientFactory}; see the README's follow-ups.)
 */
final class CaBundlePatcher {
    private CaBundlePatcher() {
    }

    /**
     * Sets {@code caBundle} (base64 PEM) on every webhook of {@code configName}.
     *
     * @return how many webhooks were updated
     * @throws IllegalStateException with a message fit for the user when the configuration does not
     *                               exist or the API server refuses
     */
    static int patch(ClusterConnection connection, String configName, String caBundle) {
        try (KubernetesClient client = ClientFactory.create(connection)) {
            Resource<MutatingWebhookConfiguration> resource =
                    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(configName);
            MutatingWebhookConfiguration current = resource.get();
            if (current == null) {
                throw new IllegalStateException("MutatingWebhookConfiguration " + configName
                        + " not found: apply k8s/deploy/envinjector/ first");
            }
            int webhooks = current.getWebhooks() == null ? 0 : current.getWebhooks().size();
            if (webhooks == 0) {
                throw new IllegalStateException("MutatingWebhookConfiguration " + configName + " has no webhooks");
            }
            resource.edit(c -> {
                for (MutatingWebhook w : c.getWebhooks()) {
                    w.getClientConfig().setCaBundle(caBundle);
                }
                return c;
            });
            return webhooks;
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot update MutatingWebhookConfiguration " + configName + ": " + e.getMessage(), e);
        }
    }
}
