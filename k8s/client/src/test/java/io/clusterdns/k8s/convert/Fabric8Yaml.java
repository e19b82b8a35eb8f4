package io.clusterdns.k8s.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Test helper: a fabric8 object from YAML text, as an informer or the manifest loader would hand it over. */
final class Fabric8Yaml {
    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

    private Fabric8Yaml() {
    }

    static <T> T read(String yaml, Class<T> type) {
        try {
            return MAPPER.readValue(yaml, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
