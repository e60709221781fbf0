package io.githubcache.store;

import static io.githubcache.store.StoreTestData.key;
import static io.githubcache.store.StoreTestData.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.githubcache.config.InvalidSettingException;
import io.githubcache.support.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.h2.mvstore.DataUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store files this process may not write: startup stops with one line, the file is never moved aside. Tests run
 * as root here, to whom every file is writable, so the startup check is tested with a probe, and the whole
 * constructor with an immutable file ({@code chattr +i} binds root too), where the file system supports it.
 */
class DiskEntryStorePermissionTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();

    private DiskEntryStore open() {
        return new DiskEntryStore(dir, 64L << 20, Duration.ofDays(365), clock);
    }

    @Test
    void aStoreFileThatCannotBeWrittenStopsStartupNamingTheSettingAndTheFile() throws IOException {
        Files.writeString(dir.resolve(DiskEntryStore.FILE_NAME), "");
        Path refused = dir.resolve(DiskEntryStore.FILE_NAME);

        assertThatThrownBy(() -> DiskEntryStore.requireWritableFiles(dir, f -> !f.equals(refused)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("github.cache.dir").hasMessageContaining("GITHUB_CACHE_DIR")
                .hasMessageContaining(refused.toString()).hasMessageContaining("not writable");
    }

    @Test
    void theJournalIsCheckedToo() throws IOException {
        Path journal = Files.writeString(dir.resolve(Journal.FILE_NAME), "");

        assertThatThrownBy(() -> DiskEntryStore.requireWritableFiles(dir, f -> !f.equals(journal)))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining(journal.toString());
    }

    @Test
    void filesNotThereYetAreNoObstacle() {
        DiskEntryStore.requireWritableFiles(dir, f -> false);
    }

    @Test
    void refusedWritesAreNotMistakenForDamage() {
        assertThat(DiskEntryStore.isPermissionFailure(
                DataUtils.newMVStoreException(DataUtils.ERROR_WRITING_FAILED, "This store is read-only"))).isTrue();
        assertThat(DiskEntryStore.isPermissionFailure(new IllegalStateException("writing failed",
                new AccessDeniedException("/data/github-cache.mv.db")))).isTrue();
        assertThat(DiskEntryStore.isPermissionFailure(
                new UncheckedIOException(new IOException("Read-only file system")))).isTrue();

        assertThat(DiskEntryStore.isPermissionFailure(DataUtils.newMVStoreException(
                DataUtils.ERROR_FILE_CORRUPT, "File corrupted in chunk 12"))).isFalse();
        assertThat(DiskEntryStore.isPermissionFailure(new IllegalStateException("unexpected page"))).isFalse();
    }

    @Test
    void anImmutableStoreFileStopsStartupAndKeepsEveryEntry() throws Exception {
        try (DiskEntryStore store = open()) {
            store.put(key(1), response(1, 100));
        }
        Path file = dir.resolve(DiskEntryStore.FILE_NAME);
        long size = Files.size(file);
        assumeTrue(chattr("+i", file), "chattr +i is not available here");
        try {
            assertThatThrownBy(this::open).isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("github.cache.dir").hasMessageContaining(file.toString());

            assertThat(Files.size(file)).isEqualTo(size);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.contains(DiskEntryStore.CORRUPT_SUFFIX));
            }
        } finally {
            chattr("-i", file);
        }
        try (DiskEntryStore store = open()) { // writable again: everything is still there
            assertThat(store.get(key(1))).isEqualTo(response(1, 100));
        }
    }

    private static boolean chattr(String flag, Path file) {
        try {
            Process p = new ProcessBuilder(List.of("chattr", flag, file.toString())).redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
