package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.DateHeaders;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.StubbedProxyTest;
import io.githubcache.support.RawResponse;
import io.githubcache.support.RawUpstream;
import io.githubcache.support.UpstreamStub;
import io.githubcache.support.UpstreamStub.Canned;
import io.githubcache.support.UpstreamStub.Received;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What passes through the proxy unchanged, and what a proxy must never pass on. */
class ProxyingEndToEndTest extends StubbedProxyTest {


    @Test
    void pathAndQueryReachTheUpstreamByteForByte() throws Exception {
        String target = "/repos/o/r%2Fx/contents/a%20b?ref=a%2Fb&x=1";

        HttpResponse<byte[]> r = proxy.get(target);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(upstream.count()).isEqualTo(1);
        assertThat(upstream.last().rawUri()).isEqualTo(target);
    }

    @Test
    void upstreamSeesItsOwnHostNotTheClients() throws Exception {
        RawResponse r = RawResponse.exchange(proxy.port(),
                "GET /repos/o/r HTTP/1.1\r\nHost: client.example:8443\r\nConnection: close\r\n\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertThat(upstream.count()).isEqualTo(1);
        assertThat(upstream.last().headerLines("Host")).containsExactly("127.0.0.1:" + upstream.port());
    }

    @Test
    void endToEndRequestHeadersAreForwarded() throws Exception {
        HttpResponse<byte[]> r = proxy.get("/repos/o/r",
                "Authorization", "token ghp_forwarded",
                "Accept", "application/vnd.github+json",
                "User-Agent", "octokit-test/1.0",
                "X-GitHub-Api-Version", "2022-11-28",
                "X-Custom-Trace", "trace-123");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(upstream.count()).isEqualTo(1);
        Received got = upstream.last();
        assertThat(got.headerLines("Authorization")).containsExactly("token ghp_forwarded");
        assertThat(got.headerLines("Accept")).containsExactly("application/vnd.github+json");
        assertThat(got.headerLines("User-Agent")).containsExactly("octokit-test/1.0");
        assertThat(got.headerLines("X-GitHub-Api-Version")).containsExactly("2022-11-28");
        assertThat(got.headerLines("X-Custom-Trace")).containsExactly("trace-123");
    }

    @Test
    void hopByHopRequestHeadersNeverReachTheUpstream() throws Exception {
        RawResponse r = RawResponse.exchange(proxy.port(), "GET /repos/o/r HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Keep-Alive: timeout=5, max=100\r\n"
                + "TE: trailers\r\n"
                + "Proxy-Authorization: Basic c2VjcmV0OnNlY3JldA==\r\n"
                + "Upgrade: websocket\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "X-Kept: yes\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertThat(upstream.count()).isEqualTo(1);
        Received got = upstream.last();
        assertThat(got.header("X-Kept")).isEqualTo("yes");
        assertThat(got.header("Keep-Alive")).isNull();
        assertThat(got.header("TE")).isNull();
        assertThat(got.header("Proxy-Authorization")).isNull();
        assertThat(got.header("Upgrade")).isNull();
        assertThat(got.header("Proxy-Connection")).isNull();
        assertThat(got.headerLines("Connection")).doesNotContain("close");
    }

    @Test
    void headersNamedInConnectionNeverReachTheUpstream() throws Exception {
        RawResponse r = RawResponse.exchange(proxy.port(), "GET /repos/o/r HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "X-Per-Hop: only-for-the-proxy\r\n"
                + "X-Kept: yes\r\n"
                + "Connection: close, X-Per-Hop\r\n\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertThat(upstream.count()).isEqualTo(1);
        assertThat(upstream.last().header("X-Kept")).isEqualTo("yes");
        assertThat(upstream.last().header("X-Per-Hop")).isNull();
    }

    @Test
    void clientSentCamelHeadersNeitherReachTheUpstreamNorSteerTheRoute() throws Exception {
        RawResponse r = RawResponse.exchange(proxy.port(), "GET /repos/o/r HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "CamelHttpPath: /admin/evil\r\n"
                + "CamelHttpUri: http://127.0.0.1:1/evil\r\n"
                + "CamelHttpMethod: DELETE\r\n"
                + "CamelFoo: bar\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertThat(upstream.count()).isEqualTo(1);
        Received got = upstream.last();
        assertThat(got.method()).isEqualTo("GET");
        assertThat(got.rawUri()).isEqualTo("/repos/o/r");
        assertThat(got.headers().keySet()).noneMatch(n -> n != null && n.toLowerCase().startsWith("camel"));
    }

    @Test
    void hopByHopResponseHeadersNeverReachTheClient() throws Exception {
        upstream.canned("/repos/o/hop", Canned.json(200, "{\"hop\":true}",
                "Keep-Alive", "timeout=5, max=100",
                "Proxy-Authenticate", "Basic realm=\"upstream\"",
                "Upgrade", "h2c",
                "Trailer", "X-Checksum",
                "Proxy-Connection", "keep-alive",
                "X-Kept", "yes"));

        RawResponse r = RawResponse.exchange(proxy.port(),
                "GET /repos/o/hop HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertThat(upstream.count()).isEqualTo(1);
        assertThat(r.bodyText()).isEqualTo("{\"hop\":true}");
        assertThat(r.header("X-Kept")).isEqualTo("yes");
        assertThat(r.headerNames()).noneMatch(n -> n.equalsIgnoreCase("Keep-Alive")
                || n.equalsIgnoreCase("Proxy-Authenticate") || n.equalsIgnoreCase("Upgrade")
                || n.equalsIgnoreCase("Trailer") || n.equalsIgnoreCase("Proxy-Connection"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "PATCH", "DELETE"})
    void binaryRequestBodyArrivesIntactWithItsContentType(String method) throws Exception {
        byte[] bytes = new byte[256 * 4];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }

        HttpResponse<byte[]> r = proxy.send(method, "/repos/o/r/releases/1/assets", bytes,
                "Content-Type", "application/octet-stream");

        assertThat(r.statusCode()).isEqualTo(method.equals("POST") ? 201 : 200);
        assertThat(upstream.count()).isEqualTo(1);
        Received got = upstream.last();
        assertThat(got.method()).isEqualTo(method);
        assertThat(got.body()).isEqualTo(bytes);
        assertThat(got.headerLines("Content-Type")).containsExactly("application/octet-stream");
        assertThat(r.body()).isEqualTo(bytes);
    }

    /** GitHub answers 411 to a body-less PUT without Content-Length (e.g. starring a repository). */
    @Test
    void anEmptyPutStillTellsTheUpstreamItsLengthAndAGetDoesNot() throws Exception {
        RawResponse put = RawResponse.exchange(proxy.port(), "PUT /user/starred/o/r HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 0\r\nAccept: application/vnd.github+json\r\nConnection: close\r\n\r\n");

        assertThat(put.status()).isEqualTo(200);
        assertThat(upstream.count()).isEqualTo(1);
        assertThat(upstream.last().method()).isEqualTo("PUT");
        assertThat(upstream.last().headerLines("Content-Length")).containsExactly("0");
        assertThat(upstream.last().headerLines("Accept")).containsExactly("application/vnd.github+json");

        proxy.get("/repos/o/r");
        assertThat(upstream.count()).isEqualTo(2);
        assertThat(upstream.last().headerLines("Content-Length")).isEmpty();
        assertThat(upstream.last().headerLines("Accept-Encoding")).containsExactly("gzip");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "PATCH", "DELETE"})
    void jsonRequestBodyArrivesIntactWithItsContentType(String method) throws Exception {
        byte[] json = "{\"title\":\"Ünïcödé ✓\",\"body\":\"line1\\nline2\",\"labels\":[\"a\",\"b\"]}"
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> r = proxy.send(method, "/repos/o/r/issues", json,
                "Content-Type", "application/json; charset=utf-8");

        assertThat(r.statusCode()).isEqualTo(method.equals("POST") ? 201 : 200);
        assertThat(upstream.count()).isEqualTo(1);
        Received got = upstream.last();
        assertThat(got.method()).isEqualTo(method);
        assertThat(got.body()).isEqualTo(json);
        assertThat(got.headerLines("Content-Type")).containsExactly("application/json; charset=utf-8");
        assertThat(got.headerLines("Content-Length")).containsExactly(Integer.toString(json.length));
    }

    @Test
    void fiveMegabyteResponseComesBackIntactOnMissAndHit() throws Exception {
        byte[] big = new byte[5 * 1024 * 1024];
        new Random(42).nextBytes(big);
        upstream.canned("/repos/o/r/tarball", new Canned(200,
                List.<String[]>of(new String[] {"Content-Type", "application/octet-stream"}), big));

        HttpResponse<byte[]> first = proxy.get("/repos/o/r/tarball");
        HttpResponse<byte[]> second = proxy.get("/repos/o/r/tarball");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(status(first)).isEqualTo("MISS");
        assertThat(first.body()).isEqualTo(big);
        assertThat(status(second)).isEqualTo("HIT");
        assertThat(second.body()).isEqualTo(big);
        assertThat(upstream.count()).isEqualTo(1);
    }

    /**
     * {@code Connection} is hop-by-hop: an upstream that closes its connection after each answer must not close the
     * client's. camel-netty-http's producer marks such an exchange "close the channel when complete", and its
     * consumer then closed the client connection after an answer that said keep-alive: a client's next request on
     * it met a closed connection (the JDK client then sent it again, a second upstream request; a POST failed).
     */
    @Test
    void anUpstreamThatClosesItsConnectionsDoesNotCloseTheClients() throws Exception {
        String json = "{\"message\":\"Validation Failed\"}";
        String raw = "HTTP/1.1 422 Unprocessable Entity\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: " + json.length() + "\r\nConnection: close\r\n\r\n" + json;
        try (RawUpstream upstream = new RawUpstream(raw);
                ProxyHarness p = ProxyHarness.start(upstream.url());
                java.net.Socket client = new java.net.Socket("127.0.0.1", p.port())) {
            client.setSoTimeout(10_000);
            java.io.InputStream in = client.getInputStream();
            for (String path : List.of("/repos/o/r/pulls/1", "/repos/o/r/pulls/2", "/repos/o/r/pulls/3")) {
                client.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: cache.internal\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                String head = readHead(in);
                assertThat(head).as("answer to %s on the same connection", path).isNotNull()
                        .startsWith("HTTP/1.1 422").containsIgnoringCase("connection: keep-alive");
                int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
                assertThat(new String(in.readNBytes(length), StandardCharsets.UTF_8)).isEqualTo(json);
            }
            assertThat(upstream.count()).isEqualTo(3);
        }
    }

    /** RFC 9110 section 6.6.1: a response cached or forwarded without Date gets the time it was received. */
    @Test
    void anUpstreamAnswerWithoutDateGetsOneThatTheCachedCopyKeeps() throws Exception {
        String json = "{\"id\":1}";
        String raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nETag: \"e1\"\r\n"
                + "Content-Length: " + json.length() + "\r\nConnection: close\r\n\r\n" + json;
        try (RawUpstream upstream = new RawUpstream(raw); ProxyHarness p = ProxyHarness.start(upstream.url())) {
            HttpResponse<byte[]> miss = p.get("/repos/o/no-date");
            HttpResponse<byte[]> hit = p.get("/repos/o/no-date");

            String date = miss.headers().firstValue("Date").orElseThrow();
            DateHeaders.assertCurrent(date);
            assertThat(ProxyHarness.status(hit)).isEqualTo("HIT");
            assertThat(hit.headers().allValues("Date")).containsExactly(date);
            assertThat(upstream.count()).isEqualTo(1);
        }
    }

    /** The head of the next response on {@code in}, or null if the connection closed first. */
    private static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(ints = {201, 204, 401, 422})
    void nonCacheableStatusComesBackIntactAndIsNotStored(int code) throws Exception {
        String json = code == 204 ? "" : "{\"message\":\"status " + code + "\",\"documentation_url\":\"x\"}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        String raw = "HTTP/1.1 " + code + " Whatever\r\n"
                + "Content-Type: application/json; charset=utf-8\r\n"
                + "Cache-Control: private, max-age=60, s-maxage=60\r\n"
                + "Date: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
                + "X-GitHub-Request-Id: CANNED:" + code + "\r\n"
                + "ETag: \"e-" + code + "\"\r\n"
                + (code == 204 ? "" : "Content-Length: " + bytes.length + "\r\n")
                + "Connection: close\r\n\r\n" + json;
        try (RawUpstream raw1 = new RawUpstream(new String(raw.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
                ProxyHarness p = ProxyHarness.start(raw1.url())) {
            HttpResponse<byte[]> first = p.get("/repos/o/r/status");
            HttpResponse<byte[]> second = p.get("/repos/o/r/status");

            for (HttpResponse<byte[]> r : List.of(first, second)) {
                assertThat(r.statusCode()).isEqualTo(code);
                assertThat(body(r)).isEqualTo(json);
                assertThat(r.headers().allValues("Cache-Control")).containsExactly("private, max-age=60, s-maxage=60");
                assertThat(r.headers().allValues("Date")).containsExactly("Wed, 21 Oct 2015 07:28:00 GMT");
                assertThat(r.headers().allValues("X-GitHub-Request-Id")).containsExactly("CANNED:" + code);
                assertThat(r.headers().allValues("ETag")).containsExactly("\"e-" + code + "\"");
                assertThat(r.headers().allValues("Content-Type")).containsExactly("application/json; charset=utf-8");
                assertThat(status(r)).isEqualTo("MISS");
                assertThat(r.headers().firstValue("Cache-Status").orElseThrow()).doesNotContain("stored");
            }
            assertThat(raw1.count()).isEqualTo(2);
            assertThat(raw1.requestHeads().get(1)).doesNotContainIgnoringCase("If-None-Match");
        }
    }

    @Test
    void headersNamedInTheUpstreamsConnectionHeaderNeverReachTheClient() throws Exception {
        String json = "{\"ok\":true}";
        try (RawUpstream raw = new RawUpstream("HTTP/1.1 200 OK\r\n"
                + "Content-Type: application/json; charset=utf-8\r\n"
                + "X-Upstream-Hop: per-connection\r\n"
                + "X-Kept: yes\r\n"
                + "Connection: close, X-Upstream-Hop\r\n"
                + "Content-Length: " + json.length() + "\r\n\r\n" + json);
                ProxyHarness p = ProxyHarness.start(raw.url())) {
            HttpResponse<byte[]> r = p.get("/repos/o/r");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(body(r)).isEqualTo(json);
            assertThat(raw.count()).isEqualTo(1);
            assertThat(r.headers().firstValue("X-Kept")).contains("yes");
            assertThat(r.headers().firstValue("X-Upstream-Hop")).isEmpty();
        }
    }
}
