/**
 * The nftables rule model and its pure rendering: states and node context → fragments
 * ({@link io.clusterdns.agent.nft.ServiceRules}, {@link io.clusterdns.agent.nft.BaseRules},
 * incrementally through {@link io.clusterdns.agent.nft.FamilyRenderer}) → {@link io.clusterdns.agent.nft.NftModel}
 * → text ({@link io.clusterdns.agent.nft.RulesetText}, {@link io.clusterdns.agent.nft.NftScripts}).
 * Depends only on {@code model}, and does no process or file I/O (ArchitectureTest): running nft is
 * {@code kernel}'s job.
 */
package io.clusterdns.agent.nft;
