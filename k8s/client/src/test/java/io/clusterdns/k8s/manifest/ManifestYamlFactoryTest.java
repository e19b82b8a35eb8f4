package io.clusterdns.k8s.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestYamlFactoryTest {

    /** Every value as a plain, single-quoted and double-quoted scalar, with a tag or none: the same tokens and text as Jackson's own parser. */
    @Test
    void sameTokensAsTheStockParser() throws IOException {
        List<String> values = new ArrayList<>(List.of("svc-1", "web", "10.96.0.1", "10.0.0.1.", "1.2", "1.2.3", "1..2", "..", "...", ".inf",
                ".nan", "1e3", "0x1F", "0o17", "017", "0b101", "1_000", "1:30", "190:20:30.15", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
                "yes", "No", "on", "OFF", "y", "n", "true", "False", "null", "Null", "~", "<<", "=", "a.b.c", "nginx:1.27",
                "None", "TCP", "UDP", "Running", "http", "8080", "-1", "+1", "+", ".5", "5.", "1.2.3.4e5", "fd00::1", "::1",
                "kubernetes.io/service-name", "app", "z", "Z", "x.y", "True.x.y", "9.9.9"));
        for (String letters : List.of("aeiouy", "0123456789")) {
            for (char c : letters.toCharArray()) {
                values.add(c + ".1.2");
                values.add(String.valueOf(c));
            }
        }
        StringBuilder yaml = new StringBuilder();
        for (String v : values) {
            yaml.append("- ").append(v).append('\n');
            yaml.append("- '").append(v).append("'\n");
            yaml.append("- \"").append(v).append("\"\n");
            yaml.append("- !!str ").append(v).append('\n');
            yaml.append("- ! ").append(v).append('\n');
        }
        for (String indicator : List.of("!", "&", "*", "!x.y.z", "&a.b.c", "*a.b.c")) {
            // not plain scalars: quoted only
            yaml.append("- '").append(indicator).append("'\n- \"").append(indicator).append("\"\n");
        }
        yaml.append("- \n- ''\n- {a: 1.2.3, b: yes, c: web, d: 10.1.1.1}\n");
        assertThat(tokens(new ManifestYamlFactory(), yaml.toString())).isEqualTo(tokens(new YAMLFactory(), yaml.toString()));
    }

    private static List<String> tokens(JsonFactory factory, String yaml) throws IOException {
        List<String> out = new ArrayList<>();
        try (JsonParser p = factory.createParser(yaml)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                // the token says the type; the text is what a tree or a binding reads from it
                out.add(t + " " + p.getText());
            }
        }
        return out;
    }
}
