package io.githubcache.store;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Run in a child JVM by {@link DiskEntryStoreCrashTest}: writes entries, printing {@code ACK i} once
 * {@code put} returned (that is when the proxy would answer), and never closes the store.
 *
 * <p>Arguments: directory, durability ({@link DiskEntryStore.Durability}), count, end ({@code halt}: call
 * {@code Runtime.halt} after the last put; {@code wait}: keep running until killed).
 */
public final class CrashWriterMain {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        DiskEntryStore.Durability durability = DiskEntryStore.Durability.valueOf(args[1]);
        int count = Integer.parseInt(args[2]);
        boolean halt = args[3].equals("halt");
        DiskEntryStore.Tuning tuning = DiskEntryStore.Tuning.defaults().withDurability(durability);
        if (durability == DiskEntryStore.Durability.PERIODIC) {
            tuning = tuning.manual(); // no flush at all: shows what a crash loses without the journal
        }
        DiskEntryStore store = new DiskEntryStore(dir, 1L << 30, Duration.ofDays(365), Clock.systemUTC(), tuning);
        PrintStream out = System.out;
        out.println("OPEN");
        out.flush();
        for (int i = 0; i < count; i++) {
            store.put(StoreTestData.key(i), StoreTestData.response(i, 1000 + i % 3000));
            out.println("ACK " + i);
            out.flush();
        }
        if (halt) {
            Runtime.getRuntime().halt(0);
        }
        out.println("DONE");
        out.flush();
        new CountDownLatch(1).await(); // blocks until the test kills this JVM
    }
}
