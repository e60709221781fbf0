package io.githubcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.Header;
import io.githubcache.cache.HeaderList;
import io.githubcache.cache.MemoryEntryStore;
import io.githubcache.cache.VaryMarker;
import io.githubcache.store.TieredEntryStore;
import io.githubcache.store.TouchInterval;
import io.githubcache.support.ProxyHarness;
import io.githubcache.support.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The Redis tier against a real redis-server: format, lifetime, versioning, and never failing the caller. */
class RedisEntryStoreTest {

    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static RedisServer server;
    private static RedisClient inspector;
    private static StatefulRedisConnection<byte[], byte[]> inspect;

    @BeforeAll
    static void start() throws Exception {
        server = RedisServer.startNew();
        inspector = RedisClient.create(server.url());
        inspect = inspector.connect(ByteArrayCodec.INSTANCE);
    }

    @AfterAll
    static void stop() throws Exception {
        inspect.close();
        inspector.shutdown();
        server.close();
    }

    private static RedisEntryStore store(String url, Duration inactive) {
        return new RedisEntryStore(new RedisSettings(true, url, TIMEOUT), inactive);
    }

    private static CachedResponse response(String body) {
        return new CachedResponse(200, HeaderList.of(List.of(new Header("ETag", "\"v1\""),
                new Header("Content-Type", "application/json"))), body.getBytes(StandardCharsets.UTF_8),
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:01:00Z"));
    }

    private static String key(String target) {
        return "http://up\n" + "a".repeat(64) + "\napplication/json\n2022-11-28\n" + target;
    }

    @Test
    void entriesRoundTripUnderHashedKeysWithTheInactiveLifetime() {
        try (RedisEntryStore store = store(server.url(), Duration.ofHours(1))) {
            store.put(key("/a"), response("{\"a\":1}"));
            store.put(key("/v"), new VaryMarker(List.of("accept-language")));

            CachedResponse back = (CachedResponse) store.get(key("/a"));
            assertThat(back.status()).isEqualTo(200);
            assertThat(new String(back.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
            assertThat(back.etag()).isEqualTo("\"v1\"");
            assertThat(back.expiresAt()).isEqualTo(Instant.parse("2026-01-01T00:01:00Z"));
            assertThat(store.get(key("/v"))).isInstanceOf(VaryMarker.class);
            assertThat(store.get(key("/missing"))).isNull();

            RedisCommands<byte[], byte[]> r = inspect.sync();
            byte[] rk = RedisEntryStore.redisKey(key("/a"));
            assertThat(new String(rk, StandardCharsets.US_ASCII)).startsWith("ghc:v1:e:").doesNotContain("/a");
            long pttl = r.pttl(rk);
            assertThat(pttl).isGreaterThan(Duration.ofMinutes(59).toMillis()).isLessThanOrEqualTo(Duration.ofHours(1).toMillis());
        }
    }

    @Test
    void hitsServedFromTheMemoryTierRenewTheKeysExpiry() {
        java.util.concurrent.atomic.AtomicLong ticker = new java.util.concurrent.atomic.AtomicLong(1);
        Duration inactive = Duration.ofHours(1);
        try (RedisEntryStore redis = store(server.url(), inactive);
                TieredEntryStore tiered = new TieredEntryStore(new MemoryEntryStore(1 << 20, inactive), redis,
                        TouchInterval.forInactive(inactive), ticker::get)) {
            tiered.put(key("/hot"), response("{}"));
            byte[] rk = RedisEntryStore.redisKey(key("/hot"));
            RedisCommands<byte[], byte[]> r = inspect.sync();
            r.pexpire(rk, 5_000); // as if most of inactive had passed since the put

            assertThat(tiered.getWithoutIo(key("/hot"))).isNotNull(); // within the interval: no report yet
            assertThat(r.pttl(rk)).isLessThanOrEqualTo(5_000);

            ticker.addAndGet(TouchInterval.forInactive(inactive).nanos());
            assertThat(tiered.getWithoutIo(key("/hot"))).isNotNull();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(r.pttl(rk)).isGreaterThan(Duration.ofMinutes(59).toMillis()));
        }
    }

    @Test
    void removeIfScansOnePartitionAndRemovesWhatMatches() {
        try (RedisEntryStore store = store(server.url(), Duration.ofHours(1))) {
            store.put(key("/repos/o/r/issues?page=1"), response("1"));
            store.put(key("/repos/o/r/issues?page=2"), response("2"));
            store.put(key("/repos/o/r/pulls"), response("3"));
            String prefix = "http://up\n" + "a".repeat(64) + "\n";

            int removed = store.removeIf(prefix, k -> k.endsWith("/repos/o/r/issues?page=1")
                    || k.endsWith("/repos/o/r/issues?page=2"));

            assertThat(removed).isEqualTo(2);
            assertThat(store.get(key("/repos/o/r/issues?page=1"))).isNull();
            assertThat(store.get(key("/repos/o/r/pulls"))).isNotNull();
        }
    }

    @Test
    void entriesOfAnotherFormatVersionAreMissesNotFailures() {
        try (RedisEntryStore store = store(server.url(), Duration.ofHours(1))) {
            RedisCommands<byte[], byte[]> r = inspect.sync();
            // a newer replica's envelope
            byte[] future = RedisEntryStore.wrap(key("/future"), response("x"));
            future[1] = 9;
            r.set(RedisEntryStore.redisKey(key("/future")), future);
            // the current envelope around a newer entry format
            byte[] newerEntry = RedisEntryStore.wrap(key("/newer-entry"), response("y"));
            int entryStart = 6 + key("/newer-entry").getBytes(StandardCharsets.UTF_8).length;
            newerEntry[entryStart] = 99;
            r.set(RedisEntryStore.redisKey(key("/newer-entry")), newerEntry);
            r.set(RedisEntryStore.redisKey(key("/garbage")), "not an entry".getBytes(StandardCharsets.UTF_8));

            assertThat(store.get(key("/future"))).isNull();
            assertThat(store.get(key("/newer-entry"))).isNull();
            assertThat(store.get(key("/garbage"))).isNull();
            assertThat(store.isUp()).isTrue(); // a value it cannot read is not a Redis failure
            assertThat(store.errors()).isZero();
        }
    }

    @Test
    void aSlowRedisCostsAtMostTheTimeoutAndIsAMiss() {
        try (RedisEntryStore store = store(server.url(), Duration.ofHours(1))) {
            store.put(key("/slow"), response("s"));
            inspect.sync().clientPause(1500); // every client's commands wait 1.5 s
            {
                long start = System.nanoTime();
                assertThat(store.get(key("/slow"))).isNull();
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(tookMs).isLessThan(1000);
                assertThat(store.errors()).isGreaterThanOrEqualTo(1);
                assertThat(store.isUp()).isFalse();
                // while the circuit is open, calls skip Redis at once
                long skipStart = System.nanoTime();
                store.put(key("/skipped"), response("k"));
                assertThat(store.tryLock("x", new byte[] {1}, 1000)).isNull();
                assertThat((System.nanoTime() - skipStart) / 1_000_000).isLessThan(100);
            }
            await().atMost(Duration.ofSeconds(10)).until(store::isUp);
            assertThat(store.get(key("/slow"))).isNotNull();
        }
    }

    @Test
    void startsWithoutRedisAndUsesItOnceItAppears() throws Exception {
        int port = ProxyHarness.freePort();
        try (RedisEntryStore store = store("redis://127.0.0.1:" + port + "/0", Duration.ofHours(1))) {
            assertThat(store.isUp()).isFalse();
            store.put(key("/early"), response("e"));
            assertThat(store.get(key("/early"))).isNull();
            assertThat(store.entryCount()).isZero();

            try (RedisServer late = startOn(port)) {
                await().atMost(Duration.ofSeconds(10)).until(store::isUp);
                store.put(key("/late"), response("l"));
                assertThat(store.get(key("/late"))).isNotNull();
                assertThat(store.entryCount()).isEqualTo(1);
            }
        }
    }

    @Test
    void redisUnusableFromStartupIsOneWarningWithoutThePassword() throws Exception {
        int refused = ProxyHarness.freePort();
        try (RedisServer guarded = RedisServer.startNew()) {
            RedisClient admin = RedisClient.create(guarded.url());
            try (StatefulRedisConnection<String, String> c = admin.connect()) {
                c.sync().configSet("requirepass", "right-pw");
            } finally {
                admin.shutdown();
            }
            for (String url : new String[] {"redis://:pw-SECRET@127.0.0.1:" + refused + "/0",
                    guarded.url().replace("redis://", "redis://:pw-SECRET@"), // the wrong password
                    server.url().replaceAll("/\\d+$", "") + "/99"}) { // no such database
                assertOneWarningWithoutPassword(url);
            }
        }
    }

    private static void assertOneWarningWithoutPassword(String url) {
        Logger logger = (Logger) LoggerFactory.getLogger(RedisEntryStore.class);
        Level level = logger.getLevel();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        logger.setLevel(Level.DEBUG);
        try (RedisEntryStore store = store(url, Duration.ofHours(1))) {
            // the probe keeps trying (at DEBUG) without another warning
            await().atMost(Duration.ofSeconds(10)).until(() -> log.list.stream()
                    .filter(e -> e.getLevel() == Level.DEBUG).count() >= 3);
            assertThat(store.isUp()).isFalse();
            assertThat(store.errors()).as("counted once, as the warning").isEqualTo(1);
        } finally {
            logger.detachAppender(log);
            logger.setLevel(level);
        }
        List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).as(url).hasSize(1);
        assertThat(warnings.get(0)).as(url).startsWith("Redis at ").contains("failed (")
                .doesNotContain("pw-SECRET");
    }

    private static RedisServer startOn(int port) throws Exception {
        return RedisServer.startOn(port);
    }

    @Test
    void theFillLockIsExclusiveAndOnlyItsHolderReleasesIt() {
        try (RedisEntryStore store = store(server.url(), Duration.ofHours(1))) {
            byte[] mine = {1};
            byte[] theirs = {2};
            assertThat(store.tryLock("lock-1", mine, 10_000)).isTrue();
            assertThat(store.tryLock("lock-1", theirs, 10_000)).isFalse();
            store.releaseLock("lock-1", theirs); // not the holder: no effect
            assertThat(store.tryLock("lock-1", theirs, 10_000)).isFalse();
            store.releaseLock("lock-1", mine);
            assertThat(store.tryLock("lock-1", theirs, 10_000)).isTrue();
            long pttl = inspect.sync().pttl(RedisEntryStore.lockKey("lock-1"));
            assertThat(pttl).isPositive().isLessThanOrEqualTo(10_000);
        }
    }
}
