package io.githubcache.store;

import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.Header;
import io.githubcache.cache.HeaderList;
import io.githubcache.support.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Measurements for the disk tier (not a test: run by hand, numbers go into reports).
 *
 * <pre>
 * mvn -B -q test-compile
 * java -cp "target/test-classes:target/classes:$(cat cp.txt)" io.githubcache.store.DiskStoreBenchmark [entries] [bodyBytes]
 * </pre>
 * (cp.txt from {@code mvn -B -q dependency:build-classpath -Dmdep.outputFile=cp.txt}).
 */
public final class DiskStoreBenchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int bodySize = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        DiskEntryStore.Durability durability = args.length > 2 ? DiskEntryStore.Durability.valueOf(args[2])
                : DiskEntryStore.Durability.JOURNAL;
        Path root = Files.createTempDirectory("disk-bench");
        try {
            run(root, n, bodySize, durability);
        } finally {
            TempDirs.deleteRecursively(root);
        }
    }

    private static void run(Path root, int n, int bodySize, DiskEntryStore.Durability durability)
            throws Exception {
        Clock clock = Clock.systemUTC();
        Path dir = root.resolve("store");
        long maxDisk = 64L * 1024 * 1024 * 1024;
        Random random = new Random(1);

        // 1. fill: one committed put per entry, as the proxy does
        DiskEntryStore store = new DiskEntryStore(dir, maxDisk, Duration.ofDays(365), clock,
                DiskEntryStore.Tuning.defaults().withDurability(durability));
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            store.put(key(i), response(random, bodySize));
        }
        long fillNs = System.nanoTime() - t0;
        System.out.printf("fill: %d puts (%s) of %d-byte bodies in %.1f s = %.0f us/put, file %d MB,"
                + " accounted %d MB%n", n, durability, bodySize, fillNs / 1e9, fillNs / 1e3 / n, store.fileSize() >> 20,
                store.weightedSize() >> 20);

        // 2. disk reads (the memory tier is not involved here)
        t0 = System.nanoTime();
        int hits = 0;
        for (int i = 0; i < n; i++) {
            if (store.get(key(random.nextInt(n))) != null) {
                hits++;
            }
        }
        long getNs = System.nanoTime() - t0;
        System.out.printf("get: %d random disk reads, %d hits, %.1f us/get%n", n, hits, getNs / 1e3 / n);

        // invalidation (HttpCache.invalidatePath): a scan of every key against a scan of one key range
        String prefix = key(5).substring(0, key(5).indexOf("/repo5"));
        t0 = System.nanoTime();
        int all = store.removeIf(k -> false);
        long fullNs = System.nanoTime() - t0;
        t0 = System.nanoTime();
        int some = store.removeIf(prefix + "/", k -> false);
        long rangeNs = System.nanoTime() - t0;
        System.out.printf("removeIf matching nothing: all %d keys scanned in %.1f ms; one prefix range in %.2f ms%n",
                n, fullNs / 1e6, rangeNs / 1e6);

        // a crash image: the file as a killed process leaves it (everything committed, never closed)
        Path crashed = root.resolve("crashed");
        Files.createDirectories(crashed);
        store.flush();
        Files.copy(store.file(), crashed.resolve(DiskEntryStore.FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(store.file(), dir.resolve("crash-image"), StandardCopyOption.REPLACE_EXISTING);

        t0 = System.nanoTime();
        store.close();
        System.out.printf("close: %.0f ms, file %d MB%n", (System.nanoTime() - t0) / 1e6, Files.size(
                dir.resolve(DiskEntryStore.FILE_NAME)) >> 20);

        // 3. open after a clean stop and after a crash
        for (int round = 0; round < 3; round++) {
            for (Path d : List.of(dir, crashed)) {
                t0 = System.nanoTime();
                try (DiskEntryStore reopened = new DiskEntryStore(d, maxDisk, Duration.ofDays(365), clock)) {
                    long constructorNs = System.nanoTime() - t0;
                    while (!reopened.isAvailable()) {
                        Thread.onSpinWait();
                    }
                    long readyNs = System.nanoTime() - t0;
                    boolean found = reopened.get(key(n - 1)) != null;
                    long firstGetNs = System.nanoTime() - t0 - readyNs;
                    System.out.printf("open %s (%d entries): constructor returned after %.0f ms, serving after %.0f ms,"
                            + " first get %.1f ms (hit=%s)%n", d == dir ? "after clean close" : "after crash",
                            reopened.entryCount(), constructorNs / 1e6, readyNs / 1e6, firstGetNs / 1e6, found);
                }
                if (d == crashed) {
                    Files.copy(dir.resolve("crash-image"), crashed.resolve(DiskEntryStore.FILE_NAME),
                            StandardCopyOption.REPLACE_EXISTING); // crash again: every round measures a recovery
                }
            }
        }

        // 4. for comparison: nginx-style one file per entry, whose start needs a directory walk to know the size
        Path files = root.resolve("files");
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String h = Integer.toHexString(i * 2654435761L > 0 ? (int) (i * 2654435761L) : i);
            Path p = files.resolve(h.substring(h.length() - 1)).resolve(h.length() > 2 ? h.substring(h.length() - 3,
                    h.length() - 1) : "00").resolve("e" + i);
            Files.createDirectories(p.getParent());
            Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
            Files.write(tmp, EntryCodec.encode(key(i), response(random, bodySize)));
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE);
        }
        fillNs = System.nanoTime() - t0;
        System.out.printf("file-per-entry fill: %.0f us/put (write + rename, no fsync)%n", fillNs / 1e3 / n);
        t0 = System.nanoTime();
        long total;
        try (Stream<Path> walk = Files.walk(files)) {
            total = walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf("file-per-entry start (walk + stat %d files, %d MB): %.0f ms%n", n, total >> 20,
                (System.nanoTime() - t0) / 1e6);
    }

    static String key(int i) {
        return "https://api.github.com\n" + "0123456789abcdef".repeat(4) + "\napplication/vnd.github+json\n2022-11-28\n"
                + "/repos/owner" + (i % 997) + "/repo" + i + "/contents/src/main/java/File" + i + ".java?ref=main";
    }

    static CachedResponse response(Random random, int bodySize) {
        byte[] body = new byte[bodySize];
        random.nextBytes(body);
        Instant now = Instant.now();
        return new CachedResponse(200, HeaderList.of(List.of(
                new Header("Content-Type", "application/json; charset=utf-8"),
                new Header("ETag", "W/\"" + Long.toHexString(random.nextLong()) + "\""),
                new Header("Content-Encoding", "gzip"),
                new Header("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP"),
                new Header("Vary", "Accept-Encoding, Accept, X-Requested-With"),
                new Header("X-GitHub-Media-Type", "github.v3; format=json"),
                new Header("Cache-Control", "private, max-age=60, s-maxage=60"))),
                body, now, now.plusSeconds(60));
    }
}
