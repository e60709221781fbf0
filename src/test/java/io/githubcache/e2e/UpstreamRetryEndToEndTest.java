package io.githubcache.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.ScriptedUpstream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pooled keep-alive connection that the upstream closed or reset just as the proxy sent a request on it: a GET
 * (a fill, a revalidation) is sent once more, on a new connection, as nginx does; nothing else is.
 *
 * <p>The stub answers the first request on each connection and loses the connection (FIN or RST, per test)
 * on the next one without answering: for the proxy, the same as an upstream that closed the idle connection a
 * moment before the request went out. Before each request the test waits until no upstream connection is lent
 * out, so that the next request takes the pooled one.
 */
class UpstreamRetryEndToEndTest {

    private static final String ETAG = "\"v1\"";
    /** Requests sent to the upstream that closes every connection after its answer (more: -Dretry.requests=). */
    private static final int REQUESTS = Integer.getInteger("retry.requests", 100);

    /** The number each request head had on its connection (0: the first), in the order they came. */
    private final List<Integer> nths = new CopyOnWriteArrayList<>();

    /** Answers the first request on each connection; on a later one, {@code lost} (a CLOSE or RESET marker). */
    private BiFunction<String, Integer, String> answersOnceThen(String lost) {
        return (head, nth) -> {
            nths.add(nth);
            return nth == 0 ? answer(head) : lost;
        };
    }

    private static String answer(String head) {
        if (ETAG.equals(ScriptedUpstream.header(head, "If-None-Match"))) {
            return "HTTP/1.1 304 Not Modified\r\nETag: " + ETAG + "\r\nCache-Control: private, max-age=60\r\n\r\n";
        }
        String body = "{\"path\":\"" + ScriptedUpstream.path(head) + "\"}";
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Cache-Control: private, max-age=60\r\nETag: " + ETAG + "\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body;
    }

    /** The request as the upstream saw it, without the hop-by-hop Connection line (keep-alive, then close). */
    private static String endToEnd(String head) {
        return head.replaceAll("(?im)^connection:[^\r]*\r\n", "");
    }

    @ParameterizedTest
    @ValueSource(strings = {ScriptedUpstream.CLOSE, ScriptedUpstream.RESET})
    void aMissOnAConnectionLostBeforeTheAnswerIsSentOnceMoreOnANewConnection(String lost) throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream(answersOnceThen(lost));
                ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "20s")) {
            for (String path : List.of("/repos/o/a", "/repos/o/b", "/repos/o/c", "/repos/o/d")) {
                awaitUpstreamConnectionsReturned();
                HttpResponse<byte[]> r = p.get(path, "Authorization", "token T");
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                assertThat(ProxyHarness.status(r)).as(path).isEqualTo("MISS");
                assertThat(ProxyHarness.body(r)).isEqualTo("{\"path\":\"" + path + "\"}");
            }

            // a on a new connection; b on a's, lost, again on a new one; c on a new one (a's is closed); d as b
            assertThat(nths).containsExactly(0, 1, 0, 0, 1, 0);
            List<String> heads = upstream.requestHeads();
            assertThat(endToEnd(heads.get(2))).as("the same request again").isEqualTo(endToEnd(heads.get(1)));
            assertThat(ScriptedUpstream.path(heads.get(2))).isEqualTo("/repos/o/b");
            assertThat(ScriptedUpstream.header(heads.get(2), "Authorization")).isEqualTo("token T");
        }
    }

    /**
     * The audit's upstream: it closes (or resets) every connection right after its answer, so that the proxy may
     * or may not have seen it go before it sends the next request there. Such a request never reaches the upstream
     * and is sent again: every request is answered, each reached the upstream exactly once.
     */
    @ParameterizedTest
    @ValueSource(strings = {ScriptedUpstream.CLOSE, ScriptedUpstream.RESET})
    void anUpstreamThatClosesEachConnectionRightAfterAnsweringCostsNoErrors(String lost) throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream(head -> lost + answer(head));
                ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "20s")) {
            int errors = 0;
            for (int i = 0; i < REQUESTS; i++) {
                if (p.get("/repos/o/r" + i).statusCode() != 200) {
                    errors++;
                }
            }
            assertThat(errors).isZero();
            assertThat(upstream.requestHeads()).hasSize(REQUESTS);
        }
    }
    @ParameterizedTest
    @ValueSource(strings = {ScriptedUpstream.CLOSE, ScriptedUpstream.RESET})
    void aRevalidationOnAConnectionLostBeforeTheAnswerIsSentOnceMoreWithItsValidators(String lost)
            throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream(answersOnceThen(lost));
                ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "20s")) {
            assertThat(p.get("/repos/o/r").statusCode()).isEqualTo(200);
            p.clock().advance(Duration.ofSeconds(61));
            awaitUpstreamConnectionsReturned();

            HttpResponse<byte[]> r = p.get("/repos/o/r");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(ProxyHarness.status(r)).as("not STALE: the upstream was asked again").isEqualTo("REVALIDATED");
            assertThat(nths).containsExactly(0, 1, 0);
            List<String> heads = upstream.requestHeads();
            assertThat(ScriptedUpstream.header(heads.get(2), "If-None-Match")).isEqualTo(ETAG);
            assertThat(endToEnd(heads.get(2))).isEqualTo(endToEnd(heads.get(1)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ScriptedUpstream.CLOSE, ScriptedUpstream.RESET})
    void aPostOnAConnectionLostBeforeTheAnswerIsNotSentTwice(String lost) throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream(answersOnceThen(lost));
                ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "20s")) {
            assertThat(p.get("/repos/o/r").statusCode()).isEqualTo(200);
            awaitUpstreamConnectionsReturned();

            HttpResponse<byte[]> r = p.send("POST", "/repos/o/r/issues", "{\"title\":\"t\"}".getBytes());

            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(nths).containsExactly(0, 1);
            assertThat(upstream.requestHeads().get(1)).startsWith("POST /repos/o/r/issues ");
        }
    }

    /** As nginx: an upstream that closes every connection unanswered costs one attempt per request. */
    @Test
    void anUpstreamThatClosesEveryConnectionUnansweredIsAskedOncePerRequest() throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream((head, nth) -> {
            nths.add(nth);
            return ScriptedUpstream.CLOSE;
        }); ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "20s")) {
            for (String path : List.of("/repos/o/a", "/repos/o/b", "/repos/o/c")) {
                awaitUpstreamConnectionsReturned();
                assertThat(p.get(path).statusCode()).as(path).isEqualTo(502);
            }

            assertThat(nths).as("each on a new connection, once").containsExactly(0, 0, 0);
        }
    }

    /** Part of a status line is part of the answer: the request may have been acted on, it is not sent again. */
    @Test
    void aConnectionLostAfterPartOfTheAnswerIsNotRetried() throws Exception {
        try (ScriptedUpstream upstream = new ScriptedUpstream(
                answersOnceThen(ScriptedUpstream.CLOSE + "HTTP/1.1 2"));
                ProxyHarness p = ProxyHarness.start(upstream.url(), "github.cache.upstream-timeout", "20s")) {
            assertThat(p.get("/repos/o/a").statusCode()).isEqualTo(200);
            awaitUpstreamConnectionsReturned();

            assertThat(p.get("/repos/o/b").statusCode()).isEqualTo(502);
            assertThat(nths).containsExactly(0, 1);
        }
    }

    /**
     * Waits until every upstream connection is back in its pool (commons-pool's JMX view of camel-netty's
     * producer pools): Camel returns one when the exchange completes, just after the client got its answer.
     */
    private static void awaitUpstreamConnectionsReturned() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName pools = new ObjectName("org.apache.commons.pool2:type=GenericObjectPool,*");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Set<ObjectName> names = server.queryNames(pools, null);
            assertThat(names).as("camel-netty's producer pools in JMX").isNotEmpty();
            for (ObjectName name : names) {
                if (((Number) server.getAttribute(name, "NumActive")).intValue() != 0) {
                    return false;
                }
            }
            return true;
        });
    }
}
