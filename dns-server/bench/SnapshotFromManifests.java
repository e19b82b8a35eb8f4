import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.manifest.ManifestSnapshots;
import io.clusterdns.k8s.persist.SnapshotStore;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Bench helper (first-answer.sh): writes the cluster of a manifest folder as a persisted snapshot
 * file, as a live server would have written it before the restart the bench measures. Run as a
 * single-file program on the server jar's class path:
 * {@code java -cp dns-server/target/clusterdns-dns-server.jar dns-server/bench/SnapshotFromManifests.java MANIFESTS FILE}.
 */
public final class SnapshotFromManifests {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SnapshotFromManifests MANIFESTS FILE");
            System.exit(2);
        }
        ClusterSnapshot snapshot = ManifestSnapshots.load(Path.of(args[0]));
        int bytes = new SnapshotStore(Path.of(args[1])).write(snapshot, Instant.now());
        System.out.println(args[1] + ": " + snapshot.services().size() + " services, " + bytes + " bytes");
    }
}
