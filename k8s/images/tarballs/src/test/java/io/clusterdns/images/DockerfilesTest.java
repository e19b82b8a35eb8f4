package io.clusterdns.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Dockerfiles (for users with a Docker engine; none runs here) build what the images profile
 * builds: the same runtime modules, entrypoint, user, ports and, for the dns-server, JVM flags and
 * class-archive training. Only the text can be checked here.
 */
class DockerfilesTest {
    @ParameterizedTest
    @EnumSource(ImageComponent.class)
    void dockerfileMatchesTheMavenBuiltImage(ImageComponent c) throws Exception {
        List<String> lines = Files.readAllLines(c.dockerfile());
        String text = String.join("\n", lines);

        assertThat(text).as("multi-stage: built from the sources").contains("AS build").contains("COPY --from=build /opt/java /opt/java");
        assertThat(text).contains("jlink --add-modules " + ImageComponent.RUNTIME_MODULES + " ");
        assertThat(Arrays.asList(new ObjectMapper().readValue(instruction(lines, "ENTRYPOINT"), String[].class)))
                .isEqualTo(c.entrypoint);
        assertThat(instruction(lines, "USER")).isEqualTo(c.user);
        assertThat(Arrays.stream(instruction(lines, "EXPOSE").split(" ")).map(p -> p.contains("/") ? p : p + "/tcp"))
                .containsExactlyInAnyOrderElementsOf(c.ports);
        if (c == ImageComponent.DNS_SERVER) {
            assertThat(lines).contains("ENV JAVA_TOOL_OPTIONS=\"" + ImageComponent.DNS_SERVER_JAVA_TOOL_OPTIONS + "\"",
                    "ENV MALLOC_ARENA_MAX=2");
            assertThat(text).contains("setcap cap_net_bind_service=+ep /opt/java/bin/java",
                    "-XX:ArchiveClassesAtExit=/opt/clusterdns/clusterdns-dns-server.jsa");
        }
    }

    /** The install Deployment states the image's JVM settings (so an operator sees and edits them there): the same ones. */
    @Test
    void theDnsDeploymentStatesTheImagesJvmSettings() throws Exception {
        String deployment = Files.readString(Path.of("../../deploy/components/dns/deployment.yaml"));
        assertThat(deployment).contains("value: \"" + ImageComponent.DNS_SERVER_JAVA_TOOL_OPTIONS + "\"")
                .containsPattern("name: MALLOC_ARENA_MAX\\s+value: \"2\"");
    }

    private static String instruction(List<String> lines, String name) {
        List<String> found = lines.stream().filter(l -> l.startsWith(name + " ")).toList();
        assertThat(found).as(name).hasSize(1);
        return found.get(0).substring(name.length() + 1).trim();
    }
}
