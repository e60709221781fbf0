package io.githubcache.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.githubcache.route.UpstreamOutcomes;
import io.githubcache.support.CapturedLog;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.ScriptedUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Upstream connections are pooled and kept alive: one answer must stay matched with one request, whatever the
 * upstream sends first, and a connection whose answer could not be read must not be used again.
 */
class UpstreamConnectionEndToEndTest {

    private static String json(String path, String auth) {
        return "{\"path\":\"" + path + "\",\"auth\":\"" + auth + "\"}";
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Cache-Control: private, max-age=60\r\nVary: Accept, Authorization, Cookie, X-GitHub-OTP\r\n"
                + "ETag: \"e\"\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    /** Before: the 103 was taken as the answer and each next request got the previous one's body (token A's). */
    @Test
    void anInterimResponseBeforeTheAnswerIsSkippedAndNoAnswerGoesToAnotherRequest() throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream(head -> "HTTP/1.1 103 Early Hints\r\n"
                + "Link: </assets/app.css>; rel=preload\r\n\r\n"
                + ok(json(ScriptedUpstream.path(head), ScriptedUpstream.header(head, "Authorization"))));
                ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "5s")) {
            String[][] requests = {
                {"/user/alice/private", "token ALICE"},
                {"/repos/bob/thing", "token BOB"},
                {"/repos/carol/thing", "token CAROL"},
                {"/repos/bob/thing", "token BOB"},
            };
            for (String[] r : requests) {
                HttpResponse<byte[]> answer = p.get(r[0], "Authorization", r[1]);
                assertThat(answer.statusCode()).as("%s", r[0]).isEqualTo(200);
                assertThat(ProxyHarness.body(answer)).as("%s with %s", r[0], r[1]).isEqualTo(json(r[0], r[1]));
            }
            assertThat(ProxyHarness.status(p.get("/repos/bob/thing", "Authorization", "token BOB"))).isEqualTo("HIT");
            assertThat(upstream.requestHeads()).hasSize(3);
        }
    }

    /** A HEAD goes upstream as HEAD when never cached: an interim response before its answer fails it at once. */
    @Test
    void anInterimResponseToAHeadFailsItAtOnceInsteadOfTimingOut() throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream(head -> "HTTP/1.1 103 Early Hints\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n");
                ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "30s")) {
            long start = System.nanoTime();
            HttpResponse<byte[]> r = p.send("HEAD", "/rate_limit", null);
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(millis).as("well before the 30 s upstream timeout").isLessThan(15_000);
            assertThat(ScriptedUpstream.path(upstream.requestHeads().get(0))).isEqualTo("/rate_limit");
            assertThat(upstream.requestHeads().get(0)).startsWith("HEAD ");
        }
    }

    /** Before: the next request was sent on the dead connection and answered 504 after the upstream timeout. */
    @Test
    void aConnectionWhoseAnswerCouldNotBeReadIsNotUsedAgain() throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream(head -> ScriptedUpstream.path(head).endsWith("/bad")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello"
                : ok(json(ScriptedUpstream.path(head), "-")));
                ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "20s")) {
            assertThat(p.get("/repos/o/bad").statusCode()).isEqualTo(502);

            HttpResponse<byte[]> good = p.get("/repos/o/good");

            assertThat(good.statusCode()).isEqualTo(200);
            assertThat(ProxyHarness.body(good)).isEqualTo(json("/repos/o/good", "-"));
            assertThat(upstream.connections()).as("a new connection for the second request").isEqualTo(2);
        }
    }

    /** An answer that could not be parsed is logged with what was wrong with it. */
    @Test
    void anUnparsableAnswerIsLoggedWithWhatWasWrong() throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream(
                head -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello");
                ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "20s");
                CapturedLog log = CapturedLog.of(UpstreamOutcomes.class.getName())) {
            assertThat(p.get("/repos/o/two-lengths").statusCode()).isEqualTo(502);

            await().atMost(Duration.ofSeconds(5)).until(() -> !log.events().isEmpty());
            assertThat(log.events()).singleElement().extracting(e -> e.getFormattedMessage()).asString()
                    .startsWith("upstream failed for GET /repos/o/two-lengths: ").contains("Content-Length");
        }
    }

    /** The access log only says 502; nginx's error log says why, and so does ours, once per failed request. */
    @Test
    void anUpstreamRequestThatFailsIsLoggedWithItsCause() throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream(head -> ScriptedUpstream.CLOSE);
                ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "20s");
                CapturedLog log = CapturedLog.of(UpstreamOutcomes.class.getName())) {
            assertThat(p.get("/repos/o/gone?page=2").statusCode()).isEqualTo(502);

            await().atMost(Duration.ofSeconds(5)).until(() -> !log.events().isEmpty());
            assertThat(log.events()).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).startsWith("upstream failed for GET /repos/o/gone: ")
                        .contains("closed");
            });
            assertThat(upstream.requestHeads()).hasSize(1);
        }
    }

    /**
     * Before: the decoder's placeholder for the cut answer reached Camel after the reset had already failed the
     * exchange, replaced its message and with it the "close" marker: the client waited for its own timeout.
     */
    @Test
    void aClientThatAskedForCloseIsClosedAfterAnUpstreamResetMidAnswer() throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream(
                head -> ScriptedUpstream.RESET + "HTTP/1.1 200 OK\r\nContent-Type: appl");
                ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "20s")) {
            for (int i = 0; i < 3; i++) {
                try (java.net.Socket client = new java.net.Socket("127.0.0.1", p.port())) {
                    client.setSoTimeout(10_000); // a SocketTimeoutException here: the proxy never closed
                    client.getOutputStream().write(("GET /repos/o/reset" + i + " HTTP/1.1\r\nHost: x\r\n"
                            + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    String answer = new String(client.getInputStream().readAllBytes(),
                            java.nio.charset.StandardCharsets.ISO_8859_1);
                    assertThat(answer).startsWith("HTTP/1.1 502").containsIgnoringCase("connection: close");
                }
            }
            assertThat(upstream.requestHeads()).hasSize(3);
        }
    }
}
