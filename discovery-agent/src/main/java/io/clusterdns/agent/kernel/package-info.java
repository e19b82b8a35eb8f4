/**
 * The agent's only way into the kernel: the ports {@link io.clusterdns.agent.kernel.Nft} and
 * {@link io.clusterdns.agent.kernel.Conntrack} with what goes through them
 * ({@link io.clusterdns.agent.kernel.NftResult}, {@link io.clusterdns.agent.kernel.ConntrackFilter}),
 * and their implementations that run the {@code nft} and {@code conntrack} binaries
 * ({@link io.clusterdns.agent.kernel.ProcessNft}, {@link io.clusterdns.agent.kernel.ProcessConntrack},
 * {@link io.clusterdns.agent.kernel.ProcessPipes}). Depends on nothing else in the agent; unit
 * tests replace the ports with fakes.
 */
package io.clusterdns.agent.kernel;
