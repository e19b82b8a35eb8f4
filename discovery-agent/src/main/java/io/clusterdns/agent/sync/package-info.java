/**
 * Keeping the kernel in line with the cluster: the loop ({@link io.clusterdns.agent.sync.SyncLoop})
 * and one sync ({@link io.clusterdns.agent.sync.RuleSyncer}: render, one nft transaction, conntrack
 * cleanup, then health and metrics). Uses {@code model}, {@code nft}, the {@code kernel} ports and
 * reports through {@code status}.
 */
package io.clusterdns.agent.sync;
