package io.clusterdns.agent.netlink;

import io.clusterdns.agent.kernel.Nft;
import io.clusterdns.agent.kernel.NftResult;
import io.clusterdns.agent.nft.NftOp;
import io.clusterdns.agent.nft.NftTransaction;
import io.clusterdns.agent.nft.Rule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nftables backend that talks to the kernel directly: each transaction is one nf_tables
 * netlink batch (BATCH_BEGIN, the commands, BATCH_END) which the kernel applies atomically, all
 * or nothing, exactly as it applies {@code nft -f}. Nothing is read back on the sync path: after
 * the batch a GETGEN request with NLM_F_ACK serves as a barrier (the kernel handles a batch within
 * the send call, so every error of the batch is queued before the barrier's answer).
 *
 * <p>Reads ({@link #list}) and text-only scripts (the {@code --cleanup} script) still go through
 * the {@code nft} binary, as does a transaction holding a shape the encoder does not know
 * ({@link UnsupportedShape}; logged once per shape, never silently different).
 */
public final class NetlinkNft implements Nft, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetlinkNft.class);
    static final int NETLINK_NETFILTER = 12;

    private final NetlinkSocket socket;
    private final Nft cli;
    private final BatchEncoder encoder = new BatchEncoder();
    private final ByteBuffer receive = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.nativeOrder());
    private final NlWriter barrier = new NlWriter(64);
    private final java.util.Set<String> fellBack = new java.util.HashSet<>();
    private int seq = 1;
    private BatchTimings last;

    /** The last batch: its size and where its time went (nanoseconds), for the debug log and the benchmark. */
    public record BatchTimings(int messages, int bytes, long encode, long kernel, long kernelCpu, long answers) {
        @Override
        public String toString() {
            return String.format("%d messages, %d bytes; encoded in %.2f ms, applied by the kernel (send) in %.2f ms (%.2f ms of CPU),"
                    + " answers in %.2f ms", messages, bytes, encode / 1e6, kernel / 1e6, kernelCpu / 1e6, answers / 1e6);
        }
    }

    /** CPU time of this thread (the send's kernel work runs on it), -1 where the JVM cannot tell. */
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private NetlinkNft(NetlinkSocket socket, Nft cli) {
        this.socket = socket;
        this.cli = cli;
    }

    /**
     * @param netns the network namespace file to work in (tests), or null for the agent's own
     * @param cli   the {@code nft} binary, for listings and fallbacks
     */
    public static NetlinkNft open(Path netns, Nft cli) throws IOException {
        return new NetlinkNft(NetlinkSocket.open(NETLINK_NETFILTER, netns, Duration.ofSeconds(60)), cli);
    }

    @Override
    public NftResult apply(String script) {
        return cli.apply(script);
    }

    @Override
    public NftResult list(String... args) {
        return cli.list(args);
    }

    @Override
    public synchronized NftResult apply(NftTransaction transaction) {
        if (transaction.ops().isEmpty()) {
            return transaction.script().isEmpty() ? new NftResult.Ok("") : cli.apply(transaction.script());
        }
        if (seq > 1 << 30) {
            seq = 1; // sequence numbers only need to differ from the last batch's
        }
        long t0 = System.nanoTime();
        BatchEncoder.Batch batch;
        try {
            batch = encoder.encode(transaction.ops(), seq);
        } catch (UnsupportedShape | IllegalStateException | IllegalArgumentException e) {
            // a shape without encoding, or a value beyond a netlink limit (64 KiB attribute, 255-byte userdata)
            if (fellBack.add(e.getMessage())) {
                LOG.warn("{}: this transaction (and any other with it) goes through nft -f", e.getMessage());
            }
            return cli.apply(transaction.script());
        }
        seq = batch.lastSeq() + 2;
        try {
            long c1 = THREADS.getCurrentThreadCpuTime();
            long t1 = System.nanoTime();
            socket.send(batch.bytes());
            long t2 = System.nanoTime();
            long c2 = THREADS.getCurrentThreadCpuTime();
            int barrierSeq = seq++;
            barrier.reset();
            int m = barrier.begin(NfTables.type(NfTables.MSG_GETGEN), NlWriter.NLM_F_REQUEST | NlWriter.NLM_F_ACK, barrierSeq, 0, 0);
            barrier.end(m);
            socket.send(barrier.flip());
            NftResult r = answers(batch, barrierSeq);
            last = new BatchTimings(batch.lastSeq() - batch.firstSeq() + 2, batch.bytes().limit(), t1 - t0, t2 - t1, c1 < 0 ? -1 : c2 - c1,
                    System.nanoTime() - t2);
            LOG.debug("netlink batch: {}", last);
            return r;
        } catch (IOException e) {
            return new NftResult.Failed(-1, e.getMessage());
        }
    }

    /** Reads until the barrier's acknowledgement; any error of the batch means none of it applied. */
    private NftResult answers(BatchEncoder.Batch batch, int barrierSeq) throws IOException {
        List<String> errors = new ArrayList<>();
        while (true) {
            int n = socket.receive(receive);
            int at = 0;
            while (at + 16 <= n) {
                int len = receive.getInt(at);
                int type = receive.getShort(at + 4) & 0xffff;
                if (len < 16 || at + len > n) {
                    throw new IOException("malformed netlink answer (" + len + " bytes at " + at + " of " + n + ")");
                }
                if (type == NfTables.NLMSG_ERROR && len >= 36) {
                    int errno = -receive.getInt(at + 16);
                    int origSeq = receive.getInt(at + 20 + 8);
                    if (origSeq == barrierSeq) {
                        return errors.isEmpty() ? new NftResult.Ok("")
                                : new NftResult.Failed(1, String.join("\n", errors));
                    }
                    if (errno != 0 && origSeq >= batch.firstSeq() && origSeq <= batch.lastSeq() + 1) {
                        errors.add(describe(batch.op(origSeq)) + ": " + Errno.describe(errno));
                    }
                }
                at += (len + 3) & ~3;
            }
        }
    }

    /** The command in nft's words, for the one error line. */
    static String describe(NftOp op) {
        if (op == null) {
            return "netlink batch";
        }
        String t = op.family().nft() + " " + io.clusterdns.agent.nft.Names.TABLE;
        if (op instanceof NftOp.AddTable) {
            return "add table " + t;
        } else if (op instanceof NftOp.DeleteTable) {
            return "delete table " + t;
        } else if (op instanceof NftOp.AddChain c) {
            return "add chain " + t + " " + c.name();
        } else if (op instanceof NftOp.DeleteChain c) {
            return "delete chain " + t + " " + c.name();
        } else if (op instanceof NftOp.FlushChain c) {
            return "flush chain " + t + " " + c.name();
        } else if (op instanceof NftOp.AddRule r) {
            Rule rule = r.rule();
            return "add rule " + t + " " + r.chain() + " " + rule.render(op.family());
        } else if (op instanceof NftOp.AddContainer c) {
            return "add " + c.def().keyword() + " " + t + " " + c.def().name();
        } else if (op instanceof NftOp.FlushContainer c) {
            return "flush " + c.def().keyword() + " " + t + " " + c.def().name();
        } else if (op instanceof NftOp.DeleteContainer c) {
            return "delete set " + t + " " + c.name();
        } else if (op instanceof NftOp.Elements e) {
            return (e.delete() ? "delete" : "add") + " element " + t + " " + e.container() + " (" + e.elements().size()
                    + " elements, first " + e.elements().get(0).keyText() + ")";
        }
        return op.toString();
    }

    /** The last batch sent, or null. */
    public synchronized BatchTimings lastBatch() {
        return last;
    }

    @Override
    public void close() {
        socket.close();
    }
}
