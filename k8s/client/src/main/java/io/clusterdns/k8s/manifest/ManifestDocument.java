package io.clusterdns.k8s.manifest;

import com.fasterxml.jackson.databind.JsonNode;

/** One YAML/JSON document of a manifest file: its tree, its 1-based index in the file and its field lines. */
record ManifestDocument(String file, int index, JsonNode node, LineMap lines) {
}
