package io.clusterdns.agent.status;

import io.clusterdns.k8s.model.ServiceKey;

/** What a health check node port answers for: the service and how many ready endpoints run on this node. */
public record ServiceHealth(ServiceKey service, int localEndpoints) {
}
