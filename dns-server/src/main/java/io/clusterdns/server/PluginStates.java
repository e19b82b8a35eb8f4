package io.clusterdns.server;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State that outlives one configuration. A reload gives a plugin whose setup did not change the
 * state its predecessor had (the cache's entries, the forwarder's upstream connections and health
 * checks), so that editing one line of the Corefile does not empty every cache in the cluster;
 * state that no plugin asks for any more is closed once the new configuration serves.
 *
 * <p>Used by one apply at a time ({@link DnsServer} holds its lock): {@link #begin()}, then
 * {@link #get} for each plugin of the new configuration, then {@link #commit()} once it serves, or
 * {@link #abort()} if it could not be applied (the state it created is closed, the running
 * configuration's is kept).
 */
final class PluginStates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PluginStates.class);

    private Map<Object, Object> current = new HashMap<>();
    private Map<Object, Object> next;

    void begin() {
        next = new HashMap<>();
    }

    /**
     * The state kept under {@code key}, made by {@code create} when no running plugin has it.
     * The key holds everything the state depends on (the block's zones, the plugin's config), so
     * a changed setup gets new state.
     */
    <T> T get(Object key, Class<T> type, Supplier<T> create) {
        Object state = next.get(key);
        if (state == null) {
            state = current.get(key);
            if (state == null) {
                state = create.get();
            }
            next.put(key, state);
        }
        return type.cast(state);
    }

    /** The new configuration serves: state it did not ask for is closed. */
    void commit() {
        current.forEach((key, state) -> {
            if (next.get(key) != state) {
                closeQuietly(state);
            }
        });
        current = next;
        next = null;
    }

    /** The new configuration was not applied: state it created is closed, the running one's kept. */
    void abort() {
        next.forEach((key, state) -> {
            if (current.get(key) != state) {
                closeQuietly(state);
            }
        });
        next = null;
    }

    @Override
    public void close() {
        current.values().forEach(PluginStates::closeQuietly);
        current = new HashMap<>();
    }

    private static void closeQuietly(Object state) {
        if (state instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", state, e.toString());
            }
        }
    }
}
