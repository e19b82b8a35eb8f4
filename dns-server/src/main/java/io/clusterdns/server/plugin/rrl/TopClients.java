package io.clusterdns.server.plugin.rrl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many queries each client prefix had limited in the current period, for the top-N gauge:
 * counted only when something is limited, for at most {@link #MAX_TRACKED} prefixes a period
 * (spoofed sources cannot grow it further), and started afresh by {@link #rotate}.
 */
final class TopClients {
    static final int MAX_TRACKED = 1024;

    private volatile ConcurrentHashMap<ClientPrefix, LongAdder> counts = new ConcurrentHashMap<>();

    /** One client's query, over its limit. */
    record Entry(ClientPrefix client, long limited) {
    }

    void limited(ClientPrefix client) {
        ConcurrentHashMap<ClientPrefix, LongAdder> m = counts;
        LongAdder c = m.get(client);
        if (c == null) {
            if (m.size() >= MAX_TRACKED) {
                return;
            }
            c = m.computeIfAbsent(client, k -> new LongAdder());
        }
        c.increment();
    }

    /** The {@code n} clients limited most in the period now ending, most first; a new period starts. */
    List<Entry> rotate(int n) {
        Map<ClientPrefix, LongAdder> ended = counts;
        counts = new ConcurrentHashMap<>();
        List<Entry> all = new ArrayList<>(ended.size());
        ended.forEach((client, count) -> all.add(new Entry(client, count.sum())));
        all.sort(Comparator.comparingLong(Entry::limited).reversed().thenComparing(e -> e.client().toString()));
        return List.copyOf(all.subList(0, Math.min(n, all.size())));
    }
}
