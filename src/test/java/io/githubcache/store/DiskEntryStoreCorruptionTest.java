package io.githubcache.store;

import static io.githubcache.store.StoreTestData.key;
import static io.githubcache.store.StoreTestData.response;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.githubcache.support.CapturedLog;
import io.githubcache.support.MutableClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged store files: never served, never fatal. */
class DiskEntryStoreCorruptionTest {

    private static final int ENTRIES = 60;
    private static final int BODY = 1500;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();

    private DiskEntryStore open() {
        return new DiskEntryStore(dir, 64L << 20, Duration.ofDays(365), clock,
                DiskEntryStore.Tuning.defaults().manual());
    }

    private Path file() {
        return dir.resolve(DiskEntryStore.FILE_NAME);
    }

    private void writeEntriesAndClose() {
        try (DiskEntryStore store = open()) {
            for (int i = 0; i < ENTRIES; i++) {
                store.put(key(i), response(i, BODY));
            }
        }
    }

    /** Every key is either absent or exactly what was written; returns how many are still served. */
    private int assertServedOnlyIntact(DiskEntryStore store) {
        int served = 0;
        for (int i = 0; i < ENTRIES; i++) {
            Object got = store.get(key(i));
            if (got != null) {
                assertThat(got).as("entry %d", i).isEqualTo(response(i, BODY));
                served++;
            }
        }
        return served;
    }

    private void assertStillWorks(DiskEntryStore store) {
        store.put(key(1000), response(1000, BODY));
        assertThat(store.get(key(1000))).isEqualTo(response(1000, BODY));
    }

    @Test
    void aFlippedByteInOneEntryIsAMissAndTheEntryIsRemoved() throws Exception {
        writeEntriesAndClose();
        // the body of entry 17 (every copy MVStore still has of it), away from its first bytes
        byte[] marker = ("BODY-17-").getBytes(StandardCharsets.US_ASCII);
        List<Long> at = find(Files.readAllBytes(file()), marker);
        assertThat(at).isNotEmpty();
        for (long pos : at) {
            flip(pos + 500);
        }

        try (DiskEntryStore store = open()) {
            long before = store.entryCount();
            assertThat(store.get(key(17))).isNull();
            assertThat(store.corruptEntries()).isEqualTo(1);
            assertThat(store.entryCount()).isEqualTo(before - 1);
            assertThat(store.get(key(17))).isNull();
            assertThat(assertServedOnlyIntact(store)).isEqualTo(ENTRIES - 1);
            assertStillWorks(store);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomlyFlippedBytesNeverServeWrongDataNorFail(long seed) throws Exception {
        writeEntriesAndClose();
        Random random = new Random(seed);
        long size = Files.size(file());
        for (int i = 0; i < 40; i++) {
            flip(random.nextLong(size));
        }

        try (DiskEntryStore store = open()) {
            assertServedOnlyIntact(store);
            assertStillWorks(store);
        }
        try (DiskEntryStore again = open()) { // and the next start is fine too
            assertThat(again.get(key(1000))).isIn(null, response(1000, BODY));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.001, 0.1, 0.5, 0.9, 0.999})
    void aTruncatedFileNeverServesWrongDataNorFails(double keep) throws Exception {
        writeEntriesAndClose();
        long size = Files.size(file());
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.setLength((long) (size * keep));
        }

        try (DiskEntryStore store = open()) {
            assertServedOnlyIntact(store);
            assertStillWorks(store);
        }
    }

    @Test
    void aFileOfGarbageIsMovedAsideAndTheStoreStartsEmpty() throws Exception {
        Files.createDirectories(dir);
        byte[] garbage = new byte[100_000];
        new Random(3).nextBytes(garbage);
        Files.write(file(), garbage);

        try (DiskEntryStore store = open()) {
            assertThat(store.entryCount()).isZero();
            assertStillWorks(store);
        }
        List<Path> aside;
        try (Stream<Path> files = Files.list(dir)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith(DiskEntryStore.FILE_NAME + ".corrupt-"))
                    .toList();
        }
        assertThat(aside).hasSize(1);
        assertThat(Files.readAllBytes(aside.get(0))).isEqualTo(garbage);
    }

    @Test
    void aTornJournalTailIsIgnored() throws Exception {
        try (DiskEntryStore store = open()) {
            store.put(key(1), response(1, BODY));
        }
        // as a crash leaves it: one whole record, then half of the next one
        Path journal = dir.resolve(Journal.FILE_NAME);
        try (Journal j = new Journal(journal)) {
            j.appendPut(key(2), EntryCodec.encode(key(2), response(2, BODY)));
            j.appendPut(key(3), EntryCodec.encode(key(3), response(3, BODY)));
        }
        long size = Files.size(journal);
        try (RandomAccessFile raf = new RandomAccessFile(journal.toFile(), "rw")) {
            raf.setLength(size - 700);
        }

        CapturedLog log = CapturedLog.of(DiskEntryStore.class.getName());
        try (log; DiskEntryStore store = open()) {
            assertThat(store.get(key(1))).isEqualTo(response(1, BODY));
            assertThat(store.get(key(2))).isEqualTo(response(2, BODY));
            assertThat(store.get(key(3))).isNull();
        }
        assertThat(Files.size(journal)).isZero();
        assertThat(log.events()).noneMatch(e -> e.getLevel() == Level.WARN); // what a crash leaves is no damage
    }

    /** A record damaged in the middle: the writes before it are replayed, it and those after it dropped, said once. */
    @Test
    void aDamagedJournalRecordInTheMiddleIsReportedAndWritesBeforeItAreKept() throws Exception {
        Path journal = dir.resolve(Journal.FILE_NAME);
        Files.createDirectories(dir);
        long secondStart;
        try (Journal j = new Journal(journal)) {
            j.appendPut(key(1), EntryCodec.encode(key(1), response(1, BODY)));
            secondStart = Files.size(journal);
            j.appendPut(key(2), EntryCodec.encode(key(2), response(2, BODY)));
            j.appendPut(key(3), EntryCodec.encode(key(3), response(3, BODY)));
        }
        flip(journal, secondStart + 100);

        CapturedLog log = CapturedLog.of(DiskEntryStore.class.getName());
        try (log; DiskEntryStore store = open()) {
            assertThat(store.get(key(1))).isEqualTo(response(1, BODY));
            assertThat(store.get(key(2))).isNull();
            assertThat(store.get(key(3))).isNull();
        }
        assertThat(log.events()).filteredOn(e -> e.getLevel() == Level.WARN)
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("damaged record at byte " + secondStart));
    }


    @Test
    void aCorruptJournalRecordIsNeverServed() throws Exception {
        Path journal = dir.resolve(Journal.FILE_NAME);
        Files.createDirectories(dir);
        try (Journal j = new Journal(journal)) {
            j.appendPut(key(2), EntryCodec.encode(key(2), response(2, BODY)));
        }
        flip(journal, 100);

        try (DiskEntryStore store = open()) {
            assertThat(store.get(key(2))).isNull();
            assertThat(store.entryCount()).isZero();
        }
    }

    private void flip(long pos) throws IOException {
        flip(file(), pos);
    }

    private static void flip(Path path, long pos) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            if (pos >= raf.length()) {
                return;
            }
            raf.seek(pos);
            int b = raf.read();
            raf.seek(pos);
            raf.write(b ^ 0x5A);
        }
    }

    private static List<Long> find(byte[] haystack, byte[] needle) {
        List<Long> out = new ArrayList<>();
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            out.add((long) i);
        }
        return out;
    }
}
