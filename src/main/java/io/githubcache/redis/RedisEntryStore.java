package io.githubcache.redis;

import io.githubcache.cache.EntryStore;
import io.githubcache.cache.Stored;
import io.githubcache.store.CorruptEntryException;
import io.githubcache.store.EntryCodec;
import io.githubcache.util.Causes;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.GetExArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared tier: entries in Redis, encoded with {@link EntryCodec} (versioned, CRC32C) inside a small
 * envelope that carries the cache key (which holds no token: the partition is a SHA-256). Redis keys are
 * {@code ghc:v1:e:<group>:<sha256 of the cache key>}, where the group hashes upstream and token partition,
 * so a write's invalidation scans one partition only. Every entry expires after {@code inactive} without use
 * (reads renew it with GETEX, uses served by the memory tier with an asynchronous PEXPIRE, see {@link #touch}).
 *
 * <p>Redis is optional at run time: every call is bounded by {@code redis-timeout}; a failure opens a
 * circuit (calls are skipped, reads are misses, writes are dropped) and a background probe closes it as
 * soon as Redis answers again. Nothing here ever throws to the request path.
 */
public final class RedisEntryStore implements EntryStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEntryStore.class);
    static final String NAMESPACE = "ghc:v1:";
    static final byte[] FILLED_CHANNEL = (NAMESPACE + "filled").getBytes(StandardCharsets.US_ASCII);
    private static final byte ENVELOPE_MAGIC = 'G';
    private static final byte ENVELOPE_VERSION = 1;
    private static final String RELEASE_SCRIPT =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

    private final RedisURI uri;
    private final String redactedUrl;
    private final Duration timeout;
    private final long inactiveMs;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService probe;
    private final AtomicLong errors = new AtomicLong();
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> pubSub;
    private volatile boolean up;
    private volatile boolean closed;
    /** Whether the WARN for a Redis unusable since startup was logged (guarded by probeOnce's monitor). */
    private boolean unavailableLogged;
    private boolean everUp;
    private volatile Consumer<String> fillListener = k -> {
    };

    public RedisEntryStore(RedisSettings settings, Duration inactive) {
        this.uri = RedisURI.create(settings.url());
        this.redactedUrl = RedisSettings.redact(settings.url());
        this.timeout = settings.timeout();
        this.inactiveMs = Math.max(1, inactive.toMillis());
        this.uri.setTimeout(timeout);
        if (settings.password() != null) {
            this.uri.setPassword((CharSequence) settings.password());
        }
        LOG.info("Shared cache tier: Redis at {} (calls bounded by {} ms)", redactedUrl, timeout.toMillis());
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // fail at once while disconnected instead of queueing: the request goes on without Redis
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout()).build())
                .build());
        this.probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "github-cache-redis-probe");
            t.setDaemon(true);
            return t;
        });
        probeOnce();
        probe.scheduleWithFixedDelay(this::probeIfDown, PROBE_INTERVAL.toMillis(), PROBE_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private Duration connectTimeout() {
        return timeout.compareTo(Duration.ofSeconds(1)) > 0 ? timeout : Duration.ofSeconds(1);
    }

    /** Whether Redis answered the last call (the circuit is closed). */
    public boolean isUp() {
        return up;
    }

    /** Failed Redis calls since start (timeouts, refused connections, errors). */
    public long errors() {
        return errors.get();
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Called with the hashed lock key whenever any replica signals that a fill finished. */
    void onFilled(Consumer<String> listener) {
        this.fillListener = listener;
    }

    private void probeIfDown() {
        if (!up && !closed) {
            probeOnce();
        }
    }

    private synchronized void probeOnce() {
        try {
            if (connection == null) {
                StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
                c.setTimeout(timeout);
                connection = c;
            }
            if (pubSub == null) {
                StatefulRedisPubSubConnection<byte[], byte[]> ps = client.connectPubSub(ByteArrayCodec.INSTANCE);
                ps.setTimeout(timeout);
                ps.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(byte[] channel, byte[] message) {
                        fillListener.accept(new String(message, StandardCharsets.US_ASCII));
                    }
                });
                ps.sync().subscribe(FILLED_CHANNEL);
                pubSub = ps;
            }
            connection.sync().ping();
            if (!up) {
                up = true;
                everUp = true;
                LOG.info("Redis at {} is available: the shared cache tier is in use", redactedUrl);
            }
        } catch (RuntimeException e) {
            up = false;
            if (!everUp && !unavailableLogged) {
                // once: a wrong password, database or host at startup shows in the log and in the error counter
                // (what the README says to alert on), not only in health; later probes are not calls that failed
                unavailableLogged = true;
                errors.incrementAndGet();
                LOG.warn("Redis at {} failed ({}); serving from the memory tier and upstream until it answers",
                        redactedUrl, withoutPassword(describe(e)));
            } else {
                LOG.debug("Redis at {} not available yet: {}", redactedUrl, e.toString());
            }
        }
    }

    /** The exception and, when it differs, its root cause: the connect failure alone rarely says why. */
    private static String describe(Throwable e) {
        Throwable root = Causes.root(e);
        return root == e ? e.toString() : e + ", caused by " + root;
    }

    private String withoutPassword(String text) {
        char[] password = uri.getPassword();
        return password == null || password.length == 0 ? text : text.replace(new String(password), "***");
    }

    /** Runs one bounded Redis call; on failure opens the circuit and returns {@code fallback}. */
    <T> T call(Function<RedisCommands<byte[], byte[]>, T> command, T fallback) {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (!up || c == null || closed) {
            return fallback;
        }
        try {
            return command.apply(c.sync());
        } catch (RuntimeException e) {
            errors.incrementAndGet();
            if (up) {
                up = false;
                LOG.warn("Redis at {} failed ({}); serving from the memory tier and upstream until it answers again",
                        redactedUrl, e.toString());
            }
            return fallback;
        }
    }

    // ---- keys ----

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Upstream and token partition: the first two lines of a cache key. */
    private static String groupOf(String key) {
        int first = key.indexOf('\n');
        int second = first < 0 ? -1 : key.indexOf('\n', first + 1);
        return sha256(second < 0 ? key : key.substring(0, second + 1)).substring(0, 16);
    }

    static byte[] redisKey(String key) {
        return (NAMESPACE + "e:" + groupOf(key) + ':' + sha256(key)).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] lockKey(String lockKeyHash) {
        return (NAMESPACE + "l:" + lockKeyHash).getBytes(StandardCharsets.US_ASCII);
    }

    // ---- envelope: magic, version, key length, key, EntryCodec bytes ----

    static byte[] wrap(String key, Stored value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = EntryCodec.encode(key, value);
        return ByteBuffer.allocate(2 + 4 + k.length + v.length)
                .put(ENVELOPE_MAGIC).put(ENVELOPE_VERSION).putInt(k.length).put(k).put(v).array();
    }

    /** The cache key in an envelope, or null when it is not one this version understands. */
    static String keyOf(byte[] data) {
        if (data == null || data.length < 6 || data[0] != ENVELOPE_MAGIC || data[1] != ENVELOPE_VERSION) {
            return null;
        }
        int len = ByteBuffer.wrap(data, 2, 4).getInt();
        if (len < 0 || len > data.length - 6) {
            return null;
        }
        return new String(data, 6, len, StandardCharsets.UTF_8);
    }

    /** The entry, or null when absent, written by an unknown format version, or damaged (never throws). */
    static Stored unwrap(String expectedKey, byte[] data) {
        String key = keyOf(data);
        if (key == null || !key.equals(expectedKey)) {
            return null;
        }
        int offset = 6 + key.getBytes(StandardCharsets.UTF_8).length;
        byte[] body = java.util.Arrays.copyOfRange(data, offset, data.length);
        try {
            return EntryCodec.decode(key, body);
        } catch (CorruptEntryException | RuntimeException e) {
            LOG.debug("Ignoring a shared entry this version cannot read: {}", e.toString());
            return null;
        }
    }

    // ---- EntryStore ----

    @Override
    public Stored get(String key) {
        byte[] data = call(r -> r.getex(redisKey(key), GetExArgs.Builder.px(inactiveMs)), null);
        return data == null ? null : unwrap(key, data);
    }

    /**
     * Renews the key's expiry for a use the memory tier served: hashed on this store's own thread, sent without
     * waiting for the answer. Skipped while the circuit is open; a failure only counts as an error (the next
     * report, or the next read's GETEX, renews it). Not on the event loop: hashing the key is microseconds.
     */
    @Override
    public void touch(String key) {
        if (!up || closed) {
            return;
        }
        try {
            probe.execute(() -> renew(key));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void renew(String key) {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (!up || c == null || closed) {
            return;
        }
        try {
            c.async().pexpire(redisKey(key), inactiveMs).exceptionally(e -> {
                errors.incrementAndGet();
                return null;
            });
        } catch (RuntimeException e) {
            errors.incrementAndGet();
        }
    }

    @Override
    public void put(String key, Stored value) {
        byte[] data = wrap(key, value);
        call(r -> r.set(redisKey(key), data, SetArgs.Builder.px(inactiveMs)), null);
    }

    @Override
    public void remove(String key) {
        call(r -> r.del(redisKey(key)), null);
    }

    @Override
    public int removeIf(Predicate<String> keyFilter) {
        return scanAndRemove(NAMESPACE + "e:*", keyFilter);
    }

    /** A prefix of upstream and token partition (a write's invalidation) scans that partition's keys only. */
    @Override
    public int removeIf(String keyPrefix, Predicate<String> keyFilter) {
        Predicate<String> both = k -> k.startsWith(keyPrefix) && keyFilter.test(k);
        long lines = keyPrefix.chars().filter(c -> c == '\n').count();
        if (lines == 2 && keyPrefix.endsWith("\n")) {
            return scanAndRemove(NAMESPACE + "e:" + sha256(keyPrefix).substring(0, 16) + ":*", both);
        }
        return scanAndRemove(NAMESPACE + "e:*", both);
    }

    private int scanAndRemove(String pattern, Predicate<String> keyFilter) {
        int removed = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(500);
        do {
            ScanCursor from = cursor;
            KeyScanCursor<byte[]> page = call(r -> r.scan(from, args), null);
            if (page == null) {
                return removed; // Redis went away: what is left expires by itself
            }
            for (byte[] rk : page.getKeys()) {
                byte[] data = call(r -> r.get(rk), null);
                String key = keyOf(data);
                if (key != null && keyFilter.test(key)) {
                    Long n = call(r -> r.del(rk), 0L);
                    removed += n == null ? 0 : n.intValue();
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
        return removed;
    }

    /** Keys in the selected Redis database (meant to be dedicated to the cache); 0 while unavailable. */
    @Override
    public long entryCount() {
        Long n = call(RedisCommands::dbsize, 0L);
        return n == null ? 0 : n;
    }

    /** Redis accounts its own memory; the proxy does not know it per entry. */
    @Override
    public long weightedSize() {
        return 0;
    }

    // ---- fill lock primitives ----

    /** True: taken; false: held by someone else; null: Redis unavailable. */
    Boolean tryLock(String lockKeyHash, byte[] token, long ttlMs) {
        String r = call(c -> c.set(lockKey(lockKeyHash), token, SetArgs.Builder.nx().px(ttlMs)), "unavailable");
        if ("unavailable".equals(r)) {
            return null;
        }
        return "OK".equals(r);
    }

    void releaseLock(String lockKeyHash, byte[] token) {
        call(c -> c.eval(RELEASE_SCRIPT, ScriptOutputType.INTEGER, new byte[][] {lockKey(lockKeyHash)}, token), 0L);
        call(c -> c.publish(FILLED_CHANNEL, lockKeyHash.getBytes(StandardCharsets.US_ASCII)), 0L);
    }

    @Override
    public void close() {
        closed = true;
        up = false;
        probe.shutdownNow();
        try {
            if (pubSub != null) {
                pubSub.close();
            }
            if (connection != null) {
                connection.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debug("Closing the Redis client: {}", e.toString());
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
