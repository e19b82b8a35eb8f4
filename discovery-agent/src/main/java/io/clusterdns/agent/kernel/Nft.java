package io.clusterdns.agent.kernel;

/**
 * How the agent talks to nftables: the real binary ({@link ProcessNft}), nf_tables netlink batches
 * ({@code io.clusterdns.agent.netlink.NetlinkNft}) or, in unit tests, a fake.
 * Calls block; the sync loop makes them from its own thread, never from an event loop.
 */
public interface Nft {

    /** Runs {@code script} as one transaction ({@code nft -f -}): all of it applies, or nothing. */
    NftResult apply(String script);

    /**
     * Runs one transaction given both as text and as commands; a backend that speaks netlink
     * encodes the commands, this default runs the text.
     */
    default NftResult apply(io.clusterdns.agent.nft.NftTransaction transaction) {
        return apply(transaction.script());
    }

    /** Runs a read-only command such as {@code list chains ip}. */
    NftResult list(String... args);
}
