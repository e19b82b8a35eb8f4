package io.clusterdns.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The one version string of every command ({@code --version}, log lines, {@code build_info}
 * metrics): the Maven project version, filtered into {@code build.properties} of this module at
 * build time, so the three servers can never disagree.
 */
public final class BuildVersion {
    private static final String VERSION = load();

    private BuildVersion() {
    }

    /** {@code 0.1.0-SNAPSHOT}; {@code unknown} when run from classes that were not built by Maven. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version", "unknown");
        return v.startsWith("${") ? "unknown" : v;
    }
}
