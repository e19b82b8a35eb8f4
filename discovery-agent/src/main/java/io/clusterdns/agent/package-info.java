/**
 * The discovery agent's entry and wiring: the command line ({@link io.clusterdns.agent.DiscoveryAgentMain}),
 * the validated configuration ({@link io.clusterdns.agent.AgentConfig}) and the running agent's
 * lifecycle ({@link io.clusterdns.agent.DiscoveryAgent}). It uses every sub-package; no sub-package
 * uses it (ArchitectureTest): each gets what it needs as a small value, such as
 * {@link io.clusterdns.agent.model.NodeNetwork}.
 */
package io.clusterdns.agent;
