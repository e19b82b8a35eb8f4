package io.clusterdns.k8s.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * List responses in pages, as the API server serves them: a list request with {@code limit=N}
 * gets at most N items in key order (namespace/name) and, when more follow, a
 * {@code metadata.continue} token; the request with {@code continue=TOKEN} gets the items after
 * the token's key, at the resourceVersion of the first page. fabric8's CRUD mock ignores both
 * parameters and always answers the whole list; {@link MockApiServer} pages its answers through
 * {@link #page(String, String)}, and a benchmark server can render pages of its own objects with
 * {@link #render}.
 */
public final class ListPages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ListPages() {
    }

    /**
     * The page a list request asks for, from the whole list the CRUD mock answered; the whole
     * list unchanged when the request asks for no page (no {@code limit}) or is not a plain list.
     *
     * @param path the request path with its query
     * @param body the whole list as JSON
     */
    public static String page(String path, String body) {
        Query q = Query.of(path);
        if (q.limit <= 0 || q.watch) {
            return body;
        }
        try {
            JsonNode list = JSON.readTree(body);
            if (!list.has("items") || !list.get("kind").asText().endsWith("List")) {
                return body;
            }
            NavigableMap<String, String> items = new TreeMap<>();
            for (JsonNode item : list.get("items")) {
                JsonNode meta = item.path("metadata");
                items.put(key(meta.path("namespace").asText(null), meta.path("name").asText()), JSON.writeValueAsString(item));
            }
            String rv = list.path("metadata").path("resourceVersion").asText("");
            return render(list.get("kind").asText(), list.get("apiVersion").asText(), rv, items, path);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Renders the page {@code path} asks for (all items without {@code limit}).
     *
     * @param listKind   e.g. {@code ServiceList}
     * @param resourceVersion the list's resourceVersion now (a later page keeps its first page's)
     * @param items      item JSON by {@link #key}, in key order
     */
    public static String render(String listKind, String apiVersion, String resourceVersion, NavigableMap<String, String> items, String path) {
        Query q = Query.of(path);
        Map<String, String> from = items;
        String rv = resourceVersion;
        if (q.limit > 0 && q.continueToken != null) {
            String[] token = new String(Base64.getUrlDecoder().decode(q.continueToken), StandardCharsets.UTF_8).split("\n", 2);
            rv = token[0];
            from = items.tailMap(token[1], false);
        }
        StringBuilder out = new StringBuilder(1024);
        out.append("{\"kind\":\"").append(listKind).append("\",\"apiVersion\":\"").append(apiVersion)
                .append("\",\"metadata\":{\"resourceVersion\":\"").append(rv).append('"');
        StringBuilder itemsJson = new StringBuilder();
        int n = 0;
        String last = null;
        Iterator<Map.Entry<String, String>> it = from.entrySet().iterator();
        while (it.hasNext() && (q.limit <= 0 || n < q.limit)) {
            Map.Entry<String, String> e = it.next();
            itemsJson.append(n == 0 ? "" : ",").append(e.getValue());
            last = e.getKey();
            n++;
        }
        if (it.hasNext()) {
            String token = Base64.getUrlEncoder().encodeToString((rv + "\n" + last).getBytes(StandardCharsets.UTF_8));
            out.append(",\"continue\":\"").append(token).append('"');
        }
        return out.append("},\"items\":[").append(itemsJson).append("]}").toString();
    }

    /** The API server's order of objects in a list: namespace/name, or name. */
    public static String key(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    /** True when the request asks for one page of a list. */
    public static boolean paged(String path) {
        Query q = Query.of(path);
        return q.limit > 0 && !q.watch;
    }

    private record Query(long limit, String continueToken, boolean watch) {
        static Query of(String path) {
            int at = path.indexOf('?');
            long limit = 0;
            String token = null;
            boolean watch = false;
            if (at >= 0) {
                for (String param : path.substring(at + 1).split("&")) {
                    int eq = param.indexOf('=');
                    String name = eq < 0 ? param : param.substring(0, eq);
                    String value = eq < 0 ? "" : URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
                    switch (name) {
                        case "limit" -> limit = value.isEmpty() ? 0 : Long.parseLong(value);
                        case "continue" -> token = value.isEmpty() ? null : value;
                        case "watch" -> watch = "true".equals(value) || "1".equals(value);
                        default -> {
                        }
                    }
                }
            }
            return new Query(limit, token, watch);
        }
    }
}
