/**
 * The agent's HTTP endpoints: {@code /healthz}, {@code /metrics}
 * ({@link io.clusterdns.agent.http.AgentHttpServers}) and the health check node ports
 * ({@link io.clusterdns.agent.http.ServiceHealthServers}). They serve what {@code status} holds and
 * know nothing of the sync loop.
 */
package io.clusterdns.agent.http;
