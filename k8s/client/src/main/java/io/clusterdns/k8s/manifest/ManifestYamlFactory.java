package io.clusterdns.k8s.manifest;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Jackson's YAML factory with one shortcut: a scalar that can only be a string is not run through
 * SnakeYAML's type resolver. The resolver tries a regular expression per candidate type on every
 * value (at least its "empty" pattern, whatever the value), which was about 7% of loading 50k
 * services. The shortcut takes only values whose resolution is certain to be a string, so the
 * tokens are the same ({@code ManifestYamlFactoryTest} compares them with the stock parser's):
 * <ul>
 *   <li>quoted scalars (never resolved to another type),</li>
 *   <li>plain scalars whose first character starts none of the resolver's types (booleans and
 *       {@code on}/{@code off}, numbers, null, timestamps, {@code <<}, {@code !&*}),</li>
 *   <li>plain scalars with two dots or more (IPv4 addresses, DNS names): no number, timestamp,
 *       boolean or null has two.</li>
 * </ul>
 */
final class ManifestYamlFactory extends YAMLFactory {
    private static final long serialVersionUID = 1L;

    @Override
    protected YAMLParser _createParser(Reader r, IOContext ctxt) throws IOException {
        return new Parser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
    }

    /** True when SnakeYAML's resolver would certainly call the scalar a string (shared with {@link BlockYaml}, which needs no factory). */
    static boolean certainlyString(String value, boolean plain) {
        return PlainScalars.certainlyString(value, plain);
    }

    private static final class Parser extends YAMLParser {
        Parser(IOContext ctxt, int parserFeatures, int yamlFeatures, LoaderOptions options,
               com.fasterxml.jackson.core.ObjectCodec codec, Reader reader) {
            super(ctxt, parserFeatures, yamlFeatures, options, codec, reader);
        }

        @Override
        protected JsonToken _decodeScalar(ScalarEvent scalar) throws IOException {
            String tag = scalar.getTag();
            String value = scalar.getValue();
            if ((tag == null || tag.equals("!")) && certainlyString(value, scalar.getImplicit().canOmitTagInPlainScalar())) {
                // what the stock method does for a value its resolver calls a string
                _textValue = value;
                _cleanedTextValue = null;
                return JsonToken.VALUE_STRING;
            }
            return super._decodeScalar(scalar);
        }
    }
}
