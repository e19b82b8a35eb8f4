/**
 * The netlink backend of the {@link io.clusterdns.agent.kernel.Nft} port: each nftables
 * transaction as one nf_tables netlink batch, encoded exactly as nft 1.0.6 encodes the same text,
 * over a {@code NETLINK_NETFILTER} socket opened through JNA; and conntrack cleanup over ctnetlink.
 */
package io.clusterdns.agent.netlink;
