package io.clusterdns.agent.nft;

import io.clusterdns.agent.lb.NameDigest;

/**
 * Where a service port's slots live in the {@code dnat-slots} map: a block of
 * {@link #BLOCK} slot numbers chosen by a hash of the owner ({@code ns/name/proto/port}), the
 * first half for the cluster-wide pick ({@code service-X}), the second for the local one
 * ({@code local-X}). A hash rather than a counter so that a service port's slots are the same
 * whatever else is in the cluster, on every node and after every restart, and rendering stays a
 * function of the service port alone. Two owners whose blocks coincide (about one pair among
 * 10,000 service ports) both pick inline instead; {@link FamilyRenderer} tracks that.
 */
public final class DnatSlotBlocks {
    /** Endpoints one pick can spread over through the map; bigger services pick otherwise. */
    public static final int SLOTS_PER_PICK = 16;
    static final int BLOCK = 2 * SLOTS_PER_PICK;
    /** 2^26 blocks of 32 slots: every offset is a non-negative int. */
    static final int BLOCKS = 1 << 26;
    /**
     * Maps per protocol. The kernel pays per map O(rules bound to it × its elements): binding a
     * data map walks its bindings ({@code nf_tables_bind_set}), and every element added walks
     * them again to validate its data against each binding ({@code nft_add_set_elem}). With R
     * service ports and E slots over S maps that is R·E/S: one map made a fresh 10,000-service
     * table cost the kernel 7.8 s, 16 maps 1.4 s (load 15), of which ~0.4 s of CPU was still
     * that per-element walk (50,000 slots × 625 bindings); 128 maps cut it eightfold. The
     * price is empty maps (cheap: a set header each) and longer {@code nft list} output.
     */
    public static final int SHARDS = 128;

    private DnatSlotBlocks() {
    }

    /** The owner's block number. */
    public static int block(String owner) {
        return blockOf(NameDigest.sha256(owner));
    }

    /** The block of the owner whose SHA-256 this is. */
    static int blockOf(byte[] h) {
        int v = (h[0] & 0xff) << 24 | (h[1] & 0xff) << 16 | (h[2] & 0xff) << 8 | (h[3] & 0xff);
        return v & (BLOCKS - 1);
    }

    /** Which of the protocol's {@link #SHARDS} maps holds the owner's slots. */
    public static int shard(String owner) {
        return shardOf(block(owner));
    }

    /** Which of the protocol's {@link #SHARDS} maps holds the slots of {@code block}. */
    static int shardOf(int block) {
        return block % SHARDS;
    }

    /** The first slot of the owner's cluster-wide ({@code local} false) or local pick. */
    static int offset(String owner, boolean local) {
        return offsetOf(block(owner), local);
    }

    /** The first slot of a cluster-wide ({@code local} false) or local pick in {@code block}. */
    static int offsetOf(int block, boolean local) {
        return block * BLOCK + (local ? SLOTS_PER_PICK : 0);
    }
}
