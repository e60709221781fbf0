package io.githubcache.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.githubcache.cache.CacheStatus;
import io.githubcache.cache.Header;
import io.githubcache.cache.HeaderList;
import io.githubcache.support.AccessLogFields;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import io.githubcache.http.UnreadRequest;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLineWritesTheNginxImageFieldsInItsOrderWithANumericStatus() throws Exception {
        AccessLog.Entry entry = new AccessLog.Entry(new InetSocketAddress("127.0.0.1", 50000), "GET",
                "/repos/o/r?access_token=ghp_x", "HTTP/1.1", 200, null,
                HeaderList.of(List.of(new Header("User-Agent", "octokit"))),
                HeaderList.of(List.of(new Header("ETag", "\"abc\""), new Header("X-RateLimit-Remaining", "4999"))),
                CacheStatus.HIT, System.nanoTime(), "0123456789ab");

        JsonNode line = written(AccessLog.line(entry));

        List<String> names = new ArrayList<>();
        line.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyElementsOf(AccessLogFields.NGINX_IMAGE);
        assertThat(line.get("status").isInt()).isTrue();
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("remote_addr").asText()).isEqualTo("127.0.0.1");
        assertThat(line.get("request").asText()).isEqualTo("GET /repos/o/r?access_token=REDACTED HTTP/1.1");
        assertThat(line.get("upstream_status").asText()).isEqualTo("-");
        assertThat(line.get("user_agent").asText()).isEqualTo("octokit");
        assertThat(line.get("X-Ratelimit-Remaining").asText()).isEqualTo("4999");
        assertThat(line.get("X-Ratelimit-Limit").asText()).isEqualTo("-");
        assertThat(line.get("Etag").asText()).isEqualTo("\"abc\"");
        assertThat(line.get("X-Github-Cache-Status").asText()).isEqualTo("HIT");
        assertThat(line.get("request_time").asText()).matches("\\d+\\.\\d{3}");
        assertThat(line.get("github_token_fingerprint").asText()).isEqualTo("0123456789ab");
    }

    @Test
    void aLineReadsAsTextOutsideJsonAndEqualsOnlyItself() {
        AccessLog.Entry entry = new AccessLog.Entry(null, "HEAD", "/", "HTTP/1.1", 304, 304, HeaderList.empty(),
                HeaderList.empty(), CacheStatus.REVALIDATED, System.nanoTime(), "-");

        AccessLog.Line line = AccessLog.line(entry);

        assertThat(line.toString()).contains("status=304", "upstream_status=304", "request=HEAD / HTTP/1.1");
        assertThat(line).isNotEqualTo(AccessLog.line(entry)).isEqualTo(line);
    }

    @Test
    void aRefusedRequestIsLoggedAsTheClientSentIt() throws Exception {
        io.netty.handler.codec.http.HttpRequest tooLongHeaders = new io.netty.handler.codec.http.DefaultHttpRequest(
                io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.POST,
                "/bad/cl?token=ghp_x");
        tooLongHeaders.setDecoderResult(io.netty.handler.codec.DecoderResult.failure(
                new NumberFormatException("Content-Length: abc")));

        assertThat(refusedRequestField(tooLongHeaders)).as("what the decoder read before it failed")
                .isEqualTo("POST /bad/cl?token=REDACTED HTTP/1.1");
        assertThat(refusedRequestField(new UnreadRequest("GARBAGE"))).isEqualTo("GARBAGE");
        assertThat(refusedRequestField(new UnreadRequest("GET /x?access_token=ghp_x HTTP/9")))
                .isEqualTo("GET /x?access_token=REDACTED");
        assertThat(refusedRequestField(new UnreadRequest(null))).as("not even a line arrived").isEqualTo("-");
        assertThat(refusedRequestField(new UnreadRequest("G".repeat(5000)))).hasSize(2048 + 3).endsWith("...");
    }

    private static String refusedRequestField(io.netty.handler.codec.http.HttpRequest request) throws Exception {
        JsonNode line = written(AccessLog.line(AccessLog.rejectedEntry(null, request, 400)));
        assertThat(line.get("status").asInt()).isEqualTo(400);
        assertThat(line.get("X-Github-Cache-Status").asText()).isEqualTo("BYPASS");
        return line.get("request").asText();
    }

    private static JsonNode written(AccessLog.Line line) throws Exception {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = JSON.getFactory().createGenerator(out)) {
            generator.writeStartObject();
            line.writeTo(generator);
            generator.writeEndObject();
        }
        return JSON.readTree(out.toString());
    }

    @Test
    void accessTokenValueIsRedacted() {
        assertThat(AccessLog.redact("/user?access_token=ghp_secret123"))
                .isEqualTo("/user?access_token=REDACTED")
                .doesNotContain("ghp_secret123");
    }

    @Test
    void clientSecretValueIsRedactedAndOtherParametersKept() {
        assertThat(AccessLog.redact("/applications/1/token?client_id=Iv1.abc&client_secret=s3cr3t&page=2"))
                .isEqualTo("/applications/1/token?client_id=REDACTED&client_secret=REDACTED&page=2");
    }

    @Test
    void tokenParameterIsRedacted() {
        assertThat(AccessLog.redact("/x?per_page=5&token=abc&sort=asc")).isEqualTo("/x?per_page=5&token=REDACTED&sort=asc");
    }

    @Test
    void parameterNamesMatchCaseInsensitively() {
        assertThat(AccessLog.redact("/x?Access_Token=abc")).isEqualTo("/x?Access_Token=REDACTED");
    }

    @Test
    void everyOccurrenceIsRedacted() {
        assertThat(AccessLog.redact("/x?access_token=a&access_token=b"))
                .isEqualTo("/x?access_token=REDACTED&access_token=REDACTED");
    }

    @Test
    void emptyValueStaysEmptyShaped() {
        assertThat(AccessLog.redact("/x?access_token=&a=1")).isEqualTo("/x?access_token=REDACTED&a=1");
    }

    @Test
    void otherParametersAndPathsAreUntouched() {
        String target = "/repos/o/r/issues?state=open&per_page=100&page=2&q=access_token";

        assertThat(AccessLog.redact(target)).isEqualTo(target);
        assertThat(AccessLog.redact("/")).isEqualTo("/");
    }

    @Test
    void parametersThatOnlyEndWithASecretNameAreUntouched() {
        String target = "/x?my_access_token=keep&notoken=keep2&xclient_secret=keep3";

        assertThat(AccessLog.redact(target)).isEqualTo(target);
    }

    @Test
    void pathSegmentsNamedLikeSecretsAreUntouched() {
        String target = "/applications/access_token=1/client_secret";

        assertThat(AccessLog.redact(target)).isEqualTo(target);
    }
}
