package io.clusterdns.server.chain;

/**
 * One plugin's validated configuration in one server block, read from the Corefile (or built from
 * the command line's flags): a record per plugin, in the plugin's own package.
 */
public interface PluginConfig {
    /** The plugin's name as written in the Corefile. */
    String name();
}
