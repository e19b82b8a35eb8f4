package io.clusterdns.server;

/**
 * An invalid configuration value, named after the command-line option that carries it so the
 * message reads as a complete one-line error: {@code --ttl: must be 0..3600, got 9000}.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String option;

    public ConfigException(String option, String problem) {
        super(option + ": " + problem);
        this.option = option;
    }

    /** The option the bad value belongs to, such as {@code --ttl}. */
    public String option() {
        return option;
    }
}
