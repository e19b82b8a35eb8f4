package io.clusterdns.agent.nft;

import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/** Lets the test harness reuse {@link ProcessNft}'s stream draining. */
public final class ProcessNftAccess {
    private ProcessNftAccess() {
    }

    public static CompletableFuture<byte[]> drain(InputStream in) {
        return ProcessNft.drain(in);
    }
}
