package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AdmissionReviewsTest {

    private static AdmissionRequest parsed(byte[] body) {
        AdmissionReviews.ParseResult r = AdmissionReviews.parse(body);
        assertThat(r).isInstanceOf(AdmissionReviews.ParseResult.Parsed.class);
        return ((AdmissionReviews.ParseResult.Parsed) r).request();
    }

    @Test
    void readsWhatTheInjectorNeeds() {
        AdmissionRequest r = parsed(TestPod.in("shop").annotation("a", "b").container("c").review("u-1", true));
        assertThat(r.uid()).isEqualTo("u-1");
        assertThat(r.isPod()).isTrue();
        assertThat(r.isCreate()).isTrue();
        assertThat(r.dryRun()).isTrue();
        assertThat(r.namespace()).isEqualTo("shop");
        assertThat(r.annotations()).containsExactlyEntriesOf(java.util.Map.of("a", "b"));
        assertThat(r.podName()).isEqualTo("shop/app-7d4b9c8f5-*");
    }

    @Test
    void theNamespaceFallsBackToTheObjects() {
        AdmissionRequest r = parsed(TestPod.review("u", "CREATE", TestPod.in("shop").named("web-0").container("c").json(), false, ""));
        assertThat(r.namespace()).isEqualTo("shop");
        assertThat(r.podName()).isEqualTo("shop/web-0");
    }

    @Test
    void deletesNeedNoObject() {
        byte[] body = ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"operation\":\"DELETE\",\"object\":null}}")
                .getBytes(StandardCharsets.UTF_8);
        AdmissionRequest r = parsed(body);
        assertThat(r.isCreate()).isFalse();
        assertThat(r.object()).isNull();
        assertThat(r.annotations()).isEmpty();
    }

    @Test
    void rendersResponsesAndStatuses() {
        AdmissionReviews.Rendered unchanged = AdmissionReviews.render(
                new Admission.Unchanged("u", SkipReason.NOT_OPTED_IN, java.util.List.of("careful")));
        assertThat(unchanged.status()).isEqualTo(200);
        assertThat(AdmissionReviews.text(unchanged.body())).isEqualTo("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                + "\"response\":{\"uid\":\"u\",\"allowed\":true,\"warnings\":[\"careful\"]}}");
        AdmissionReviews.Rendered rejected = AdmissionReviews.render(Admission.Rejected.badRequest("request is missing"));
        assertThat(rejected.status()).isEqualTo(400);
        assertThat(AdmissionReviews.text(rejected.body())).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                + "\"message\":\"request is missing\",\"reason\":\"BadRequest\",\"code\":400}");
    }

    @Test
    void deeplyNestedGarbageIsRejectedCheaply() {
        String deep = "[".repeat(100_000);
        AdmissionReviews.ParseResult r = AdmissionReviews.parse(deep.getBytes(StandardCharsets.UTF_8));
        assertThat(r).isInstanceOf(AdmissionReviews.ParseResult.Invalid.class);
        assertThat(((AdmissionReviews.ParseResult.Invalid) r).reason()).startsWith("request body is not JSON");
    }

    /**
     * Found by the webhook fuzz: bytes that are not UTF-8 inside a string were taken (Jackson
     * passes them through), and the uid came back changed, as a lone surrogate.
     */
    @Test
    void aBodyThatIsNotUtf8IsABadRequestNamingTheByte() {
        byte[] valid = TestPod.review("uid-1", "CREATE", TestPod.in("shop").container("app").json(), false, "shop");
        String text = new String(valid, StandardCharsets.UTF_8);
        int at = text.indexOf("uid-1");
        byte[] broken = new byte[valid.length + 1];
        System.arraycopy(valid, 0, broken, 0, at);
        broken[at] = (byte) 0xED; // the start of an encoded surrogate, which UTF-8 forbids
        System.arraycopy(valid, at, broken, at + 1, valid.length - at);

        AdmissionReviews.ParseResult r = AdmissionReviews.parse(broken);

        assertThat(r).isEqualTo(new AdmissionReviews.ParseResult.Invalid("request body is not valid UTF-8 (a malformed sequence at byte "
                + at + "): JSON must be UTF-8 (RFC 8259)"));
        assertThat(AdmissionReviews.parse(valid)).isInstanceOf(AdmissionReviews.ParseResult.Parsed.class);
    }
}
