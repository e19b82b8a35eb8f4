package io.clusterdns.k8s.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A reader for the subset of YAML that generated and hand-written manifests almost always are:
 * block mappings and sequences of single-line plain or quoted scalars, comments, {@code ---}
 * between documents. It reads a document into the same tree as SnakeYAML through
 * {@link LocatedTreeReader} (with its first line), several times faster, because scanning with
 * SnakeYAML was most of the time of a start from 50k services' manifests.
 * <p>
 * It never decides anything SnakeYAML would decide differently: whatever is outside the subset,
 * or not certain (anchors, aliases, tags, block and multi-line scalars, non-empty flow
 * collections, escapes, tabs, CR, non-ASCII, directives, duplicate keys, values whose type is not
 * plainly a string, a small integer, true/false or null, any syntax error), makes it
 * <em>decline</em> the document, and {@link YamlDocuments} reads that document and the rest of
 * the file with SnakeYAML, so every error and message stays SnakeYAML's. {@code BlockYamlTest}
 * compares the two readers' trees over the repository's manifests and generated documents.
 */
final class BlockYaml {
    /** A document read: its tree (a null node for an empty document) and the line of its first token. */
    record Document(JsonNode node, int startLine) {
    }

    /** Thrown inside the reader when the document is outside the subset; no stack trace (it is control flow). */
    private static final class Declined extends RuntimeException {
        Declined() {
            super(null, null, false, false);
        }
    }

    private static final Declined DECLINED = new Declined();
    /**
     * Keys and values that recur in every document of a cluster's manifests, by {@link #hash}: a
     * key or plain value equal to one is this instance instead of a copy out of the text (the
     * copies were a tenth of the garbage of a 50k-service load). A word whose slot is taken is
     * simply copied.
     */
    private static final String[] WORDS = new String[1024];

    static {
        for (String w : List.of("apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "spec", "status",
                "ports", "port", "protocol", "targetPort", "nodePort", "appProtocol", "TCP", "UDP", "SCTP", "http", "https", "grpc",
                "dns", "dns-tcp", "metrics", "selector", "app", "clusterIP", "clusterIPs", "type", "ClusterIP", "NodePort",
                "LoadBalancer", "ExternalName", "None", "ipFamilies", "ipFamilyPolicy", "IPv4", "IPv6", "SingleStack",
                "PreferDualStack", "RequireDualStack", "sessionAffinity", "v1", "Service", "EndpointSlice", "discovery.k8s.io/v1",
                "addressType", "endpoints", "addresses", "conditions", "ready", "serving", "terminating", "hostname", "nodeName",
                "zone", "targetRef", "Pod", "hints", "forZones", "kubernetes.io/service-name", "endpointslice.kubernetes.io/managed-by",
                "default", "Deployment", "StatefulSet", "apps/v1", "replicas", "template", "containers", "image", "containerPort",
                "matchLabels", "Namespace", "Node", "internalTrafficPolicy", "externalTrafficPolicy", "Cluster", "Local",
                "publishNotReadyAddresses", "externalName", "uid", "resourceVersion", "creationTimestamp", "generateName",
                "serviceName", "podIP", "podIPs", "ip", "phase", "Running", "ownerReferences", "controller")) {
            int slot = hash(w, 0, w.length());
            if (WORDS[slot] == null) {
                WORDS[slot] = w;
            }
        }
    }
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String text;
    private final int length;
    /** Start of the next line not yet consumed. */
    private int next;
    /** 1-based number of the line starting at {@link #next}. */
    private int nextLine = 1;
    private boolean declined;
    private boolean ended;

    // the current significant line (not blank, not a comment)
    private int lineStart;
    private int lineEnd;
    private int lineNo;
    private int indent;
    /** Position of the current token in the line: the first non-space, or after a sequence dash. */
    private int pos;
    /** The current line is a document marker or the end of the text. */
    private boolean endOfDocument;
    /** The current line is {@code ---}. */
    private boolean documentStart;

    BlockYaml(String text) {
        this(text, 0, text.length(), 1);
    }

    /**
     * Reads the part {@code [from, to)} of {@code text} as if it were the whole text, its first
     * line numbered {@code firstLine}: one document of a file split at its {@code ---} lines
     * ({@code to} the start of the next one, or the end of the text), read on another thread.
     */
    BlockYaml(String text, int from, int to, int firstLine) {
        this.text = text;
        this.length = to;
        this.next = from;
        this.nextLine = firstLine;
        if (from == 0 && to > 0 && text.charAt(0) == '\uFEFF') {
            declined = true;
        }
    }

    /** True when the reader stopped at a document outside the subset (the documents before it were read). */
    boolean declined() {
        return declined;
    }

    /**
     * The next document, or null when there are no more or the next one is outside the subset
     * ({@link #declined()}).
     */
    Document next() {
        if (declined || ended) {
            return null;
        }
        try {
            return document();
        } catch (Declined d) {
            declined = true;
            return null;
        }
    }

    private Document document() {
        advance();
        if (documentStart) {
            consumeLine();
            advance();
            if (endOfDocument) {
                // "---" then nothing before the next marker or the end: an empty document
                ended = !documentStart;
                return new Document(NullNode.getInstance(), lineNo);
            }
        } else if (endOfDocument) {
            // the end of the text (after a document, or comments only)
            ended = true;
            return null;
        }
        if (startsSequence()) {
            throw DECLINED;
        }
        int start = lineNo;
        JsonNode root = mapping(indent);
        if (!endOfDocument) {
            throw DECLINED;
        }
        ended = !documentStart;
        return new Document(root, start);
    }

    // ---- lines

    /**
     * Moves to the next significant line at or after {@link #next} without consuming it, noting
     * whether it is a document marker or the end of the text.
     */
    private void advance() {
        int p = next;
        int no = nextLine;
        while (true) {
            if (p >= length) {
                setLine(length, length, no, 0, true, false);
                next = p;
                nextLine = no;
                return;
            }
            int end = text.indexOf('\n', p);
            if (end < 0 || end > length) {
                end = length;
            }
            int i = p;
            while (i < end && text.charAt(i) == ' ') {
                i++;
            }
            for (int k = i; k < end; k++) {
                char c = text.charAt(k);
                if (c < 0x20 || c > 0x7e) {
                    throw DECLINED;
                }
            }
            if (i == end || text.charAt(i) == '#') {
                // blank or comment line: no token
                p = end + 1;
                no++;
                continue;
            }
            next = p;
            nextLine = no;
            if (i == p) {
                char c = text.charAt(p);
                if (c == '%') {
                    throw DECLINED;
                }
                if ((c == '-' || c == '.') && end - p >= 3 && text.charAt(p + 1) == c && text.charAt(p + 2) == c
                        && (end - p == 3 || text.charAt(p + 3) == ' ')) {
                    if (c == '.' || !blank(p + 3, end)) {
                        // "..." ends a document; "--- value" or "--- !tag": left to SnakeYAML
                        throw DECLINED;
                    }
                    setLine(p, end, no, 0, true, true);
                    return;
                }
            }
            setLine(p, end, no, i - p, false, false);
            return;
        }
    }

    private void setLine(int start, int end, int no, int ind, boolean eod, boolean marker) {
        lineStart = start;
        lineEnd = end;
        lineNo = no;
        indent = ind;
        pos = start + ind;
        endOfDocument = eod;
        documentStart = marker;
    }

    /** Consumes the current line and moves to the next significant one. */
    private void consumeLine() {
        next = Math.min(lineEnd + 1, length);
        if (lineEnd < length) {
            nextLine = lineNo + 1;
        } else {
            next = length;
            nextLine = lineNo;
        }
    }

    private void nextSignificant() {
        consumeLine();
        advance();
    }

    private boolean blank(int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) != ' ') {
                return false;
            }
        }
        return true;
    }

    /** The token at {@link #pos} is a sequence entry: "-" then a space or the end of the line. */
    private boolean startsSequence() {
        return text.charAt(pos) == '-' && (pos + 1 == lineEnd || text.charAt(pos + 1) == ' ');
    }

    private int column() {
        return pos - lineStart;
    }

    // ---- collections

    /** A block mapping whose keys are at column {@code col}; the current token is its first key. */
    private ObjectNode mapping(int col) {
        // most mappings of a manifest have a few keys: a small table (Jackson's is 16)
        ObjectNode object = new ObjectNode(NODES, new LinkedHashMap<>(8));
        while (true) {
            String key = key();
            if (object.has(key)) {
                // LocatedTreeReader's error, with its line: SnakeYAML's path says it
                throw DECLINED;
            }
            JsonNode value;
            if (pos == lineEnd || text.charAt(pos) == '#') {
                nextSignificant();
                if (endOfDocument || indent < col) {
                    value = NullNode.getInstance();
                } else if (indent > col) {
                    value = startsSequence() ? sequence(indent) : mapping(indent);
                } else if (startsSequence()) {
                    value = sequence(col);
                } else {
                    value = NullNode.getInstance();
                }
            } else {
                value = inlineValue();
                nextSignificant();
                if (!endOfDocument && indent > col) {
                    // a multi-line scalar or a syntax error
                    throw DECLINED;
                }
            }
            object.set(key, value);
            if (endOfDocument || indent < col) {
                return object;
            }
            if (indent > col) {
                throw DECLINED;
            }
        }
    }

    /** A block sequence whose dashes are at column {@code col}; the current token is its first dash. */
    private ArrayNode sequence(int col) {
        ArrayNode array = NODES.arrayNode(2);
        while (true) {
            if (column() != col || !startsSequence()) {
                throw DECLINED;
            }
            pos++;
            while (pos < lineEnd && text.charAt(pos) == ' ') {
                pos++;
            }
            if (pos == lineEnd || text.charAt(pos) == '#' || startsSequence()) {
                // an entry on the following lines, or a nested sequence: left to SnakeYAML
                throw DECLINED;
            }
            if (keyAhead()) {
                array.add(mapping(column()));
            } else {
                array.add(inlineValue());
                nextSignificant();
            }
            if (endOfDocument || indent < col) {
                return array;
            }
            if (indent > col) {
                throw DECLINED;
            }
            if (!startsSequence()) {
                // an indentless sequence ends; its mapping goes on
                return array;
            }
        }
    }

    // ---- scalars

    private static boolean keyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '-' || c == '_';
    }

    private static boolean keyFirst(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_';
    }

    /** True when the token at {@link #pos} is a simple key followed by ":" and a space or the end of the line. */
    private boolean keyAhead() {
        int i = pos;
        if (!keyFirst(text.charAt(i))) {
            return false;
        }
        while (i < lineEnd && keyChar(text.charAt(i))) {
            i++;
        }
        return i < lineEnd && text.charAt(i) == ':' && (i + 1 == lineEnd || text.charAt(i + 1) == ' ');
    }

    /** Reads a simple key and its ":"; leaves {@link #pos} at the value (or the end of the line). */
    private String key() {
        if (!keyAhead()) {
            throw DECLINED;
        }
        int start = pos;
        while (keyChar(text.charAt(pos))) {
            pos++;
        }
        if (pos - start > 1000) {
            // SnakeYAML limits a simple key to 1024 characters
            throw DECLINED;
        }
        String key = slice(start, pos);
        pos++;
        while (pos < lineEnd && text.charAt(pos) == ' ') {
            pos++;
        }
        return key;
    }

    private static int hash(String s, int from, int to) {
        int length = to - from;
        return (length * 31 + s.charAt(from) * 7 + s.charAt(from + length / 2) * 13 + s.charAt(to - 1)) & 1023;
    }

    /** The text from {@code from} to {@code to}: a shared {@link #WORDS} instance when it is one. */
    private String slice(int from, int to) {
        if (to > from && to - from <= 40) {
            String w = WORDS[hash(text, from, to)];
            if (w != null && w.length() == to - from && text.startsWith(w, from)) {
                return w;
            }
        }
        return text.substring(from, to);
    }

    /** A value written on the current line from {@link #pos} to its end (a comment aside). */
    private JsonNode inlineValue() {
        char c = text.charAt(pos);
        switch (c) {
            case '"':
            case '\'':
            case '[':
            case '{':
                JsonNode value = c == '[' || c == '{' ? flow() : quoted(c);
                endOfValue();
                return value;
            case '-':
                if (pos + 1 == lineEnd || text.charAt(pos + 1) == ' ') {
                    throw DECLINED;
                }
                break;
            case '?':
            case ':':
            case ',':
            case ']':
            case '}':
            case '#':
            case '&':
            case '*':
            case '!':
            case '|':
            case '>':
            case '%':
            case '@':
            case '`':
                throw DECLINED;
            default:
                break;
        }
        int start = pos;
        int end = lineEnd;
        for (int i = pos; i < lineEnd; i++) {
            char ch = text.charAt(i);
            if (ch == ':' && (i + 1 == lineEnd || text.charAt(i + 1) == ' ')) {
                throw DECLINED;
            }
            if (ch == '#' && text.charAt(i - 1) == ' ') {
                end = i;
                break;
            }
        }
        while (text.charAt(end - 1) == ' ') {
            end--;
        }
        pos = lineEnd;
        return plain(slice(start, end));
    }

    /** A single-line quoted scalar without escapes; always a string. */
    private JsonNode quoted(char quote) {
        StringBuilder value = null;
        int i = pos + 1;
        int from = i;
        while (true) {
            if (i >= lineEnd) {
                throw DECLINED;
            }
            char ch = text.charAt(i);
            if (ch == '\\' && quote == '"') {
                throw DECLINED;
            }
            if (ch == quote) {
                if (quote == '\'' && i + 1 < lineEnd && text.charAt(i + 1) == '\'') {
                    if (value == null) {
                        value = new StringBuilder();
                    }
                    value.append(text, from, i + 1);
                    i += 2;
                    from = i;
                    continue;
                }
                break;
            }
            i++;
        }
        String s = value == null ? text.substring(from, i) : value.append(text, from, i).toString();
        pos = i + 1;
        return TextNode.valueOf(s);
    }

    /**
     * A flow collection written on one line ({@code {name: dns, port: 53}}, {@code ["-conf", "f"]}),
     * of quoted scalars, plain ones without ":" or "#", and flow collections; {@link #pos} ends
     * after its closing bracket.
     */
    private JsonNode flow() {
        char open = text.charAt(pos);
        char close = open == '[' ? ']' : '}';
        pos++;
        ArrayNode array = open == '[' ? NODES.arrayNode() : null;
        ObjectNode object = open == '{' ? NODES.objectNode() : null;
        skipSpaces();
        if (pos < lineEnd && text.charAt(pos) == close) {
            pos++;
            return open == '[' ? array : object;
        }
        while (true) {
            if (object != null) {
                String key = flowKey();
                if (object.has(key)) {
                    throw DECLINED;
                }
                object.set(key, flowNode());
            } else {
                array.add(flowNode());
            }
            skipSpaces();
            if (pos >= lineEnd) {
                throw DECLINED;
            }
            char c = text.charAt(pos++);
            if (c == close) {
                return open == '[' ? array : object;
            }
            if (c != ',') {
                throw DECLINED;
            }
            skipSpaces();
            if (pos >= lineEnd || text.charAt(pos) == close) {
                // a trailing comma, or an entry on the next line
                throw DECLINED;
            }
        }
    }

    /** A simple key in a flow mapping, then ": "; leaves {@link #pos} at the value. */
    private String flowKey() {
        int start = pos;
        if (pos >= lineEnd || !keyFirst(text.charAt(pos))) {
            throw DECLINED;
        }
        while (pos < lineEnd && keyChar(text.charAt(pos))) {
            pos++;
        }
        if (pos + 1 >= lineEnd || text.charAt(pos) != ':' || text.charAt(pos + 1) != ' ') {
            throw DECLINED;
        }
        String key = slice(start, pos);
        pos += 2;
        skipSpaces();
        return key;
    }

    /** A value inside a flow collection. */
    private JsonNode flowNode() {
        if (pos >= lineEnd) {
            throw DECLINED;
        }
        char c = text.charAt(pos);
        if (c == '[' || c == '{') {
            return flow();
        }
        if (c == '"' || c == '\'') {
            return quoted(c);
        }
        if ("-?:,]}#&*!|>%@`".indexOf(c) >= 0) {
            throw DECLINED;
        }
        int start = pos;
        while (pos < lineEnd) {
            char ch = text.charAt(pos);
            if (ch == ',' || ch == ']' || ch == '}') {
                break;
            }
            if (ch == ':' || ch == '#' || ch == '[' || ch == '{' || ch == '"' || ch == '\'') {
                throw DECLINED;
            }
            pos++;
        }
        int end = pos;
        while (text.charAt(end - 1) == ' ') {
            end--;
        }
        return plain(slice(start, end));
    }

    private void skipSpaces() {
        while (pos < lineEnd && text.charAt(pos) == ' ') {
            pos++;
        }
    }

    /** After a value: only spaces and a comment (after a space) may follow on its line. */
    private void endOfValue() {
        int i = pos;
        while (i < lineEnd && text.charAt(i) == ' ') {
            i++;
        }
        if (i < lineEnd && (text.charAt(i) != '#' || i == pos)) {
            throw DECLINED;
        }
        pos = lineEnd;
    }

    /** A plain scalar as Jackson's YAML parser types it ({@link PlainScalars}); declines when that is not certain. */
    private static JsonNode plain(String value) {
        JsonNode node = PlainScalars.typed(value);
        if (node == null) {
            throw DECLINED;
        }
        return node;
    }
}
