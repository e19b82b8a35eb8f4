/**
 * What the sync loop reports and the HTTP endpoints serve: {@link io.clusterdns.agent.status.AgentMetrics}
 * (Prometheus), {@link io.clusterdns.agent.status.ProxierHealth} (/healthz) and
 * {@link io.clusterdns.agent.status.ServiceHealth} (health check node ports). Both {@code sync} (the
 * writer) and {@code http} (the reader) depend on this package, never on each other.
 */
package io.clusterdns.agent.status;
