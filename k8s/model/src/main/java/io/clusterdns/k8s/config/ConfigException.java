package io.clusterdns.k8s.config;

/**
 * A configuration value that cannot be used, the one error type of every command line and of the
 * Corefile. The message is a complete line: where the value came from, then the problem, such as
 * {@code --ttl: must be 0..3600, got "9000"} or {@code Corefile:12: cache/success: capacity must
 * be a whole number, got "lots"}.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String where;

    /**
     * @param where   the option ({@code --ttl}) or place ({@code Corefile:12: cache/success}) the
     *                bad value belongs to
     * @param problem what is wrong, echoing the value as the user typed it
     */
    public ConfigException(String where, String problem) {
        super(where + ": " + problem);
        this.where = where;
    }

    public ConfigException(String where, String problem, Throwable cause) {
        super(where + ": " + problem, cause);
        this.where = where;
    }

    /** The option or place the bad value belongs to, such as {@code --ttl}. */
    public String option() {
        return where;
    }

    /** The problem without the place. */
    public String problem() {
        return getMessage().substring(where.length() + 2);
    }
}
