package io.clusterdns.k8s.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.informer.InformerConfig;
import io.clusterdns.k8s.source.ClusterSourceOptions;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class SnapshotLocationTest {
    @TempDir
    Path dir;

    @Command(name = "some-server")
    static final class Program {
        @Mixin
        ClusterSourceOptions source = new ClusterSourceOptions();
    }

    static ClusterSourceSpec spec(String... args) {
        Program p = new Program();
        new CommandLine(p).parseArgs(args);
        return p.source.spec(Map.of());
    }

    @Test
    void aLiveClusterPersistsByDefaultUnderTheProgramsNameKeyedByConnectionAndFilters() {
        ClusterSourceSpec.Api api = (ClusterSourceSpec.Api) spec("--master", "http://127.0.0.1:8001");
        assertThat(api.snapshotFile()).isEqualTo(new SnapshotLocation.Default("some-server"));
        InformerConfig config = InformerConfig.of(api.connection());
        Path file = api.snapshotFile().resolve(config).orElseThrow();
        assertThat(file.getFileName().toString()).matches("some-server-[0-9a-f]{12}\\.snapshot");
        assertThat(file.getParent()).isIn(SnapshotLocation.DEFAULT_DIR, Path.of(System.getProperty("java.io.tmpdir"), "clusterdns"));

        assertThat(api.snapshotFile().resolve(config)).as("the same command line finds the same file").contains(file);
        assertThat(api.snapshotFile().resolve(InformerConfig.of(ClusterConnection.master("http://127.0.0.1:8002"))))
                .as("another cluster").isNotEqualTo(java.util.Optional.of(file));
        assertThat(api.snapshotFile().resolve(config.withLabels("app=web"))).as("another filter").isNotEqualTo(java.util.Optional.of(file));
        assertThat(api.snapshotFile().resolve(config.withCoalesce(java.time.Duration.ofSeconds(1))))
                .as("what does not change the content does not change the file").contains(file);
        assertThat(api.snapshotFile().resolve(config.withEndpointPodNames(true)))
                .as("endpoints with their Pods' names: another content").isNotEqualTo(java.util.Optional.of(file));
        // the part without them is the identity the builds before the option had: their files are found again
        assertThat(SnapshotLocation.identity(config)).doesNotContain("endpointPodNames")
                .endsWith("|noEndpoints=false|pods=false|serviceImports=false|importedSlices=false");
    }

    @Test
    void theFlagMovesOrDisablesIt() {
        Path at = dir.resolve("s.snapshot");
        ClusterSourceSpec.Api moved = (ClusterSourceSpec.Api) spec("--master", "http://127.0.0.1:8001", "--snapshot-file", at.toString());
        assertThat(moved.snapshotFile().resolve(InformerConfig.of(moved.connection()))).contains(at);
        ClusterSourceSpec.Api off = (ClusterSourceSpec.Api) spec("--master", "http://127.0.0.1:8001", "--snapshot-file", "off");
        assertThat(off.snapshotFile().resolve(InformerConfig.of(off.connection()))).isEmpty();
        assertThatThrownBy(() -> spec("--master", "http://127.0.0.1:8001", "--snapshot-file", " "))
                .hasMessage("--snapshot-file: a file path or off is required");
    }

    @Test
    void manifestsPersistNothingAndRefuseAFile() throws Exception {
        Path m = Files.writeString(dir.resolve("m.yaml"), "");
        assertThat(spec("--manifests", m.toString())).isInstanceOf(ClusterSourceSpec.Manifests.class);
        assertThat(spec("--manifests", m.toString(), "--snapshot-file", "off")).isInstanceOf(ClusterSourceSpec.Manifests.class);
        assertThatThrownBy(() -> spec("--manifests", m.toString(), "--snapshot-file", dir.resolve("x").toString()))
                .hasMessage("--snapshot-file: only for a live cluster: with --manifests the files are the truth");
    }

    @Test
    void specsBuiltWithoutTheFlagsPersistNothing() {
        assertThat(new ClusterSourceSpec.Api(ClusterConnection.inCluster()).snapshotFile()).isEqualTo(SnapshotLocation.OFF);
    }

    @Test
    void theDefaultFolderIsUsedWhenWritableOrMakeableElseTheTemporaryFolder() throws Exception {
        Path blocked = Files.writeString(dir.resolve("file"), "x").resolve("sub");
        assertThat(SnapshotLocation.defaultDir(blocked)).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "clusterdns"));
        assertThat(SnapshotLocation.defaultDir(dir)).isEqualTo(dir);
        assertThat(SnapshotLocation.defaultDir(dir.resolve("not-yet"))).as("made by the first write").isEqualTo(dir.resolve("not-yet"));
        assertThat(dir.resolve("not-yet")).doesNotExist();
        assertThat(List.of(SnapshotLocation.hash("a"), SnapshotLocation.hash("b"))).doesNotHaveDuplicates();
    }
}
