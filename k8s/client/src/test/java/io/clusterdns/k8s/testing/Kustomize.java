package io.clusterdns.k8s.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders the kustomize overlays of {@code k8s/deploy} as {@code kubectl kustomize} does, for the
 * tests of every module (shipped in the k8s test-jar). The renderer is {@code $CLUSTERDNS_KUBECTL}
 * (what .ci/run installs when the machine has no suitable kubectl), else {@code kubectl} or a
 * standalone {@code kustomize} on the PATH. The overlays use {@code kind: Component}, which needs
 * kustomize v3.7 or newer: Debian bookworm's kubectl 1.20 embeds v2.0.3 and is refused by name.
 * Without a renderer the test skips with the reason, and fails under
 * {@code CLUSTERDNS_REQUIRE_PRIVILEGED=1} (see {@link Privileged}).
 */
public final class Kustomize {
    public static final String KUBECTL_ENV = "CLUSTERDNS_KUBECTL";
    /** The oldest kustomize accepted: v4 (kubectl 1.21) reads Components and the patch syntax used. */
    static final int MIN_MAJOR = 4;
    private static final Pattern KUBECTL_KUSTOMIZE = Pattern.compile("Kustomize Version: (v(\\d+)\\.\\S*)");
    /** kubectl before 1.24 does not print its kustomize version; 1.21 was the first with v4. */
    private static final Pattern KUBECTL_MINOR = Pattern.compile("v1\\.(\\d+)\\.");
    private static final int KUBECTL_MIN_MINOR = 21;
    private static final Pattern STANDALONE = Pattern.compile("v(\\d+)\\.\\d+");

    /** A command line that renders a kustomization folder given as its last argument. */
    record Renderer(List<String> command, String version) {
    }

    private static Renderer renderer;
    private static String unavailable;

    private Kustomize() {
    }

    /** {@code k8s/deploy} of this checkout, found from the module folder the test runs in. */
    public static Path deployDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path deploy = dir.resolve("k8s").resolve("deploy");
            if (Files.isDirectory(deploy.resolve("overlays"))) {
                return deploy;
            }
        }
        throw new AssertionError("no k8s/deploy/overlays above " + Path.of("").toAbsolutePath());
    }

    /** Every overlay folder, sorted by name. */
    public static List<Path> overlays() {
        try (Stream<Path> s = Files.list(deployDir().resolve("overlays"))) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("cannot list the overlays: " + e, e);
        }
    }

    /** The overlay {@code k8s/deploy/overlays/NAME}. */
    public static Path overlay(String name) {
        return deployDir().resolve("overlays").resolve(name);
    }

    /** The rendered YAML stream of {@code kustomization}; skips (or fails) when nothing can render it. */
    public static String render(Path kustomization) {
        Renderer r = requireRenderer();
        try {
            return run(Stream.concat(r.command().stream(), Stream.of(kustomization.toString())).toList(), true);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (kustomize " + r.version() + ")", e);
        }
    }

    private static synchronized Renderer requireRenderer() {
        if (renderer == null && unavailable == null) {
            find();
        }
        if (renderer == null) {
            Privileged.skipOrFail(unavailable);
        }
        return renderer;
    }

    private static void find() {
        StringBuilder why = new StringBuilder();
        String kubectl = System.getenv(KUBECTL_ENV);
        if (kubectl == null || kubectl.isBlank()) {
            kubectl = Privileged.which("kubectl");
        }
        if (kubectl != null) {
            String out = run(List.of(kubectl, "version", "--client"), false);
            Matcher m = KUBECTL_KUSTOMIZE.matcher(out);
            if (m.find() && Integer.parseInt(m.group(2)) >= MIN_MAJOR) {
                renderer = new Renderer(List.of(kubectl, "kustomize"), m.group(1));
                return;
            }
            Matcher minor = KUBECTL_MINOR.matcher(out);
            if (!m.find(0) && minor.find() && Integer.parseInt(minor.group(1)) >= KUBECTL_MIN_MINOR) {
                renderer = new Renderer(List.of(kubectl, "kustomize"), "as embedded in kubectl 1." + minor.group(1));
                return;
            }
            why.append(kubectl).append(" has no kustomize v").append(MIN_MAJOR).append(" or newer (")
                    .append(out.lines().filter(l -> l.contains("ersion")).reduce((a, b) -> a + "; " + b).orElse(out.strip()))
                    .append("); ");
        }
        String kustomize = Privileged.which("kustomize");
        if (kustomize != null) {
            Matcher m = STANDALONE.matcher(run(List.of(kustomize, "version"), false));
            if (m.find() && Integer.parseInt(m.group(1)) >= MIN_MAJOR) {
                renderer = new Renderer(List.of(kustomize, "build"), m.group());
                return;
            }
            why.append(kustomize).append(" is older than v").append(MIN_MAJOR).append("; ");
        }
        unavailable = why + "no kubectl with kustomize v" + MIN_MAJOR + "+ to render k8s/deploy/overlays"
                + " (kubectl 1.21 or newer on the PATH, or " + KUBECTL_ENV + "=/path/to/kubectl; .ci/run installs one)";
    }

    /** Runs the command; its stdout, or (with {@code check}) an AssertionError carrying its stderr when it fails. */
    private static String run(List<String> command, boolean check) {
        Path err = null;
        try {
            err = Files.createTempFile("kustomize", ".err");
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + Await.DEADLINE);
            }
            if (check && p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + Files.readString(err).strip());
            }
            return p.exitValue() == 0 ? out : out + Files.readString(err);
        } catch (IOException e) {
            if (check) {
                throw new AssertionError(String.join(" ", command) + ": " + e, e);
            }
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            if (err != null) {
                try {
                    Files.deleteIfExists(err);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }
}
