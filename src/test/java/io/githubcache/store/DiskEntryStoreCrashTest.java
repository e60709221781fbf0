package io.githubcache.store;

import static io.githubcache.store.StoreTestData.key;
import static io.githubcache.store.StoreTestData.response;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.MutableClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store written by a child JVM that dies without closing it (halt, SIGKILL) serves what was answered. */
class DiskEntryStoreCrashTest {

    @TempDir
    Path work;

    private Path dir;

    @BeforeEach
    void paths() {
        dir = work.resolve("store");
    }

    @Test
    void everyAnsweredEntrySurvivesHalt() throws Exception {
        List<Integer> acked = runChild("JOURNAL", 300, "halt", Integer.MAX_VALUE);

        assertThat(acked).hasSize(300);
        assertAllPresent(acked);
    }

    @Test
    void everyAnsweredEntrySurvivesKillDashNineMidStream() throws Exception {
        // the child writes as fast as it can; it is killed (SIGKILL) after 500 answered puts, while writing more
        List<Integer> acked = runChild("JOURNAL", 1_000_000, "wait", 500);

        assertThat(acked.size()).isGreaterThanOrEqualTo(500);
        assertAllPresent(acked);
    }

    @Test
    void withoutJournalOrCommitTheWritesSinceTheLastCommitAreLost() throws Exception {
        // the contrast that shows the tests above can fail: no journal, no flush before the halt
        List<Integer> acked = runChild("PERIODIC", 100, "halt", Integer.MAX_VALUE);

        assertThat(acked).hasSize(100);
        try (DiskEntryStore store = reopen()) {
            assertThat(store.entryCount()).isZero();
            assertThat(store.get(key(0))).isNull();
        }
    }

    private void assertAllPresent(List<Integer> acked) {
        try (DiskEntryStore store = reopen()) {
            List<Integer> missing = new ArrayList<>();
            for (int i : acked) {
                Object got = store.get(key(i));
                if (got == null) {
                    missing.add(i);
                } else {
                    assertThat(got).isEqualTo(response(i, 1000 + i % 3000));
                }
            }
            assertThat(missing).as("answered but lost").isEmpty();
            assertThat(store.entryCount()).isGreaterThanOrEqualTo(acked.size());
        }
    }

    private DiskEntryStore reopen() {
        return new DiskEntryStore(dir, 1L << 30, Duration.ofDays(365), new MutableClock(),
                DiskEntryStore.Tuning.defaults().manual());
    }

    /** Runs {@link CrashWriterMain}; returns the entries it acknowledged before it died. */
    private List<Integer> runChild(String durability, int count, String end, int killAfter) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath,
                CrashWriterMain.class.getName(), dir.toString(), durability, Integer.toString(count), end);
        pb.redirectError(work.resolve("child-" + durability + ".log").toFile());
        Process child = pb.start();
        List<Integer> acked = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(Integer.parseInt(line.substring(4)));
                    if (acked.size() == killAfter) {
                        // kill -9 from outside: Process.destroyForcibly() would also close our end of the pipe
                        new ProcessBuilder("kill", "-9", Long.toString(child.pid())).inheritIO().start()
                                .waitFor(10, TimeUnit.SECONDS);
                    }
                }
            }
        } finally {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        if (killAfter == Integer.MAX_VALUE) {
            assertThat(child.exitValue()).as("the child halted itself").isZero();
        } else {
            assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        }
        return acked;
    }
}
