package io.clusterdns.server.plugin.template;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * One {@code answer}, {@code additional} or {@code authority} line: a Go template whose output is
 * a resource record in zone-file syntax, parsed when the line is read, run per query.
 *
 * @param section {@code answer}, {@code additional} or {@code authority}
 * @param source  the template as written
 * @param tree    what it parsed to
 */
record RrTemplate(String section, String source, List<Node> tree) {
    /** miekg/dns's default TTL for a record written without one. */
    static final long DEFAULT_TTL = 3600;

    RrTemplate {
        tree = List.copyOf(tree);
    }

    /** {@code source} parsed; a {@link TemplateException} says why it does not parse. */
    static RrTemplate parse(String section, String source) {
        return new RrTemplate(section, source, TemplateParser.parse(source));
    }

    /** Go's string of the parsed template: CoreDNS's {@code template} label. */
    String label() {
        return Node.join(tree);
    }

    /** The record's text for one query; a {@link TemplateException} when the template fails on it. */
    String execute(QueryData data) {
        return TemplateExecutor.execute(section, tree, data);
    }

    /**
     * The first record of {@code text}, read as miekg/dns's {@code NewRR} reads one: names relative to
     * the root, TTL {@value #DEFAULT_TTL} and class IN unless written. {@code $INCLUDE} is refused
     * and {@code $GENERATE} not expanded: a query must not make the server read files.
     *
     * @throws IllegalArgumentException when it holds no valid record
     */
    static Record record(String text) {
        // a line starting with white space would mean "the previous owner", of which there is none
        byte[] bytes = text.stripLeading().getBytes(StandardCharsets.UTF_8);
        Record r;
        try (Master m = new Master(new ByteArrayInputStream(bytes), Name.root, DEFAULT_TTL)) {
            m.disableIncludes(true);
            m.expandGenerate(false);
            r = m.nextRecord();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("bad resource record " + GoValues.quote(text) + ": " + e.getMessage());
        }
        if (r == null) {
            throw new IllegalArgumentException("no resource record in " + GoValues.quote(text));
        }
        return r;
    }
}
