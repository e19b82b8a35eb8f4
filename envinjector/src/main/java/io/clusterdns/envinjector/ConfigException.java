package io.clusterdns.envinjector;

/** A configuration value that cannot be used; the message starts with the option it came from. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String option;

    public ConfigException(String option, String message) {
        super(option + ": " + message);
        this.option = option;
    }

    public String option() {
        return option;
    }
}
