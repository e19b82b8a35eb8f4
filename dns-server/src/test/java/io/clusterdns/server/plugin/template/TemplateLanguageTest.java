package io.clusterdns.server.plugin.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The Go text/template subset over one query's data: what each template prints (the outputs are
 * Go's, checked against text/template's documented rules), the errors of templates that do not
 * parse (at setup) or do not execute (per query), and Go's string of a parsed template (CoreDNS's
 * {@code template} label).
 */
class TemplateLanguageTest {
    /** ip-10-0-0-1.Example. asked (A IN, ID 4242, RD) from 192.0.2.7, matched by a regex with groups a..d. */
    static QueryData data() {
        Message q = new Message(4242);
        q.getHeader().setFlag(Flags.RD);
        q.addRecord(Record.newRecord(Name.fromConstantString("ip-10-0-0-1.Example."), Type.A, DClass.IN), Section.QUESTION);
        NameRegex re = NameRegex.compile("^ip-(?P<a>[0-9]+)-(?P<b>[0-9]+)-(?P<c>[0-9]+)-(?P<the_d>[0-9]+)[.](example)[.]$");
        NameRegex.Found f = re.find("ip-10-0-0-1.example.");
        return new QueryData("example.", "ip-10-0-0-1.example.", re.source(), f.match(), f.groups(), "IN", "A", q, "192.0.2.7");
    }

    static String run(String template) {
        return RrTemplate.parse("answer", template).execute(data());
    }

    static Stream<Arguments> outputs() {
        return Stream.of(
                Arguments.of("{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.the_d }}",
                        "ip-10-0-0-1.example. 60 IN A 10.0.0.1"),
                Arguments.of("{{ .Zone }} {{ .Class }} {{ .Type }} {{ .Remote }}", "example. IN A 192.0.2.7"),
                Arguments.of("{{ index .Match 0 }}|{{ index .Match 5 }}|{{ index .Group \"a\" }}|{{ index .Group \"none\" }}|",
                        "ip-10-0-0-1.example.|example|10||"),
                Arguments.of("{{ .Group.1 }} {{ .Group.none }}", "10 <no value>"),
                Arguments.of("{{ .Match }}", "[ip-10-0-0-1.example. 10 0 0 1 example]"),
                Arguments.of("{{ .Question }}", ";ip-10-0-0-1.Example.\tIN\t A"),
                Arguments.of("{{ .Question.Name }} {{ .Question.Qtype }} {{ .Message.Id }} {{ .Message.RecursionDesired }}",
                        "ip-10-0-0-1.Example. 1 4242 true"),
                Arguments.of("[{{ .Meta \"kubernetes/client-namespace\" }}]", "[]"),
                Arguments.of("{{ parseInt \"7b\" 16 8 }}.{{ parseInt .Group.a 10 0 }}.{{ parseInt \"0x1f\" 0 8 }}", "123.10.31"),
                Arguments.of("{{ .Group.a | printf \"%03d-%s-%x-%5s|%-4s|%q\" 7 \"z\" 255 \"ab\" }}", "007-z-ff-   ab|10  |%!q(MISSING)"),
                Arguments.of("{{ printf \"%v %d %s\" .Group.a }}", "10 %!d(MISSING) %!s(MISSING)"),
                Arguments.of("{{ printf \"%d\" \"x\" }}{{ printf \"%s\" 1 2 }}", "%!d(string=x)%!s(int=1)%!(EXTRA int=2)"),
                Arguments.of("{{ print 1 2 \"a\" 3 }}|{{ println \"x\" 1 }}|", "1 2a3|x 1\n|"),
                Arguments.of("{{ len .Name }} {{ len .Match }} {{ len .Group }}", "20 6 10"),
                Arguments.of("{{ if eq .Type \"A\" \"AAAA\" }}address{{ else if eq .Type \"PTR\" }}ptr{{ else }}other{{ end }}", "address"),
                Arguments.of("{{ if and .Name (not .Group.none) }}yes{{ end }}{{ or \"\" 0 \"x\" }}", "yesx"),
                Arguments.of("{{ with .Group.b }}b={{ . }}{{ else }}none{{ end }} {{ with .Group.none }}x{{ else }}none{{ end }}", "b=0 none"),
                Arguments.of("{{ range $i, $m := .Match }}{{ if $i }},{{ end }}{{ $i }}={{ $m }}{{ end }}",
                        "0=ip-10-0-0-1.example.,1=10,2=0,3=0,4=1,5=example"),
                Arguments.of("{{ range slice .Match 1 3 }}<{{ . }}>{{ end }}{{ range slice .Match 0 0 }}x{{ else }}empty{{ end }}", "<10><0>empty"),
                Arguments.of("{{ $n := .Name }}{{ $z := $.Zone }}{{ $n }} {{ $z }}", "ip-10-0-0-1.example. example."),
                Arguments.of("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "2"),
                Arguments.of("{{ lt 1 2 }} {{ ge \"b\" \"a\" }} {{ ne .Class \"CH\" }} {{ eq 0x10 16 0o20 }}", "true true true true"),
                Arguments.of("{{- \" a \" -}}  \n {{ .Zone -}}\n\t. {{/* a comment */}}x", " a example.. x"),
                Arguments.of("{{ (index .Match 1) }}{{ \"\\x41\\t\\u00e9\" }}{{ `raw\\n` }}", "10A\té" + "raw\\n"),
                Arguments.of("{{ slice .Name 0 2 }} {{ index .Name 0 }}", "ip 105"));
    }

    @ParameterizedTest
    @MethodSource("outputs")
    void runsLikeGo(String template, String output) {
        assertThat(run(template)).isEqualTo(output);
    }

    static Stream<Arguments> parseErrors() {
        return Stream.of(
                Arguments.of("{{", "unclosed action"),
                Arguments.of("{{ notAFunction }}", "function \"notAFunction\" not defined"),
                Arguments.of("{{ html .Name }}", "function \"html\" is not supported by clusterdns"),
                Arguments.of("{{ $x }}", "undefined variable \"$x\""),
                Arguments.of("{{ end }}", "unexpected {{end}}"),
                Arguments.of("{{ if .Name }}x", "unexpected EOF"),
                Arguments.of("{{ }}", "missing value for command"),
                Arguments.of("{{ .Name | \"x\" }}", "non executable command in pipeline stage 2"),
                Arguments.of("{{ 1.5 }}", "floating-point and complex constants are not supported by clusterdns: 1.5"),
                Arguments.of("{{ \"abc }}", "unterminated quoted string"),
                Arguments.of("{{ template \"x\" }}", "{{template}} is not supported by clusterdns"),
                Arguments.of("{{ (.Name }}", "unclosed left paren"),
                Arguments.of("{{ .Name) }}", "unexpected right paren"),
                Arguments.of("{{ # }}", "bad character \"#\" in action"),
                Arguments.of("{{/* open", "unclosed comment"));
    }

    @ParameterizedTest
    @MethodSource("parseErrors")
    void refusesAtParse(String template, String error) {
        assertThatThrownBy(() -> RrTemplate.parse("answer", template)).isInstanceOf(TemplateException.class).hasMessage(error);
    }

    static Stream<Arguments> executionErrors() {
        return Stream.of(
                Arguments.of("{{ .Grup.d }}", "executing \"answer\" at <.Grup.d>: can't evaluate field Grup in type *template.templateData"),
                Arguments.of("{{ index .Match 9 }}", "executing \"answer\" at <index>: error calling index: index out of range: 9"),
                Arguments.of("{{ parseInt .Group.a 16 2 }}",
                        "executing \"answer\" at <parseInt>: error calling parseInt: strconv.ParseUint: parsing \"10\": value out of range"),
                Arguments.of("{{ parseInt \"zz\" 10 8 }}",
                        "executing \"answer\" at <parseInt>: error calling parseInt: strconv.ParseUint: parsing \"zz\": invalid syntax"),
                Arguments.of("{{ .Name 1 }}", "executing \"answer\" at <.Name>: Name has arguments but cannot be invoked as function"),
                Arguments.of("{{ .Meta }}", "executing \"answer\" at <.Meta>: wrong number of args for Meta: want 1 got 0"),
                Arguments.of("{{ .Group.none.x }}", "executing \"answer\" at <.Group.none.x>: nil data; no entry for key \"x\""),
                Arguments.of("{{ eq .Name 1 }}", "executing \"answer\" at <eq>: error calling eq: incompatible types for comparison"),
                Arguments.of("{{ range .Name }}{{ end }}", "executing \"answer\" at <.Name>: range can't iterate over ip-10-0-0-1.example."),
                Arguments.of("{{ range 70 }}{{ printf \"%01000d\" 1 }}{{ end }}",
                        "executing \"answer\" at <printf>: output longer than 65535 bytes"));
    }

    @ParameterizedTest
    @MethodSource("executionErrors")
    void failsPerQuery(String template, String error) {
        assertThatThrownBy(() -> run(template)).isInstanceOf(TemplateException.class).hasMessage(error);
    }

    @Test
    void theLabelIsGosStringOfTheParsedTemplate() {
        assertThat(RrTemplate.parse("answer", "{{ .Name }} 60 IN A {{ parseInt .Group.b 16 8 }}.{{ index .Match 1 }}").label())
                .isEqualTo("{{.Name}} 60 IN A {{parseInt .Group.b 16 8}}.{{index .Match 1}}");
        assertThat(RrTemplate.parse("answer", "{{ if eq .Type \"A\" }}a{{ else }}{{ .Name | printf \"%s\" }}{{ end }}").label())
                .isEqualTo("{{if eq .Type \"A\"}}a{{else}}{{.Name | printf \"%s\"}}{{end}}");
        assertThat(RrTemplate.parse("answer", "{{ $x := (index .Match 1) }}{{ $x }}").label()).isEqualTo("{{$x := (index .Match 1)}}{{$x}}");
    }

    @Test
    void aCatastrophicRegexGivesUpInsteadOfHangingTheEventLoop() {
        NameRegex evil = NameRegex.compile("(.*a){12}$");
        assertThatThrownBy(() -> evil.find("a".repeat(40) + "!.")).isInstanceOf(TemplateException.class)
                .hasMessageContaining("gave up");
        assertThat(NameRegex.compile("^[[:alpha:]]+[[:^alpha:]][[]?x(?i)Y$").find("ab-xy")).isNotNull();
        assertThatThrownBy(() -> NameRegex.compile("(?U)a+")).hasMessage("the ungreedy flag U is not supported by clusterdns");
    }
}
