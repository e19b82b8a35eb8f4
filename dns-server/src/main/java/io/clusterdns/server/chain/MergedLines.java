package io.clusterdns.server.chain;

/**
 * A plugin whose several lines in one server block are one chain link, their rules in the order
 * written, as CoreDNS reads all of a plugin's lines in one setup ({@code log}, {@code acl}: the
 * first rule that matches decides, across lines).
 *
 * @param <T> the config type itself
 */
public interface MergedLines<T extends MergedLines<T>> extends PluginConfig {
    /** This config followed by the rules of {@code later}, a line written after it. */
    T and(T later);
}
