package io.githubcache.store;

import static io.githubcache.store.StoreTestData.key;
import static io.githubcache.store.StoreTestData.response;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.CachedResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingRefreshesTest {

    private final PendingRefreshes pending = new PendingRefreshes();

    @Test
    void theNewestRefreshIsHeldAndTheKeyKeepsTheTimeItFellBehind() {
        assertThat(pending.offer(key(1), response(1, 100), 1_000)).isTrue();
        assertThat(pending.offer(key(1), response(2, 100), 5_000)).isTrue();

        assertThat(pending.get(key(1))).isEqualTo(response(2, 100));
        assertThat(pending.get(key(2))).isNull();
        assertThat(pending.due(999)).isEmpty();
        List<Map.Entry<String, PendingRefreshes.Pending>> due = pending.due(1_000);
        assertThat(due).hasSize(1);
        assertThat(due.get(0).getValue().value).isEqualTo(response(2, 100));
        assertThat(pending.size()).isEqualTo(1);
    }

    @Test
    void takeRemovesOnlyTheRefreshThatWasRead() {
        pending.offer(key(1), response(1, 100), 0);
        PendingRefreshes.Pending read = pending.due(Long.MAX_VALUE).get(0).getValue();
        pending.offer(key(1), response(2, 100), 10); // a newer refresh while the flush encodes the one it read

        assertThat(pending.take(key(1), read)).isFalse();
        assertThat(pending.get(key(1))).isEqualTo(response(2, 100));

        PendingRefreshes.Pending newest = pending.due(Long.MAX_VALUE).get(0).getValue();
        assertThat(pending.take(key(1), newest)).isTrue();
        assertThat(pending.size()).isZero();
        assertThat(pending.bytes()).isZero();
    }

    @Test
    void holdsTellsWhetherTheReadRefreshIsStillTheKeysAndClearForgetsAll() {
        pending.offer(key(1), response(1, 100), 0);
        pending.offer(key(2), response(2, 100), 0);
        PendingRefreshes.Pending read = pending.due(Long.MAX_VALUE).stream()
                .filter(e -> e.getKey().equals(key(1))).findFirst().orElseThrow().getValue();

        assertThat(pending.holds(key(1), read)).isTrue();
        pending.offer(key(1), response(3, 100), 0);
        assertThat(pending.holds(key(1), read)).isFalse();

        assertThat(pending.clear()).isEqualTo(2);
        assertThat(pending.size()).isZero();
        assertThat(pending.bytes()).isZero();
    }

    @Test
    void dropAndDropIfForgetRefreshesAndTheirBytes() {
        pending.offer("a\nx/1", response(1, 100), 0);
        pending.offer("a\nx/2", response(2, 100), 0);
        pending.offer("b\nx/1", response(3, 100), 0);
        long one = response(3, 100).weight();
        assertThat(pending.bytes()).isEqualTo(3 * one);

        pending.drop("a\nx/2");
        pending.dropIf("a", k -> k.endsWith("/1"));

        assertThat(pending.get("a\nx/1")).isNull();
        assertThat(pending.get("a\nx/2")).isNull();
        assertThat(pending.get("b\nx/1")).isEqualTo(response(3, 100));
        assertThat(pending.bytes()).isEqualTo(one);
    }

    @Test
    void whenTheBytesAreUsedUpANewKeyIsRefusedButAHeldKeyIsStillReplaced() {
        CachedResponse big = response(1, 9 * 1024 * 1024);
        int fit = (int) (PendingRefreshes.MAX_BYTES / big.weight());
        for (int i = 0; i < fit; i++) {
            assertThat(pending.offer(key(i), big, 0)).isTrue();
        }

        assertThat(pending.offer(key(fit), big, 0)).isFalse();
        assertThat(pending.get(key(fit))).isNull();
        assertThat(pending.offer(key(0), big, 0)).isTrue();
        assertThat(pending.size()).isEqualTo(fit);
        assertThat(pending.bytes()).isLessThanOrEqualTo(PendingRefreshes.MAX_BYTES);
    }
}
