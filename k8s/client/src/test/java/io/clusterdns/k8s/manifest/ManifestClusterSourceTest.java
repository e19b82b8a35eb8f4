package io.clusterdns.k8s.manifest;

import static io.clusterdns.k8s.manifest.Yaml.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live reload against real files. No sleeps: every wait is on the queue of published snapshots
 * (or of reload errors), with {@link Await}'s deadline.
 */
class ManifestClusterSourceTest {
    // Conventions: one service "web" in default, whose port number the tests edit; debounce shortened to 50 ms.
    private static final Duration DEBOUNCE = Duration.ofMillis(50);
    private static final ServiceKey WEB = ServiceKey.of("default", "web");
    private static final ServiceKey API = ServiceKey.of("default", "api");

    @TempDir
    Path dir;

    private final List<ManifestClusterSource> sources = new ArrayList<>();
    private final BlockingQueue<ClusterSnapshot> published = new LinkedBlockingQueue<>();
    private final BlockingQueue<ManifestException> errors = new LinkedBlockingQueue<>();
    private final BlockingQueue<ManifestException> warnings = new LinkedBlockingQueue<>();

    @AfterEach
    void closeSources() {
        sources.forEach(ManifestClusterSource::close);
    }

    private static String web(int port) {
        return service("default", "web", "{selector: {app: web}, ports: [{port: " + port + "}]}");
    }

    private ManifestClusterSource start(Path... paths) {
        ManifestClusterSource source = new ManifestClusterSource(new ManifestConfig(List.of(paths), DEBOUNCE, true));
        sources.add(source);
        source.onError(errors::add);
        source.onWarning(warnings::add);
        source.start();
        source.subscribe(published::add);
        return source;
    }

    /** Writes via a hidden temp file and a rename, as most editors save. */
    private static void save(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private ClusterSnapshot awaitSnapshot(String what, Predicate<ClusterSnapshot> condition) {
        return Await.nextMatching("a snapshot with " + what, published, condition);
    }

    private ClusterSnapshot first() {
        return Await.next("the first snapshot", published);
    }

    private ManifestException awaitError() {
        return Await.next("a reload error", errors);
    }

    private static int webPort(ClusterSnapshot s) {
        ServiceInfo web = s.service(WEB);
        return web == null ? -1 : web.ports().get(0).port();
    }

    @Test
    void startLoadsSynchronouslyAndSubscribeDeliversAtOnce() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), web(80));
        ManifestClusterSource source = start(dir);
        assertThat(source.hasSynced()).isTrue();
        assertThat(source.watching()).isTrue();
        assertThat(source.lastError()).isEmpty();
        ClusterSnapshot first = published.poll();
        assertThat(first).isNotNull().isSameAs(source.current());
        assertThat(first.version()).isEqualTo(1);
        assertThat(webPort(first)).isEqualTo(80);
        List<ClusterSnapshot> late = new ArrayList<>();
        source.subscribe(late::add);
        assertThat(late).containsExactly(first);
        assertThatThrownBy(source::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void editPublishesTheNextVersion() throws Exception {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, web(80));
        start(dir);
        ClusterSnapshot first = first();
        save(file, web(8080));
        ClusterSnapshot edited = awaitSnapshot("port 8080", s -> webPort(s) == 8080);
        assertThat(edited.version()).isGreaterThan(first.version());
        // an editor writing in place (truncate, then write) is caught too
        Files.writeString(file, web(9090));
        ClusterSnapshot again = awaitSnapshot("port 9090", s -> webPort(s) == 9090);
        assertThat(again.version()).isGreaterThan(edited.version());
    }

    @Test
    void brokenEditKeepsTheLastGoodStateUntilFixed() throws Exception {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, web(80));
        ManifestClusterSource source = start(dir);
        ClusterSnapshot good = first();

        save(file, web(70000));
        ManifestException error = awaitError();
        assertThat(error.getMessage()).isEqualTo(file + " document 1 (line 4): spec.ports[0].port: must be 1..65535, got 70000");
        assertThat(source.lastError()).containsSame(error);
        assertThat(source.current()).isSameAs(good);
        assertThat(published).isEmpty();

        save(file, "apiVersion: v1\nkind: Service\nmetadata: {name: web\n");
        assertThat(awaitError().getMessage()).startsWith(file + " document 1 (line ").contains("YAML syntax error");
        assertThat(source.current()).isSameAs(good);

        save(file, web(81));
        ClusterSnapshot fixed = awaitSnapshot("port 81", s -> webPort(s) == 81);
        assertThat(fixed.version()).isEqualTo(good.version() + 1);
        assertThat(source.lastError()).isEmpty();
    }

    /** Warnings are delivered before the snapshot of their load is published, so none is awaited separately. */
    @Test
    void aMisspeltKindIsReportedOnEveryLoadWithoutFailingIt() throws Exception {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, web(80));
        Path typo = dir.resolve("typo.yaml");
        String servce = "apiVersion: v1\nkind: Servce\nmetadata: {name: api}\nspec: {ports: [{port: 443}]}\n";
        Files.writeString(typo, servce);
        ManifestClusterSource source = start(dir);
        published.take();
        String expected = typo + " document 1 (line 2): kind: \"Servce\" is not a kind of the core API (v1) (did you mean Service?);"
                + " an API server would refuse this document, so it is skipped";
        assertThat(drain(warnings)).extracting(ManifestException::getMessage).containsExactly(expected);

        // a reload of another file reports it again, once
        save(file, web(8080));
        awaitSnapshot("port 8080", s -> webPort(s) == 8080);
        assertThat(drain(warnings)).extracting(ManifestException::getMessage).containsExactly(expected);
        assertThat(source.lastError()).isEmpty();

        // so does a reload that adds it in a List, at its own path
        save(typo, "apiVersion: v1\nkind: List\nitems:\n- " + servce.replace("\n", "\n  ").strip() + "\n");
        ClusterSnapshot listed = awaitSnapshot("the next reload", s -> true);
        assertThat(listed.service(API)).isNull();
        assertThat(drain(warnings)).extracting(ManifestException::fieldPath).containsExactly("items[0].kind");

        save(typo, servce.replace("Servce", "Service"));
        awaitSnapshot("api", s -> s.service(API) != null);
        assertThat(warnings).isEmpty();
    }

    /** Files are read in name order: a copy in a-copy.yaml is read before web.yaml, yet it is the error. */
    @Test
    void aDuplicateAddedInANewFileIsReportedThereNamingTheFirstDefinition() throws Exception {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, web(80));
        ManifestClusterSource source = start(dir);
        ClusterSnapshot good = published.take();

        Path copy = dir.resolve("a-copy.yaml");
        save(copy, web(81));
        ManifestException error = awaitError();
        assertThat(error.getMessage()).isEqualTo(copy + " document 1 (line 3): metadata.name: Service default/web is already defined in "
                + file + " document 1");
        assertThat(error.file()).isEqualTo(copy.toString());
        assertThat(source.current()).isSameAs(good);
    }

    /**
     * The same for a cluster IP written twice: the service that does not hold it yet is the error,
     * whether it came with a new file or an existing service was edited to write it.
     */
    @Test
    void aClusterIpTakenByAnotherServiceIsReportedOnTheServiceAskingForIt() throws Exception {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, service("default", "web", "{clusterIP: 10.96.0.50, ports: [{port: 80}]}"));
        ManifestClusterSource source = start(dir);
        ClusterSnapshot good = published.take();
        String taken = " document 1 (line 4): spec.clusterIP: 10.96.0.50 is already allocated to default/web (" + file + " document 1)";

        Path api = dir.resolve("0-api.yaml");
        save(api, service("default", "api", "{clusterIP: 10.96.0.50, ports: [{port: 443}]}"));
        assertThat(awaitError().getMessage()).isEqualTo(api + taken);
        assertThat(source.current()).isSameAs(good);

        save(api, service("default", "api", "{ports: [{port: 443}]}"));
        awaitSnapshot("api with an allocated IP", s -> s.service(API) != null);
        save(api, service("default", "api", "{clusterIP: 10.96.0.50, ports: [{port: 443}]}"));
        assertThat(awaitError().getMessage()).isEqualTo(api + taken);
    }

    private static List<ManifestException> drain(BlockingQueue<ManifestException> queue) {
        List<ManifestException> out = new ArrayList<>();
        queue.drainTo(out);
        return out;
    }

    @Test
    void newFilesAndFoldersAreReadAndDeletedFilesForgotten() throws Exception {
        Files.writeString(dir.resolve("web.yaml"), web(80));
        start(dir);
        first();

        Path api = dir.resolve("api.yaml");
        save(api, service("default", "api", "{ports: [{port: 443}]}"));
        awaitSnapshot("api", s -> s.service(API) != null);

        Path sub = Files.createDirectories(dir.resolve("team-a/db"));
        save(sub.resolve("db.yml"), service("data", "db", "{ports: [{port: 5432}]}"));
        awaitSnapshot("data/db", s -> s.service(ServiceKey.of("data", "db")) != null && s.namespaces().containsKey("data"));

        Files.delete(api);
        ClusterSnapshot after = awaitSnapshot("no api", s -> s.service(API) == null);
        assertThat(after.service(WEB)).isNotNull();
        assertThat(after.service(ServiceKey.of("data", "db"))).isNotNull();
    }

    @Test
    void watchesASingleFileThroughRenames() throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, web(80));
        Files.writeString(dir.resolve("other.yaml"), service("default", "api", "{ports: [{port: 443}]}"));
        start(file);
        assertThat(first().service(API)).as("a sibling file is not part of a single-file source").isNull();
        save(file, web(8080));
        assertThat(awaitSnapshot("port 8080", s -> webPort(s) == 8080).service(API)).isNull();
    }

    @Test
    void followsAConfigMapVolumeSwap() throws Exception {
        // the kubelet's layout: visible names are links into ..data, which is swapped atomically
        Path v1 = Files.createDirectories(dir.resolve("..2025_01_15_10_00_00.1"));
        Files.writeString(v1.resolve("web.yaml"), web(80));
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(dir.resolve("web.yaml"), Path.of("..data/web.yaml"));
        start(dir);
        assertThat(webPort(first())).isEqualTo(80);

        Path v2 = Files.createDirectories(dir.resolve("..2025_01_15_10_05_00.2"));
        Files.writeString(v2.resolve("web.yaml"), web(8080));
        Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        awaitSnapshot("port 8080", s -> webPort(s) == 8080);
    }

    @Test
    void badManifestAtStartupThrowsTheSameMessage() throws IOException {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, web(70000));
        ManifestClusterSource source = new ManifestClusterSource(file);
        sources.add(source);
        assertThatThrownBy(source::start)
                .isInstanceOf(ManifestException.class)
                .hasMessage(file + " document 1 (line 4): spec.ports[0].port: must be 1..65535, got 70000");
        assertThat(source.hasSynced()).isFalse();
        assertThat(source.watching()).isFalse();
        assertThat(source.current()).isSameAs(ClusterSnapshot.EMPTY);
    }

    @Test
    void missingPathAtStartupIsReported() {
        Path missing = dir.resolve("nope");
        ManifestClusterSource source = new ManifestClusterSource(missing);
        sources.add(source);
        assertThatThrownBy(source::start).isInstanceOf(ManifestException.class).hasMessage(missing + ": no such file or directory");
    }

    @Test
    void closeStopsTheWatcher() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), web(80));
        ManifestClusterSource source = start(dir);
        assertThat(source.watching()).isTrue();
        source.close();
        assertThat(source.watching()).isFalse();
    }

    @Test
    void withoutWatchingNoThreadRuns() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), web(80));
        ManifestClusterSource source = new ManifestClusterSource(ManifestConfig.of(dir).withWatch(false));
        sources.add(source);
        source.start();
        assertThat(source.watching()).isFalse();
        assertThat(webPort(source.current())).isEqualTo(80);
    }

    @Test
    void configIsValidated() {
        assertThatThrownBy(() -> new ManifestConfig(List.of(), null, true)).hasMessageContaining("at least one manifest path");
        assertThatThrownBy(() -> ManifestConfig.of(dir).withDebounce(Duration.ZERO)).hasMessageContaining("debounce must be > 0");
        assertThat(ManifestConfig.of(dir).debounce()).isEqualTo(ManifestConfig.DEFAULT_DEBOUNCE);
    }
}
