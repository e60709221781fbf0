package io.githubcache.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.UpstreamStub;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Idle or trickling clients cannot hold connections forever; the timeout is never shorter than a request may
 * legitimately wait (upstream-timeout + lock-timeout + 2s).
 */
class ClientIdleTimeoutEndToEndTest {

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
}
