package io.clusterdns.k8s.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The mock API server's list pages: key order, continue tokens, the first page's resourceVersion. */
class ListPagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLimitCutsTheListIntoPagesInKeyOrderAtTheFirstPagesResourceVersion() throws Exception {
        NavigableMap<String, String> items = new TreeMap<>();
        for (String name : List.of("e", "b", "d", "a", "c")) {
            items.put(ListPages.key("default", name), item("default", name));
        }

        JsonNode first = JSON.readTree(ListPages.render("ServiceList", "v1", "7", items, "/api/v1/services?limit=2"));
        assertThat(names(first)).containsExactly("a", "b");
        assertThat(first.at("/metadata/resourceVersion").asText()).isEqualTo("7");
        String token = first.at("/metadata/continue").asText();
        assertThat(token).isNotEmpty();

        // "c" deleted between pages: the next page starts after the last key, whatever changed
        items.remove(ListPages.key("default", "c"));
        JsonNode second = JSON.readTree(ListPages.render("ServiceList", "v1", "9", items, "/api/v1/services?limit=2&continue=" + token));
        assertThat(names(second)).containsExactly("d", "e");
        assertThat(second.at("/metadata/resourceVersion").asText()).as("the first page's").isEqualTo("7");
        assertThat(second.at("/metadata").has("continue")).as("last page").isFalse();
    }

    @Test
    void withoutALimitTheWholeListComesBackUnchanged() {
        String body = "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"3\"},\"items\":["
                + item("b", "x") + "," + item("a", "y") + "]}";
        assertThat(ListPages.page("/api/v1/services", body)).isSameAs(body);
        assertThat(ListPages.paged("/api/v1/services?watch=true&limit=2")).isFalse();
        assertThat(ListPages.paged("/api/v1/services?limit=2")).isTrue();
    }

    @Test
    void aCrudAnswerIsPagedByNamespaceThenName() throws Exception {
        String body = "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"3\"},\"items\":["
                + item("b", "x") + "," + item("a", "y") + "," + item("a", "x") + "]}";
        JsonNode page = JSON.readTree(ListPages.page("/api/v1/services?limit=2", body));
        assertThat(names(page)).containsExactly("x", "y");
        assertThat(page.at("/items/0/metadata/namespace").asText()).isEqualTo("a");
        JsonNode rest = JSON.readTree(ListPages.page("/api/v1/services?limit=2&continue=" + page.at("/metadata/continue").asText(), body));
        assertThat(names(rest)).containsExactly("x");
        assertThat(rest.at("/items/0/metadata/namespace").asText()).isEqualTo("b");
    }

    private static String item(String namespace, String name) {
        return "{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"namespace\":\"" + namespace + "\",\"name\":\"" + name + "\"}}";
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("items").forEach(i -> out.add(i.at("/metadata/name").asText()));
        return out;
    }
}
