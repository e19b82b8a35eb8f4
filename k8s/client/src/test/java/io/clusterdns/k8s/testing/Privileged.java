package io.clusterdns.k8s.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What tests that need more than a JVM check first (shipped in the k8s test-jar for every
 * module's tests): root, network namespaces, an external tool, a machine feature such as an IPv6
 * loopback. Without it a test skips with the reason, so that a developer's laptop stays green;
 * with {@code CLUSTERDNS_REQUIRE_PRIVILEGED=1} (CI, which has them all) it fails instead, so that
 * a broken CI machine cannot pass by skipping.
 */
public final class Privileged {
    public static final String REQUIRE_ENV = "CLUSTERDNS_REQUIRE_PRIVILEGED";
    private static final List<String> PATH = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin");

    private Privileged() {
    }

    /** True when missing privileges or tools fail tests instead of skipping them. */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRE_ENV));
    }

    /** Skips the test with {@code reason}, or fails it under {@code CLUSTERDNS_REQUIRE_PRIVILEGED=1}. */
    public static void skipOrFail(String reason) {
        if (required()) {
            throw new AssertionError(reason + " (" + REQUIRE_ENV + "=1 turns this skip into a failure)");
        }
        Assumptions.abort(reason);
    }

    /** {@link #skipOrFail} unless {@code condition} holds. */
    public static void require(boolean condition, String reason) {
        if (!condition) {
            skipOrFail(reason);
        }
    }

    /** Skips (or fails) unless the test runs as root; {@code why} says what needs it. */
    public static void requireRoot(String why) {
        String uid = uid();
        require("0".equals(uid), why + " need root (uid is " + uid + ")");
    }

    /**
     * The tool's path; skips (or fails) when it is not installed, naming the Debian package that
     * has it.
     */
    public static String requireTool(String name, String debianPackage) {
        String path = which(name);
        if (path == null) {
            skipOrFail(name + " is not installed (Debian: apt-get install " + debianPackage + ")");
        }
        return path;
    }

    /** The tool's path in the usual system folders, or null. */
    public static String which(String name) {
        for (String dir : PATH) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** The effective uid, as {@code id -u} prints it ("?" when it cannot be run). */
    private static String uid() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
