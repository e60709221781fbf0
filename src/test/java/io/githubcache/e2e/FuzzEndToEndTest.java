package io.githubcache.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.githubcache.support.CapturedLog;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.UpstreamStub;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Sends 10,000 generated malformed or hostile requests, then a normal one. The normal one must be served,
 * the upstream must have seen none of the hostile ones, and no buffer (Netty leak detection at PARANOID) or
 * thread may leak.
 */
class FuzzEndToEndTest {

    private static final int REQUESTS = 10_000;
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "TRACE",
        "G\u0000T", "BREW", ""};

    @Test
    void tenThousandHostileRequestsNeverReachTheUpstreamAndTheProxyKeepsServing() throws Exception {
        ResourceLeakDetector.Level previous = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try (CapturedLog leaks = CapturedLog.of("io.netty.util.ResourceLeakDetector");
                UpstreamStub upstream = new UpstreamStub(); UpstreamStub trap = new UpstreamStub();
                ProxyHarness proxy = ProxyHarness.start(upstream.url(), "github.cache.max-request-body", "64KB",
                        "github.cache.upstream-timeout", "2s")) {
            proxy.get("/warmup");
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            AtomicInteger answered = new AtomicInteger();
            java.util.concurrent.atomic.AtomicIntegerArray silentByKind = new java.util.concurrent.atomic.AtomicIntegerArray(16);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = seed; i < REQUESTS; i += 8) {
                        byte[] request = hostile(random, i, trap.port());
                        // truncated requests and random bytes may never form a request: the proxy rightly waits,
                        // so those are sent without waiting for an answer
                        boolean read = i % 13 != 0 && i % 16 != 0 && i % 16 != 1;
                        if (send(proxy.port(), request, read)) {
                            answered.incrementAndGet();
                        } else if (read) {
                            silentByKind.incrementAndGet(i % 16);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            System.out.println("fuzz: answered " + answered.get() + ", unanswered by kind " + silentByKind);

            var normal = proxy.get("/repos/o/after-fuzz");
            assertThat(normal.statusCode()).isEqualTo(200);
            assertThat(upstream.received()).extracting(UpstreamStub.Received::path)
                    .allMatch(p -> !p.startsWith("/hostile"), "no hostile request reached the upstream")
                    .contains("/repos/o/after-fuzz");
            assertThat(trap.count()).isZero();
            assertThat(answered.get()).isGreaterThan(REQUESTS / 2);

            for (int i = 0; i < 3; i++) {
                System.gc();
                proxy.get("/repos/o/after-gc-" + i);
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThan(threadsBefore + 10));
            assertThat(leaks.events()).extracting(ILoggingEvent::getFormattedMessage)
                    .noneMatch(m -> m.contains("LEAK"));
        } finally {
            ResourceLeakDetector.setLevel(previous);
        }
    }

    /** One generated request; every kind targets /hostile paths or another host, so none may be forwarded. */
    static byte[] hostile(Random r, int i, int trapPort) {
        String path = "/hostile/" + i;
        String s = switch (i % 16) {
            case 0 -> null; // random bytes
            case 1 -> "GET " + path + " HTT"; // truncated request line
            case 2 -> "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000 + r.nextInt(5000)) + "\r\n\r\n";
            case 3 -> "GET " + path + "/%" + (char) ('g' + r.nextInt(10)) + "z HTTP/1.1\r\nHost: x\r\n\r\n";
            case 4 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /hostile/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
            case 5 -> "GET http://127.0.0.1:" + trapPort + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + trapPort + "\r\n\r\n";
            case 6 -> "CONNECT 127.0.0.1:" + trapPort + " HTTP/1.1\r\nHost: 127.0.0.1:" + trapPort + "\r\n\r\n";
            case 7 -> "GET " + path + "/" + "x".repeat(9000 + r.nextInt(3000)) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case 8 -> METHODS[r.nextInt(METHODS.length)] + " " + path + " HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n";
            case 9 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n0123456789";
            case 10 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n";
            case 11 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\nabc";
            case 12 -> "GET " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";
            case 13 -> "GET " + path + "?a=\u00e9\u0001 HTTP/1.1\r\nHost: x\r\n\r\n";
            case 14 -> "GET " + path + " HTTP/1.1\r\n" + "X-H: v\r\n".repeat(2100 + r.nextInt(200)) + "\r\n";
            default -> "GET " + path + " HTTP/1.1\r\n\r\n"; // HTTP/1.1 without Host
        };
        if (s == null) {
            byte[] junk = new byte[1 + r.nextInt(2000)];
            r.nextBytes(junk);
            return junk;
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Writes the bytes; when {@code read}, waits for the proxy's answer or close. True when an answer came. */
    static boolean send(int port, byte[] request, boolean read) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(1000);
            s.setSoLinger(true, 0);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            if (!read) {
                return false;
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            return n > 0 && new String(buf, 0, Math.min(n, 12), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 4")
                    || n > 0 && new String(buf, 0, Math.min(n, 12), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 5");
        } catch (SocketTimeoutException | SocketException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
