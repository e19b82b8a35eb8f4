package io.clusterdns.k8s.model;

/**
 * {@code targetPort} of a service port: a number, or the name of a container port resolved per
 * endpoint (pods of one service may expose the named port on different numbers).
 */
public record TargetPort(int number, String name) {
    public TargetPort {
        if (name == null && (number < 1 || number > 65535)) {
            throw new IllegalArgumentException("targetPort must be 1..65535, got " + number);
        }
    }

    public static TargetPort of(int number) {
        return new TargetPort(number, null);
    }

    public static TargetPort named(String name) {
        return new TargetPort(0, name);
    }

    public boolean isNamed() {
        return name != null;
    }

    @Override
    public String toString() {
        return isNamed() ? name : Integer.toString(number);
    }
}
