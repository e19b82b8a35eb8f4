package io.clusterdns.k8s.webhook;

import io.clusterdns.k8s.informer.ClientFactory;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;

/**
 * Writes to MutatingWebhookConfigurations, for the env injector's {@code certs} subcommand. Here
 * because {@code k8s} is the only module that touches fabric8 types.
 */
public final class WebhookConfigurations {
    private WebhookConfigurations() {
    }

    /**
     * Sets {@code caBundle} (base64 PEM) on every webhook of the MutatingWebhookConfiguration
     * {@code name}.
     *
     * @return how many webhooks were updated
     * @throws IllegalStateException with a message fit for the user when the configuration does not
     *                               exist, has no webhooks, or the API server refuses
     */
    public static int setCaBundle(ClusterConnection connection, String name, String caBundle) {
        try (KubernetesClient client = ClientFactory.create(connection)) {
            Resource<MutatingWebhookConfiguration> resource =
                    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name);
            MutatingWebhookConfiguration current = resource.get();
            if (current == null) {
                throw new IllegalStateException("MutatingWebhookConfiguration " + name + " not found: apply k8s/deploy/overlays/envinjector first");
            }
            int webhooks = current.getWebhooks() == null ? 0 : current.getWebhooks().size();
            if (webhooks == 0) {
                throw new IllegalStateException("MutatingWebhookConfiguration " + name + " has no webhooks");
            }
            resource.edit(c -> {
                for (MutatingWebhook w : c.getWebhooks()) {
                    w.getClientConfig().setCaBundle(caBundle);
                }
                return c;
            });
            return webhooks;
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot update MutatingWebhookConfiguration " + name + ": " + e.getMessage(), e);
        }
    }
}
