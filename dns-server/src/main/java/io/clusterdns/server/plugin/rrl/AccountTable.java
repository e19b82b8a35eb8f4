package io.clusterdns.server.plugin.rrl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * The accounts of rrl: one balance per token (client prefix and what is counted), kept as BIND's
 * and CoreDNS's rrl keep it: the time from which the next response is allowed. Each response
 * moves that time on by the allowance's interval; a response is allowed when it is not in the
 * future. The balance is at most one second's allowance (a burst) and at least {@code window}
 * in debt, so a client that keeps sending more than its rate gets nothing (but its slips) until
 * it slows down.
 *
 * <p>Bounded: at most {@code maxSize} accounts, in striped shards, each a small LRU map under
 * its own monitor, so event loops do not wait on each other (a shard is held for one map
 * operation) and a full shard forgets its least recently used account. An account idle for a
 * second has its full balance, the same as no account: forgetting it loses nothing.
 */
public final class AccountTable implements AutoCloseable {
    private static final int MAX_SHARDS = 64;

    private final Shard[] shards;
    private final int mask;
    private final long window;
    private final int slipRatio;
    private final Runnable onClose;

    /** What happens to the response (or request) just counted. */
    enum Verdict {
        ALLOW,
        DROP,
        /** Over the limit, but this one goes out truncated. */
        SLIP
    }

    /**
     * What one account counts.
     *
     * @param name  the name or zone of the token; null when the kind counts all names together
     * @param qtype the question type, 0 when the kind counts all types together
     */
    record Token(ClientPrefix client, Kind kind, int qtype, Name name) {
        @Override
        public int hashCode() {
            // Name's own hash is case-insensitive, as its equals is
            return ((client.hashCode() * 31 + kind.ordinal()) * 31 + qtype) * 31 + Objects.hashCode(name);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Token t && t.kind == kind && t.qtype == qtype && t.client.equals(client) && Objects.equals(t.name, name);
        }
    }

    private static final class Account {
        long allowTime;
        int slipCountdown;

        Account(long allowTime, int slipCountdown) {
            this.allowTime = allowTime;
            this.slipCountdown = slipCountdown;
        }
    }

    /** An access-ordered map that forgets its eldest account beyond {@code capacity}. */
    private static final class Shard extends LinkedHashMap<Token, Account> {
        private final int capacity;
        private final Runnable onEviction;

        Shard(int capacity, Runnable onEviction) {
            super(16, 0.75f, true);
            this.capacity = capacity;
            this.onEviction = onEviction;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Token, Account> eldest) {
            if (size() > capacity) {
                onEviction.run();
                return true;
            }
            return false;
        }
    }

    /**
     * @param maxSize    accounts kept at most (over all shards)
     * @param onEviction told each time a full shard forgets an account
     * @param onClose    told when the table is no longer used (a reload changed the line)
     */
    AccountTable(int maxSize, long window, int slipRatio, Runnable onEviction, Runnable onClose) {
        int n = Integer.highestOneBit(Math.max(1, Math.min(MAX_SHARDS, maxSize / 16)));
        this.shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard(maxSize / n, onEviction);
        }
        this.mask = n - 1;
        this.window = window;
        this.slipRatio = slipRatio;
        this.onClose = onClose;
    }

    /**
     * Counts one response (or request) of {@code token}, whose allowance is one per
     * {@code interval} nanoseconds, at {@code now} ({@link System#nanoTime()} or a test's clock).
     */
    Verdict debit(Token token, long interval, long now) {
        int h = token.hashCode();
        Shard shard = shards[(h ^ (h >>> 16)) & mask];
        synchronized (shard) {
            Account a = shard.get(token);
            if (a == null) {
                // a new account starts with a full second's allowance, this response taken from it
                shard.put(token, new Account(now - RrlConfig.SECOND + interval, slipRatio));
                return Verdict.ALLOW;
            }
            long balance = now - a.allowTime - interval;
            if (balance >= RrlConfig.SECOND) {
                balance = RrlConfig.SECOND - interval;
            } else if (balance < -window) {
                balance = -window;
            }
            a.allowTime = now - balance;
            if (balance >= 0) {
                return Verdict.ALLOW;
            }
            if (a.slipCountdown == 0) {
                return Verdict.DROP;
            }
            if (a.slipCountdown == 1) {
                a.slipCountdown = slipRatio;
                return Verdict.SLIP;
            }
            a.slipCountdown--;
            return Verdict.DROP;
        }
    }

    /** Accounts held now (a gauge: read shard by shard, not one instant). */
    int size() {
        int n = 0;
        for (Shard s : shards) {
            synchronized (s) {
                n += s.size();
            }
        }
        return n;
    }

    @Override
    public void close() {
        onClose.run();
    }
}
