package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Patch building, our applier, and the verification that guards every answer; zjsonpatch as the referee. */
class PodEnvPatchTest {
    static final List<EnvVar> VARS = List.of(new EnvVar("A_SERVICE_HOST", "10.96.0.5"), new EnvVar("A_SERVICE_PORT", "80"));

    @Test
    void addsTheWholeListWhenEnvIsMissingAndInsertsByIndexOtherwise() {
        ObjectNode pod = TestPod.in("x").container("none").containerWithEmptyEnv("empty").container("some", "Z=1", "A_SERVICE_PORT=81").json();

        PodEnvPatch patch = PodEnvPatch.build(pod, VARS, new Findings());

        assertThat(patch.operations().toString()).isEqualTo("["
                + "{\"op\":\"add\",\"path\":\"/spec/containers/0/env\",\"value\":[{\"name\":\"A_SERVICE_HOST\",\"value\":\"10.96.0.5\"},{\"name\":\"A_SERVICE_PORT\",\"value\":\"80\"}]},"
                + "{\"op\":\"add\",\"path\":\"/spec/containers/1/env/0\",\"value\":{\"name\":\"A_SERVICE_HOST\",\"value\":\"10.96.0.5\"}},"
                + "{\"op\":\"add\",\"path\":\"/spec/containers/1/env/1\",\"value\":{\"name\":\"A_SERVICE_PORT\",\"value\":\"80\"}},"
                + "{\"op\":\"add\",\"path\":\"/spec/containers/2/env/0\",\"value\":{\"name\":\"A_SERVICE_HOST\",\"value\":\"10.96.0.5\"}}]");
        assertThat(patch.variables()).isEqualTo(5);
        assertThat(patch.containers()).isEqualTo(3);
        assertThat(patch.verify(pod)).isNull();
        JsonNode ours = JsonPatch.apply(pod, patch.operations());
        JsonNode theirs = io.fabric8.zjsonpatch.JsonPatch.apply(patch.operations(), pod);
        assertThat(ours).isEqualTo(theirs);
        assertThat(TestPod.env(theirs, "containers", 2)).containsExactly("A_SERVICE_HOST=10.96.0.5", "Z=1", "A_SERVICE_PORT=81");
    }

    @Test
    void envNullIsTreatedLikeMissing() {
        ObjectNode pod = TestPod.in("x").container("c").json();
        ((ObjectNode) pod.at("/spec/containers/0")).putNull("env");
        PodEnvPatch patch = PodEnvPatch.build(pod, VARS, new Findings());
        assertThat(patch.verify(pod)).isNull();
        assertThat(TestPod.env(io.fabric8.zjsonpatch.JsonPatch.apply(patch.operations(), pod), "containers", 0)).hasSize(2);
    }

    @Test
    void aContainerWhoseEnvIsNotAListIsLeftAlone() {
        ObjectNode pod = TestPod.in("x").container("c").container("d").json();
        ((ObjectNode) pod.at("/spec/containers/0")).put("env", "oops");
        Findings f = new Findings();
        PodEnvPatch patch = PodEnvPatch.build(pod, VARS, f);
        assertThat(patch.expected()).extracting(PodEnvPatch.ExpectedEnv::pointer).containsExactly("/spec/containers/1/env");
        assertThat(f.warnings()).containsExactly("clusterdns envinjector: spec.containers[0] has no usable env list; left alone");
    }

    @Test
    void verificationCatchesAPatchThatDoesNotDoWhatWasPlanned() {
        ObjectNode pod = TestPod.in("x").container("c", "Z=1").json();
        PodEnvPatch good = PodEnvPatch.build(pod, VARS, new Findings());

        ArrayNode wrongIndex = good.operations().deepCopy();
        ((ObjectNode) wrongIndex.get(1)).put("path", "/spec/containers/0/env/5");
        assertThat(new PodEnvPatch(wrongIndex, good.expected(), good.variables()).verify(pod)).startsWith("patch does not apply");

        ArrayNode appended = good.operations().deepCopy();
        ((ObjectNode) appended.get(0)).put("path", "/spec/containers/0/env/-");
        assertThat(new PodEnvPatch(appended, good.expected(), good.variables()).verify(pod))
                .isEqualTo("/spec/containers/0/env is not what was planned after applying the patch");

        ObjectNode userDefinesItToo = TestPod.in("x").container("c", "Z=1", "A_SERVICE_HOST=x").json();
        assertThat(good.verify(userDefinesItToo)).isNotNull();
    }

    @Test
    void repeatedNamesOfThePodItselfAreNotOurProblem() {
        ObjectNode pod = TestPod.in("x").container("c", "Z=1", "Z=2").json();
        PodEnvPatch patch = PodEnvPatch.build(pod, VARS, new Findings());
        assertThat(patch.verify(pod)).isNull();
    }

    @Test
    void applierFollowsRfc6902ForWhatWeUse() {
        JsonNode doc = TestPod.parse("{\"a\":[1,2],\"b\":{\"c/d\":1,\"e~f\":2}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ArrayNode ops = TestPod.JSON.createArrayNode();
        ops.add(JsonPatch.add("/a/0", TestPod.JSON.getNodeFactory().numberNode(0)));
        ops.add(JsonPatch.add("/a/-", TestPod.JSON.getNodeFactory().numberNode(3)));
        ops.add(JsonPatch.add("/b/" + JsonPatch.escape("c/d"), TestPod.JSON.getNodeFactory().numberNode(9)));
        ops.add(JsonPatch.add("/b/" + JsonPatch.escape("e~f"), TestPod.JSON.getNodeFactory().numberNode(8)));
        assertThat(JsonPatch.apply(doc, ops)).isEqualTo(io.fabric8.zjsonpatch.JsonPatch.apply(ops, doc));
        assertThat(JsonPatch.apply(doc, ops).toString()).isEqualTo("{\"a\":[0,1,2,3],\"b\":{\"c/d\":9,\"e~f\":8}}");
        assertThat(doc.toString()).isEqualTo("{\"a\":[1,2],\"b\":{\"c/d\":1,\"e~f\":2}}");

        ArrayNode bad = TestPod.JSON.createArrayNode();
        bad.add(JsonPatch.add("/a/01", TestPod.JSON.getNodeFactory().numberNode(0)));
        assertThatThrownBy(() -> JsonPatch.apply(doc, bad)).isInstanceOf(JsonPatch.PatchException.class);
        ArrayNode missing = TestPod.JSON.createArrayNode();
        missing.add(JsonPatch.add("/x/y", TestPod.JSON.getNodeFactory().numberNode(0)));
        assertThatThrownBy(() -> JsonPatch.apply(doc, missing)).hasMessageContaining("does not exist");
    }
}
