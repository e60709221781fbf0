package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.StubbedProxyTest;
import io.githubcache.support.UpstreamStub;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** RFC 9111 section 4.4: a successful write removes the cached reads it affects, in the writer's partition. */
class WriteInvalidationEndToEndTest extends StubbedProxyTest {


    @Test
    void successfulWriteInvalidatesSamePathForThatTokenOnly() throws Exception {
        String path = "/repos/o/r/issues";
        proxy.get(path, "Authorization", "token A");
        proxy.get(path + "?state=open", "Authorization", "token A");
        proxy.get(path, "Authorization", "token B");
        assertThat(status(proxy.get(path, "Authorization", "token A"))).isEqualTo("HIT");

        var write = proxy.send("POST", path, "{\"title\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                "Authorization", "token A", "Content-Type", "application/json");
        assertThat(write.statusCode()).isEqualTo(201);

        assertThat(status(proxy.get(path, "Authorization", "token A"))).isEqualTo("MISS");
        assertThat(status(proxy.get(path + "?state=open", "Authorization", "token A"))).isEqualTo("MISS");
        assertThat(status(proxy.get(path, "Authorization", "token B"))).isEqualTo("HIT");
        // 3 fills, 1 write, 2 refills after the write
        assertThat(upstream.count(path)).isEqualTo(6);
    }

    /** A read already on its way upstream when the write succeeded may carry the old state: answered, not stored. */
    @Test
    void aReadInFlightAcrossTheWriteIsNotStored() throws Exception {
        String path = "/repos/o/r/labels";
        upstream.holdReads(path);
        var read = proxy.getAsync(path, "Authorization", "token A");
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.count(path) == 1);

        var write = proxy.send("POST", path, "{}".getBytes(StandardCharsets.UTF_8), "Authorization", "token A");
        assertThat(write.statusCode()).isEqualTo(201);
        upstream.releaseReads(path);

        var inFlight = read.get(10, TimeUnit.SECONDS);
        assertThat(inFlight.statusCode()).isEqualTo(200);
        assertThat(inFlight.headers().firstValue("Cache-Status").orElseThrow()).doesNotContain("stored");
        assertThat(status(proxy.get(path, "Authorization", "token A"))).isEqualTo("MISS");
        assertThat(status(proxy.get(path, "Authorization", "token A"))).isEqualTo("HIT");
        // the held read, the write, the read after it
        assertThat(upstream.count(path)).isEqualTo(3);
    }

    @Test
    void writeInvalidatesItsLocationOnTheSameUpstream() throws Exception {
        proxy.get("/repos/o/r/issues/7");
        upstream.canned("/repos/o/r/issues", UpstreamStub.Canned.json(201, "{\"number\":7}",
                "Location", upstream.url() + "/repos/o/r/issues/7"));

        proxy.send("POST", "/repos/o/r/issues", "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(status(proxy.get("/repos/o/r/issues/7"))).isEqualTo("MISS");
        assertThat(upstream.count("/repos/o/r/issues/7")).isEqualTo(2);
    }

    @Test
    void failedWriteInvalidatesNothing() throws Exception {
        proxy.get("/repos/o/r");
        upstream.canned("/repos/o/r", UpstreamStub.Canned.json(422, "{\"message\":\"Validation Failed\"}"));

        proxy.send("PATCH", "/repos/o/r", "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(status(proxy.get("/repos/o/r"))).isEqualTo("HIT");
    }
}
