package io.githubcache.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.githubcache.log.AccessLog;
import io.githubcache.support.CapturedLog;
import io.githubcache.support.DateHeaders;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.RawHttp;
import io.githubcache.support.StubbedProxyTest;
import io.githubcache.support.RawResponse;
import io.githubcache.support.UpstreamStub;
import java.io.StringWriter;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import net.logstash.logback.marker.LogstashMarker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile requests are refused with a GitHub-style JSON error and a cache status, never reach
 * the upstream, leak no stack trace, and leave the proxy serving.
 */
class BadInputEndToEndTest extends StubbedProxyTest {

    private static final ObjectMapper JSON = new ObjectMapper();


    static Stream<Arguments> badRequests() {
        StringBuilder manyHeaders = new StringBuilder("GET /repos/o/r HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < 20; i++) {
            manyHeaders.append("X-Filler-").append(i).append(": ").append("a".repeat(1000)).append("\r\n");
        }
        manyHeaders.append("\r\n");
        return Stream.of(
                Arguments.of("malformed request line", "GARBAGE\r\n\r\n", 400),
                Arguments.of("invalid percent-encoding",
                        "GET /repos/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                Arguments.of("truncated percent-encoding",
                        "GET /repos/o/r% HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                Arguments.of("header block over 16KB", manyHeaders.toString(), 431),
                Arguments.of("one header over 16KB",
                        "GET /repos/o/r HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(17 * 1024) + "\r\n\r\n", 431),
                Arguments.of("URI over 8KB, beyond the request line limit",
                        "GET /repos/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
                Arguments.of("URI just over 8KB",
                        "GET /" + "a".repeat(8 * 1024) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
                Arguments.of("CONNECT",
                        "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n", 405),
                Arguments.of("TRACE",
                        "TRACE /repos/o/r HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 405),
                Arguments.of("space in target",
                        "GET /repos/o/a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                Arguments.of("control character in target",
                        "GET /repos/o/a\u0001b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                Arguments.of("DEL in target",
                        "GET /repos/o/a\u007fb HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                Arguments.of("non-ASCII byte in target",
                        "GET /repos/o/a\u00ffb HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                Arguments.of("missing Host",
                        "GET /repos/o/r HTTP/1.1\r\n\r\n", 400),
                Arguments.of("two Host headers",
                        "GET /repos/o/r HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n", 400),
                Arguments.of("invalid Content-Length",
                        "POST /repos/o/r/issues HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n{}", 400),
                // before: no answer until the 75 s idle timeout (the client waits for a TLS handshake, Netty for a
                // line end)
                Arguments.of("TLS handshake on the plain port",
                        "\u0016\u0003\u0001\u0000\u00c8\u0001\u0000\u0000\u00c4\u0003\u0003", 400),
                Arguments.of("HTTP/2.0 request line", "GET /repos/o/r HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505),
                Arguments.of("expectation other than 100-continue", "POST /repos/o/r/issues HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nExpect: 999-foo\r\nContent-Length: 2\r\n\r\n{}", 417),
                // before: Camel's bare text/plain 400 without the cache status, and no access log line
                Arguments.of("chunk size not hex", chunked("zz\r\nhello\r\n0\r\n\r\n"), 400),
                Arguments.of("chunk longer than its size", chunked("5\r\nhelloX0\r\n\r\n"), 400),
                Arguments.of("chunk size overflowing", chunked("fffffffffffffffff\r\nx\r\n0\r\n\r\n"), 400),
                // before: no answer until the idle timeout (Netty waits for the chunk-size line's end)
                Arguments.of("binary junk in a chunk-size line without a line end",
                        chunked("abc" + "\u0000\u00ff".repeat(1000)), 400),
                // before: forwarded as is, so a normalising upstream answered another path than the one keyed
                Arguments.of("dot-dot segments above the root",
                        "GET /../../admin/secret HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                Arguments.of("dot-dot segment onto /rate_limit",
                        "GET /x/../rate_limit HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                Arguments.of("percent-encoded dot-dot segment",
                        "GET /repos/%2e%2E/admin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                Arguments.of("half-encoded dot-dot segment at the end",
                        "GET /repos/o/.%2e?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                Arguments.of("dot segment", "GET /repos/./o/r HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400));
    }

    private static String chunked(String body) {
        return "POST /repos/o/r/issues HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestIsRefusedWithJsonAndNeverForwarded(String name, String request, int expectedStatus)
            throws Exception {
        RawResponse r = RawResponse.exchange(proxy.port(), request);

        assertRefused(r, expectedStatus);
        assertThat(upstream.count()).isEqualTo(0);
        assertStillServing();
    }

    @Test
    void bothContentLengthAndTransferEncodingIsRefused() throws Exception {
        RawResponse r = RawResponse.exchange(proxy.port(), "POST /repos/o/r/issues HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\n{}\r\n0\r\n\r\n");

        assertRefused(r, 400);
        assertThat(upstream.count()).isEqualTo(0);
        assertStillServing();
    }

    @Test
    void absoluteFormTargetIsRefusedAndReachesNoOtherHost() throws Exception {
        try (UpstreamStub other = new UpstreamStub()) {
            RawResponse r = RawResponse.exchange(proxy.port(), "GET http://127.0.0.1:" + other.port()
                    + "/x HTTP/1.1\r\nHost: 127.0.0.1:" + other.port() + "\r\n\r\n");

            assertRefused(r, 400);
            assertThat(other.count()).isEqualTo(0);
            assertThat(upstream.count()).isEqualTo(0);
            assertStillServing();
            assertThat(other.count()).isEqualTo(0);
        }
    }

    @Test
    void requestPipelinedAfterARefusedOneIsNeverForwarded() throws Exception {
        String raw = RawHttp.exchange(proxy.port(),
                "GET /repos/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /repos/o/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        assertRefused(RawResponse.parse(raw), 400);
        assertThat(raw.indexOf("HTTP/1.1", 1)).isEqualTo(-1);
        assertThat(upstream.count()).isEqualTo(0);
        assertStillServing();
        assertThat(upstream.count("/repos/o/smuggled")).isEqualTo(0);
    }

    /**
     * Answers leave in request order (RFC 9112 9.3.2), refusals too: before, a bad request pipelined behind one
     * still waiting for the upstream was answered at once, so the client took the 400 for the first request's
     * answer, which the close then lost.
     */
    @Test
    void aBadRequestPipelinedBehindOneAwaitingTheUpstreamIsRefusedAfterItsAnswer() throws Exception {
        upstream.closeGate();
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /repos/o/first HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /repos/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    + "GET /repos/o/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.entered() == 1);
            upstream.openGate();
            String raw = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            assertAnsweredThenRefused(raw, proxy.get("/repos/o/first").body().length);
        }
        assertThat(upstream.count("/repos/o/smuggled")).isEqualTo(0);
    }

    /** The same behind a large hit, which is written as the client takes it (this client reads only afterwards). */
    @Test
    void aBadRequestPipelinedBehindALargeAnswerIsRefusedAfterItsLastByte() throws Exception {
        int size = 4 * 1024 * 1024; // more than the loopback socket takes at once
        upstream.canned("/repos/o/large", UpstreamStub.Canned.json(200, "\"" + "x".repeat(size) + "\"", "ETag", "\"l\""));
        assertThat(proxy.get("/repos/o/large").statusCode()).isEqualTo(200);
        String raw = RawHttp.exchange(proxy.port(),
                ("GET /repos/o/large HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        + "GET /repos/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                10_000);

        assertAnsweredThenRefused(raw, size + 2);
        assertThat(upstream.count("/repos/o/large")).isEqualTo(1);
    }

    /** {@code raw}: one whole 200 of {@code bodyLength} bytes, then a refusal, then the end of the connection. */
    private static void assertAnsweredThenRefused(String raw, int bodyLength) throws Exception {
        java.util.List<String> statusLines = java.util.regex.Pattern.compile("HTTP/1\\.1 \\d{3}").matcher(raw)
                .results().map(java.util.regex.MatchResult::group).toList();
        assertThat(statusLines).containsExactly("HTTP/1.1 200", "HTTP/1.1 400");
        int second = raw.indexOf("HTTP/1.1 400");
        RawResponse answer = RawResponse.parse(raw.substring(0, second));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).hasSize(bodyLength);
        assertThat(answer.header("Content-Length")).isEqualTo(String.valueOf(bodyLength));
        assertThat(raw.substring(0, second)).endsWith(new String(answer.body(), StandardCharsets.ISO_8859_1));
        assertRefused(RawResponse.parse(raw.substring(second)), 400);
    }

    /** GitHub Enterprise's /api/v3: before, a normalising upstream took /api/v3/../../admin/secret out of it. */
    @Test
    void dotSegmentsNeverLeaveAnUpstreamBasePath() throws Exception {
        try (ProxyHarness enterprise = ProxyHarness.start(upstream.url() + "/api/v3")) {
            RawResponse r = RawResponse.exchange(enterprise.port(),
                    "GET /../../admin/secret HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            assertRefused(r, 400);
            assertThat(r.header("X-Github-Cache-Status")).isEqualTo("BYPASS");
            assertThat(JSON.readTree(r.body()).get("message").asText()).contains("\"..\"");
            assertThat(upstream.count()).isEqualTo(0);

            HttpResponse<byte[]> named = enterprise.get("/repos/o/r/contents/.github/...%2Fx");
            assertThat(named.statusCode()).isEqualTo(200);
            assertThat(upstream.last().rawUri()).as("byte for byte")
                    .isEqualTo("/api/v3/repos/o/r/contents/.github/...%2Fx");
        }
    }

    @Test
    void spoofedHostIsServedAndTheUpstreamGetsItsOwnHost() throws Exception {
        RawResponse r = RawResponse.exchange(proxy.port(),
                "GET /repos/o/r HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Github-Cache-Status")).isEqualTo("MISS");
        assertThat(JSON.readTree(r.body()).get("path").asText()).isEqualTo("/repos/o/r");
        assertThat(upstream.count()).isEqualTo(1);
        assertThat(upstream.last().headerLines("Host")).containsExactly("127.0.0.1:" + upstream.port());
    }

    private static void assertRefused(RawResponse r, int expectedStatus) throws Exception {
        assertThat(r.status()).as("status of %s", r.raw().lines().findFirst().orElse("<nothing>"))
                .isEqualTo(expectedStatus);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.hasNonNull("message")).isTrue();
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(r.header("X-Github-Cache-Status")).isNotBlank();
        assertThat(r.header("Cache-Status")).startsWith("github-cache");
        assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
        DateHeaders.assertCurrent(r.header("Date"));
        assertThat(r.raw()).doesNotContain("Exception").doesNotContain("at io.").doesNotContain("at org.");
    }

    /** An access-log event as the JSON layout writes it. */
    private static JsonNode written(ILoggingEvent event) throws Exception {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = JSON.getFactory().createGenerator(out)) {
            generator.writeStartObject();
            ((LogstashMarker) event.getMarkerList().get(0)).writeTo(generator);
            generator.writeEndObject();
        }
        return JSON.readTree(out.toString());
    }

    private void assertStillServing() throws Exception {
        long before = upstream.count();
        HttpResponse<byte[]> ok = proxy.get("/repos/o/r");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(upstream.count()).isEqualTo(before + 1);
    }

    @Test
    void anUploadAbortedMidBodyIsClosedQuietlyAndLoggedOnce() throws Exception {
        try (CapturedLog application = CapturedLog.of(Logger.ROOT_LOGGER_NAME);
                CapturedLog access = CapturedLog.of(AccessLog.LOGGER_NAME)) {
            try (Socket s = new Socket("127.0.0.1", proxy.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("POST /repos/o/r/issues HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100"
                        + "\r\n\r\nabc").getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                s.shutdownOutput(); // the client gives up 97 bytes short

                assertThat(s.getInputStream().read()).as("closed by the proxy without an answer").isEqualTo(-1);
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> !access.events().isEmpty());
            assertThat(access.events()).hasSize(1);
            JsonNode line = written(access.events().get(0));
            assertThat(line.get("request").asText()).isEqualTo("POST /repos/o/r/issues HTTP/1.1");
            assertThat(line.get("status").asInt()).isEqualTo(400);
            assertThat(line.get("upstream_status").asText()).isEqualTo("-");
            assertThat(application.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
        }
        assertThat(upstream.count()).isZero();
        assertStillServing();
    }

    static Stream<Arguments> refusedRequestLines() {
        return Stream.of(
                Arguments.of("GARBAGE\r\n\r\n", "GARBAGE"),
                Arguments.of("GET /repos/o/r HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(20 * 1024)
                        + "\r\n\r\n", "GET /repos/o/r HTTP/1.1"),
                Arguments.of("POST /bad/cl HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n{}",
                        "POST /bad/cl HTTP/1.1"),
                Arguments.of("GET /repos/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "-"),
                Arguments.of("\u0016\u0003\u0001\u0000\u00c8\u0001\u0000\u0000\u00c4\u0003\u0003", "-"),
                Arguments.of("TRACE /repos/o/r HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "TRACE /repos/o/r HTTP/1.1"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refusedRequestLines")
    void aRefusedRequestIsLoggedAsItWasSentNeverWithAnInventedMethodOrVersion(String request, String logged)
            throws Exception {
        try (CapturedLog access = CapturedLog.of(AccessLog.LOGGER_NAME)) {
            RawResponse r = RawResponse.exchange(proxy.port(), request);

            assertThat(r.status()).isBetween(400, 499);
            await().atMost(Duration.ofSeconds(5)).until(() -> !access.events().isEmpty());
            assertThat(access.events()).hasSize(1);
            assertThat(written(access.events().get(0)).get("request").asText()).isEqualTo(logged);
        }
    }

    @Test
    void http10WithoutHostIsServedLikeNginxDoes() throws Exception {
        RawResponse r = RawResponse.exchange(proxy.port(), "GET /repos/o/old-client HTTP/1.0\r\n\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Github-Cache-Status")).isEqualTo("MISS");
        assertThat(upstream.count("/repos/o/old-client")).isEqualTo(1);
        assertThat(upstream.last().header("Host")).isEqualTo("127.0.0.1:" + upstream.port());
    }
}
