package io.clusterdns.agent.nft;

/** Shares the test clusters of this package with the network namespace tests. */
public final class NftScriptsTestAccess {
    private NftScriptsTestAccess() {
    }

    public static String changedCluster() {
        return NftScriptsTest.CHANGED;
    }
}
