/**
 * What the rules are made from: one service port's state ({@link io.clusterdns.agent.model.ServicePortState},
 * built from a Service and its EndpointSlices by {@link io.clusterdns.agent.model.DesiredStateBuilder}),
 * kube-proxy's endpoint selection ({@link io.clusterdns.agent.model.EndpointCategories}) and the
 * node's settings ({@link io.clusterdns.agent.model.NodeNetwork}, one
 * {@link io.clusterdns.agent.model.NodeContext} per family). Pure values; depends on no other agent package.
 */
package io.clusterdns.agent.model;
