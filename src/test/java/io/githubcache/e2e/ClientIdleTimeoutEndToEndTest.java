package io.githubcache.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.ManagementClient;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.UpstreamStub;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Idle or trickling clients cannot hold connections forever; the timeout is never shorter than a request may
 * legitimately wait (upstream-timeout + lock-timeout + 2s). Clients that do not read their answers cannot pile
 * them up in the proxy's memory, and a slow download is not taken for an idle connection.
 */
class ClientIdleTimeoutEndToEndTest {

    /** Effective idle timeout of these tests: max(1s, upstream-timeout + lock-timeout + 2s) = 4s. */
    private static final String[] SHORT_TIMEOUTS = {"github.cache.client-idle-timeout", "1s",
            "github.cache.upstream-timeout", "1s", "github.cache.lock-timeout", "1s"};

    @Test
    void silentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (UpstreamStub upstream = new UpstreamStub();
                ProxyHarness proxy = ProxyHarness.start(upstream.url(), "github.cache.client-idle-timeout", "1s",
                        "github.cache.upstream-timeout", "1s", "github.cache.lock-timeout", "1s");
                Socket silent = new Socket("127.0.0.1", proxy.port())) {
            // effective timeout: max(1s, upstream-timeout + lock-timeout + 2s) = 4s
            silent.setSoTimeout(30_000);
            long t0 = System.nanoTime();
            InputStream in = silent.getInputStream();
            int read = in.read();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(read).as("the proxy closed the silent connection").isEqualTo(-1);
            assertThat(took).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(20));
            assertThat(upstream.count()).isZero();

            // the proxy keeps serving
            assertThat(proxy.get("/repos/o/after-idle").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void requestHeadTrickledByteByByteIsAnswered408WithinTheTimeout() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (UpstreamStub upstream = new UpstreamStub();
                ProxyHarness proxy = ProxyHarness.start(upstream.url(), SHORT_TIMEOUTS);
                Socket slow = new Socket("127.0.0.1", proxy.port())) {
            slow.setSoTimeout(30_000);
            // a header that never ends, one byte every 100 ms: the idle timeout alone never fires
            byte[] head = ("GET /repos/o/slow HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(10_000))
                    .getBytes(StandardCharsets.ISO_8859_1);
            OutputStream out = slow.getOutputStream();
            int[] sent = {0};
            trickle.scheduleAtFixedRate(() -> {
                try {
                    out.write(head[sent[0]++ % head.length]);
                    out.flush();
                } catch (IOException closed) {
                    throw new IllegalStateException(closed); // ends the task
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            long t0 = System.nanoTime();
            String answer = readAll(slow.getInputStream());
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(answer).startsWith("HTTP/1.1 408 ");
            assertThat(answer).contains("Request Timeout");
            assertThat(took).as("before: open until the test gave up").isBetween(Duration.ofSeconds(3), Duration.ofSeconds(15));
            assertThat(upstream.count()).isZero();
            assertThat(proxy.get("/repos/o/after-slow").statusCode()).isEqualTo(200);
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void clientThatPipelinesAndNeverReadsGetsNoMoreAnswersUntilItReads() throws Exception {
        try (UpstreamStub upstream = new UpstreamStub();
                ProxyHarness proxy = ProxyHarness.start(upstream.url(), SHORT_TIMEOUTS);
                Socket client = new Socket()) {
            ManagementClient management = new ManagementClient(proxy.managementPort());
            String hits = "github_cache_requests_total{cache_status=\"HIT\",status_class=\"2xx\"}";
            int requests = 60;
            pipelineBigRequests(upstream, proxy, client, BIG_PATH, requests);

            // before: all 60 answers (120 MB) were written at once into memory outside the heap
            Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                    .until(() -> management.scrape().value(hits) < 15);

            List<Integer> statuses = readResponses(new BufferedInputStream(client.getInputStream()), requests);
            assertThat(statuses).hasSize(requests).containsOnly(200);
            assertThat(management.scrape().value(hits)).isEqualTo(requests);
            assertThat(upstream.count(BIG_PATH)).isEqualTo(1);
        }
    }

    @Test
    void downloadThatOutlastsTheIdleTimeoutIsNotCut() throws Exception {
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        try (UpstreamStub upstream = new UpstreamStub();
                ProxyHarness proxy = ProxyHarness.start(upstream.url(), SHORT_TIMEOUTS);
                Socket client = new Socket()) {
            int requests = 10; // 20 MB taken at about 2.5 MB/s: about 8 s, twice the idle timeout
            pipelineBigRequests(upstream, proxy, client, BIG_PATH, requests);
            Semaphore budget = new Semaphore(0);
            pace.scheduleAtFixedRate(() -> budget.release(256 * 1024), 0, 100, TimeUnit.MILLISECONDS);
            InputStream paced = new InputStream() {
                private final InputStream in = client.getInputStream();

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = Math.min(len, 16 * 1024);
                    try {
                        budget.acquire(n);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                    return in.read(b, off, n);
                }
            };
            long t0 = System.nanoTime();
            List<Integer> statuses = readResponses(new BufferedInputStream(paced, 16 * 1024), requests);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            // before: the read timeout closed the connection 4 s in, in the middle of an answer
            assertThat(statuses).hasSize(requests).containsOnly(200);
            assertThat(took).as("the download outlasted the idle timeout").isGreaterThan(Duration.ofSeconds(5));
        } finally {
            pace.shutdownNow();
        }
    }

    @Test
    void clientsThatNeverReadHoldLittleMemoryOutsideTheHeap() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (UpstreamStub upstream = new UpstreamStub();
                ProxyHarness proxy = ProxyHarness.start(upstream.url(), SHORT_TIMEOUTS)) {
            ManagementClient management = new ManagementClient(proxy.managementPort());
            String hits = "github_cache_requests_total{cache_status=\"HIT\",status_class=\"2xx\"}";
            String direct = "jvm_buffer_memory_used_bytes{id=\"direct\"}";
            int connections = 30;
            cache(upstream, proxy, HUGE_PATH);
            double before = management.scrape().value(direct); // the upstream client's pooled buffers
            for (int i = 0; i < connections; i++) {
                Socket client = new Socket();
                clients.add(client);
                pipelineBigRequests(upstream, proxy, client, HUGE_PATH, 1);
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> management.scrape().value(hits) >= connections);

            // before: each answer was copied whole outside the heap, and what the kernel did not take (at least 2
            // of its 6 MB) stayed there: 60 MB or more for 30 clients
            assertThat(management.scrape().value(direct) - before).isLessThan(20.0 * 1024 * 1024);
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    /** 2 MB answers. */
    private static final String BIG_PATH = "/repos/o/big";
    /** 6 MB answers: more than the kernel's send buffer (up to 4 MB here) takes for a client that does not read. */
    private static final String HUGE_PATH = "/repos/o/huge";

    /**
     * Caches the answer at {@code path} ({@link #BIG_PATH} or {@link #HUGE_PATH}) on first use, connects
     * {@code client} with a 4 KB receive buffer (so the kernel holds little of what the client does not read) and
     * sends {@code requests} pipelined GETs for it at once.
     */
    private static void pipelineBigRequests(UpstreamStub upstream, ProxyHarness proxy, Socket client, String path,
            int requests) throws Exception {
        cache(upstream, proxy, path);
        client.setReceiveBufferSize(4096);
        client.connect(new InetSocketAddress("127.0.0.1", proxy.port()));
        client.setSoTimeout(30_000);
        client.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").repeat(requests)
                .getBytes(StandardCharsets.ISO_8859_1));
        client.getOutputStream().flush();
    }

    /** Caches the answer at {@code path} unless it is already. */
    private static void cache(UpstreamStub upstream, ProxyHarness proxy, String path) throws Exception {
        if (upstream.count(path) == 0) {
            upstream.gzip(false);
            upstream.canned(path, UpstreamStub.Canned.json(200, json(path.equals(HUGE_PATH) ? 6 << 20 : 2 << 20)));
            assertThat(proxy.get(path).statusCode()).isEqualTo(200);
        }
    }

    /** A JSON document of about {@code size} bytes that gzip cannot shrink much. */
    private static String json(int size) {
        Random random = new Random(42);
        StringBuilder b = new StringBuilder(size + 32).append("{\"blob\":\"");
        while (b.length() < size) {
            b.append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
        }
        return b.append("\"}").toString();
    }

    /** Reads until the proxy closes the connection. */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // closed with a reset: what arrived is kept
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads {@code count} responses with Content-Length bodies; their statuses (fewer if the connection ends). */
    private static List<Integer> readResponses(InputStream in, int count) throws IOException {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String statusLine = line(in);
            if (statusLine == null) {
                break;
            }
            long length = 0;
            for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
                if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).trim());
                }
            }
            in.skipNBytes(length); // EOFException when the connection ends inside the body
            statuses.add(Integer.parseInt(statusLine.substring(9, 12)));
        }
        return statuses;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                return b.toString().stripTrailing();
            }
            b.append((char) c);
        }
        return b.isEmpty() ? null : b.toString();
    }
}
