package io.clusterdns.server.corefile;

import io.clusterdns.k8s.config.ConfigException;

/**
 * The one configuration error type, placed in a Corefile: {@code FILE:LINE: reason}, and for a
 * plugin {@code FILE:LINE: PLUGIN: reason} or {@code FILE:LINE: PLUGIN/OPTION: reason}.
 */
public final class CorefileErrors {
    private CorefileErrors() {
    }

    /** An error at {@code token}'s place. */
    public static ConfigException at(Token token, String problem) {
        return new ConfigException(token.where(), problem);
    }

    /** An error of a plugin's line: {@code FILE:LINE: NAME: reason}. */
    public static ConfigException plugin(Token token, String plugin, String problem) {
        return new ConfigException(token.where() + ": " + plugin, problem);
    }

    /** An error of one option of a plugin: {@code FILE:LINE: NAME/OPTION: reason}. */
    public static ConfigException option(Token token, String plugin, String option, String problem) {
        return new ConfigException(token.where() + ": " + plugin + "/" + option, problem);
    }
}
