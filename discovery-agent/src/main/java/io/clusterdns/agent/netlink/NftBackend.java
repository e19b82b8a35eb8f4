package io.clusterdns.agent.netlink;

import io.clusterdns.agent.kernel.Conntrack;
import io.clusterdns.agent.kernel.Nft;
import io.clusterdns.k8s.config.ConfigException;
import java.io.IOException;
import org.slf4j.LoggerFactory;

/** {@code --nft-backend}: how the agent's transactions reach nf_tables. */
public enum NftBackend {
    /** The {@code nft} binary ({@code nft -f -}), which reads the host's whole ruleset before each transaction. */
    CLI,
    /** One nf_tables netlink batch per transaction ({@link NetlinkNft}), proven equivalent to {@link #CLI}. */
    NETLINK;

    public static final String DEFAULT = "netlink";

    public static NftBackend parse(String value) {
        return switch (value == null ? "" : value.trim()) {
            case "cli" -> CLI;
            case "netlink" -> NETLINK;
            default -> throw new ConfigException("--nft-backend", "expected cli or netlink, got '" + value + "'");
        };
    }

    /**
     * The backend over {@code cli} (the nft binary, also used for listings). An {@code injected}
     * nft (a test's fake) is returned as is: only the real binary may be replaced by a socket.
     */
    public static Nft open(NftBackend backend, Nft cli, boolean injected) throws IOException {
        if (backend == CLI || injected) {
            return cli;
        }
        NetlinkNft netlink = NetlinkNft.open(null, cli);
        LoggerFactory.getLogger(NftBackend.class).info("nftables backend: netlink (one nf_tables batch per transaction)");
        return netlink;
    }

    /**
     * With the netlink backend, conntrack cleanup goes over ctnetlink too (one dump and one
     * datagram of deletes per sync); {@code process} (the conntrack binary) when that socket cannot
     * be opened, or when a test injected its own.
     */
    public static Conntrack conntrack(Conntrack process, boolean injected) {
        if (injected) {
            return process;
        }
        try {
            return NetlinkConntrack.open(null);
        } catch (IOException | LinkageError e) {
            LoggerFactory.getLogger(NftBackend.class).warn("Conntrack cleanup over netlink is unavailable ({}); using the conntrack binary",
                    e.getMessage());
            return process;
        }
    }
}
