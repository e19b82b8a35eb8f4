package io.clusterdns.agent.kernel;

/**
 * How the agent talks to nftables: the real binary ({@link ProcessNft}) or, in unit tests, a fake.
 * Calls block; the sync loop makes them from its own thread, never from an event loop.
 */
public interface Nft {

    /** Runs {@code script} as one transaction ({@code nft -f -}): all of it applies, or nothing. */
    NftResult apply(String script);

    /** Runs a read-only command such as {@code list chains ip}. */
    NftResult list(String... args);
}
