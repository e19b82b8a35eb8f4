package io.clusterdns.envinjector;

import java.util.Objects;

/** One environment variable to inject: a literal name and value (never a {@code valueFrom}). */
public record EnvVar(String name, String value) {
    public EnvVar {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }
}
