/**
 * The agent's way into the kernel: the ports {@link io.clusterdns.agent.kernel.Nft} and
 * {@link io.clusterdns.agent.kernel.Conntrack} with what goes through them
 * ({@link io.clusterdns.agent.kernel.NftResult}, {@link io.clusterdns.agent.kernel.ConntrackFilter}),
 * and their implementations that run the {@code nft} and {@code conntrack} binaries
 * ({@link io.clusterdns.agent.kernel.ProcessNft}, {@link io.clusterdns.agent.kernel.ProcessConntrack},
 * {@link io.clusterdns.agent.kernel.ProcessPipes}). Depends only on the transactions it carries
 * ({@code io.clusterdns.agent.nft.NftTransaction}); the netlink implementations live in
 * {@code io.clusterdns.agent.netlink}; unit tests replace the ports with fakes.
 */
package io.clusterdns.agent.kernel;
