package io.clusterdns.server.chain;

/**
 * One plugin's validated configuration in one server block, read from the Corefile (or built from
 * the command line's flags): a record per plugin, in the plugin's own package.
 */
public interface PluginConfig {
    /** The plugin's name as written in the Corefile. */
    String name();

    /**
     * What the line configures, without where it was written: equal keys answer alike. A reload
     * compares them (the cache keeps its entries only while every plugin after it is set up as
     * before), and a line that only moved in the file must not count as changed.
     */
    default Object setupKey() {
        return this;
    }
}
