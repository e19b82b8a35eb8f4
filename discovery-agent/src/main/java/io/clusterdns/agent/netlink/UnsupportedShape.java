package io.clusterdns.agent.netlink;

/**
 * A rule, set or element the netlink encoder does not know how to write exactly as nft would;
 * {@link NetlinkNft} then applies that transaction through {@code nft -f} instead.
 */
public final class UnsupportedShape extends RuntimeException {
    public UnsupportedShape(String what) {
        super("no netlink encoding for " + what, null, false, false);
    }
}
